package org.fedspark.algorithm;

import org.fedspark.config.AlgorithmName;
import org.fedspark.config.ConfigException;
import org.fedspark.config.FedConfig;
import org.fedspark.config.Keys;
import org.fedspark.model.BlockRoles;
import org.fedspark.model.Model;

/** Builds the configured {@link FederatedAlgorithm} from the {@code algorithm.*}, {@code train.*} and {@code server.*} keys. */
public final class Algorithms {
  private Algorithms() {}

  public static FederatedAlgorithm create(FedConfig cfg, Model model) {
    int rounds = cfg.getInt(Keys.ROUNDS);
    Schedule clientLr = Schedule.of("train.lr", cfg.getString(Keys.LR_SCHEDULE), cfg.getDouble(Keys.LR),
        cfg.getDouble(Keys.LR_DECAY), cfg.getDouble(Keys.LR_MIN), cfg.getInt(Keys.LR_WARMUP), rounds);
    Schedule serverLr = Schedule.of("server.lr", cfg.getString(Keys.SERVER_LR_SCHEDULE), cfg.getDouble(Keys.SERVER_LR),
        cfg.getDouble(Keys.SERVER_LR_DECAY), cfg.getDouble(Keys.SERVER_LR_MIN), cfg.getInt(Keys.SERVER_LR_WARMUP), rounds);
    LocalTraining training = new LocalTraining(cfg.getInt(Keys.EPOCHS), cfg.getInt(Keys.BATCH), clientLr,
        cfg.getDouble(Keys.MOMENTUM));
    AlgorithmName name = cfg.getEnum(Keys.ALGORITHM, AlgorithmName.class);
    String label = org.fedspark.config.ConfigKey.label(name);
    ParamSplit split = split(cfg, model, name);
    ServerOptimizer optimizer = ServerOptimizer.of(cfg.getString(Keys.SERVER_OPTIMIZER), cfg.getDouble(Keys.SERVER_BETA1),
        cfg.getDouble(Keys.SERVER_BETA2), cfg.getDouble(Keys.SERVER_TAU));
    if (optimizer.kind() != ServerOptimizer.Kind.SGD && (name == AlgorithmName.FEDSLR || name == AlgorithmName.LOCAL
        || name == AlgorithmName.GRAPH_FUSED)) {
      throw new ConfigException("key '" + Keys.SERVER_OPTIMIZER.path() + "' = " + cfg.getString(Keys.SERVER_OPTIMIZER)
          + " applies to averaging servers; " + label + " has its own server update; remove it");
    }
    FedAvgServer averaging = new FedAvgServer(split, serverLr, optimizer);
    return switch (name) {
      // FedAvg discards stragglers' partial work, as in FedProx's experiments; the others keep it.
      case FEDAVG -> new FederatedAlgorithm(label, new FedAvgServer(split, serverLr, optimizer, true),
          new FedAvgClient(split, training, 0.0, 0));
      case FEDPROX -> new FederatedAlgorithm(label, averaging, new FedAvgClient(split, training, cfg.getDouble(Keys.MU), 0));
      case FEDAVG_FT -> new FederatedAlgorithm(label, averaging,
          new FedAvgClient(split, training, 0.0, cfg.getInt(Keys.FT_EPOCHS)));
      case FEDPER -> new FederatedAlgorithm(label, averaging, new FedAvgClient(split, training, 0.0, 0));
      case FEDREP -> new FederatedAlgorithm(label, averaging,
          new FedRepClient(split, training, cfg.getInt(Keys.FEDREP_HEAD_EPOCHS)));
      case DITTO -> new FederatedAlgorithm(label, averaging,
          new DittoClient(training, cfg.getDouble(Keys.DITTO_LAMBDA), cfg.getInt(Keys.DITTO_EPOCHS)));
      case APFL -> new FederatedAlgorithm(label, averaging,
          new ApflClient(training, cfg.getDouble(Keys.APFL_ALPHA), cfg.getBoolean(Keys.APFL_ADAPT)));
      case LOCAL -> new FederatedAlgorithm(label, new SilentServer(), new LocalOnlyClient(training));
      case FEDSLR -> {
        if (cfg.getDouble(Keys.SERVER_LR) != 1.0) {
          throw new ConfigException("key '" + Keys.SERVER_LR.path() + "' does not apply to fedslr, whose server step is"
              + " FedDyn's correction and singular value thresholding; remove it");
        }
        double alpha = cfg.getDouble(Keys.FEDSLR_ALPHA);
        yield new FederatedAlgorithm(label, new FedSlrServer(model, alpha, cfg.getDouble(Keys.FEDSLR_RANK_THRESHOLD),
            cfg.getInt(Keys.FEDSLR_DISTRIBUTED_SVD)),
            new FedSlrClient(training, alpha, cfg.getDouble(Keys.FEDSLR_SPARSE_THRESHOLD), cfg.getInt(Keys.FEDSLR_PERSONAL_EPOCHS)));
      }
      case PFEDME -> new FederatedAlgorithm(label, new FedAvgServer(split, serverLr.scaled(cfg.getDouble(Keys.PFEDME_BETA)), optimizer),
          new PFedMeClient(training, cfg.getDouble(Keys.PFEDME_LAMBDA), cfg.getDouble(Keys.PFEDME_PERSONAL_LR),
              cfg.getInt(Keys.PFEDME_INNER_STEPS)));
      case GRAPH_FUSED -> graphFused(cfg, split, clientLr, label);
    };
  }

  /** The graph-fused method: its server half owns the personal parts and solves the coupled Z step. */
  private static FederatedAlgorithm graphFused(FedConfig cfg, ParamSplit split, Schedule lr, String label) {
    if (!split.hasPersonal()) {
      throw new ConfigException("key '" + Keys.BLOCKS.path() + "' = " + cfg.getString(Keys.BLOCKS) + " leaves "
          + label + " no personal values to couple; use e.g. 'additive all' (the default) or 'personal head'");
    }
    if (cfg.getDouble(Keys.SERVER_LR) != 1.0) {
      throw new ConfigException("key '" + Keys.SERVER_LR.path() + "' does not apply to " + label
          + ", whose server steps are train.lr and graph-fused.eta-z; remove it");
    }
    String p = cfg.getString(Keys.GF_P);
    double tol = cfg.getDouble(Keys.GF_TOLERANCE);
    org.fedspark.optim.GraphFusedZSolver.Options admm = org.fedspark.optim.GraphFusedZSolver.Options.defaults()
        .withRho(cfg.getDouble(Keys.GF_RHO)).withTolerances(tol, tol).withMaxIterations(cfg.getInt(Keys.GF_MAX_ITERATIONS))
        .withLinearTolerance(Math.min(1e-8, tol * 1e-2));
    GraphFusedServer.Settings settings = new GraphFusedServer.Settings(
        cfg.getEnum(Keys.GF_PENALTY, GraphFusedServer.Penalty.class), cfg.getDouble(Keys.GF_LAMBDA),
        p.equals("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(p), cfg.getDouble(Keys.GF_ETA_Z), admm,
        org.fedspark.graph.GraphOptions.from(cfg), cfg.getInt(Keys.GRAPH_MODEL_WARMUP), cfg.getInt(Keys.BATCH));
    return new FederatedAlgorithm(label, new GraphFusedServer(split, lr, settings),
        new GraphFusedClient(split, lr, cfg.getInt(Keys.GF_LOCAL_STEPS), cfg.getInt(Keys.BATCH),
            cfg.getBoolean(Keys.GF_FULL_BATCH)));
  }

  /**
   * The block roles: {@code model.blocks} if set, else the algorithm's own default (the head personal
   * for FedPer and FedRep, every block additive for graph-fused, every block shared otherwise). Algorithms that keep a whole personal model
   * (Ditto, APFL, local-only) share every block of their global model and refuse another split.
   */
  static ParamSplit split(FedConfig cfg, Model model, AlgorithmName name) {
    String spec = cfg.getString(Keys.BLOCKS);
    boolean headPersonal = name == AlgorithmName.FEDPER || name == AlgorithmName.FEDREP;
    boolean wholeModel = name == AlgorithmName.DITTO || name == AlgorithmName.APFL || name == AlgorithmName.LOCAL
        || name == AlgorithmName.FEDSLR || name == AlgorithmName.PFEDME;
    if (wholeModel && !spec.isBlank()) {
      throw new ConfigException("key '" + Keys.BLOCKS.path() + "' = " + spec + " does not apply to "
          + org.fedspark.config.ConfigKey.label(name) + ", which keeps a whole personal model on each client; remove it");
    }
    String effective = spec.isBlank() && headPersonal ? "personal head"
        : spec.isBlank() && name == AlgorithmName.GRAPH_FUSED ? "additive all" : spec;
    try {
      return ParamSplit.of(model, BlockRoles.parse(effective, model.layout()));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("key '" + Keys.BLOCKS.path() + "' = " + effective + ": " + e.getMessage());
    }
  }
}
