package org.fedspark.algorithm;

import org.fedspark.config.AlgorithmName;
import org.fedspark.config.ConfigException;
import org.fedspark.config.FedConfig;
import org.fedspark.config.Keys;
import org.fedspark.model.Adapters;
import org.fedspark.model.BlockRoles;
import org.fedspark.model.Composition;
import org.fedspark.model.Model;

/** Builds the configured {@link FederatedAlgorithm} from the {@code algorithm.*}, {@code train.*} and {@code server.*} keys. */
public final class Algorithms {
  private Algorithms() {}

  public static FederatedAlgorithm create(FedConfig cfg, Model model) {
    Schedule clientLr = clientLr(cfg);
    Schedule serverLr = serverLr(cfg);
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
    // Ditto, APFL, FedSLR and pFedMe train two full models on a client (a global or low-rank one and a
    // personal one); the others train the split's unfrozen blocks.
    long twoModels = 2L * model.layout().size();
    long trainable = switch (name) {
      case DITTO, APFL, FEDSLR, PFEDME -> twoModels;
      default -> split.trainable().size();
    };
    return create(cfg, model, name, label, split, training, clientLr, serverLr, optimizer, averaging).withTrainable(trainable);
  }

  /** The clients' step size per round ({@code train.lr*} keys). */
  public static Schedule clientLr(FedConfig cfg) {
    return Schedule.of("train.lr", cfg.getString(Keys.LR_SCHEDULE), cfg.getDouble(Keys.LR), cfg.getDouble(Keys.LR_DECAY),
        cfg.getDouble(Keys.LR_MIN), cfg.getInt(Keys.LR_WARMUP), cfg.getInt(Keys.ROUNDS));
  }

  /** The server's step size per round ({@code server.lr*} keys). */
  public static Schedule serverLr(FedConfig cfg) {
    return Schedule.of("server.lr", cfg.getString(Keys.SERVER_LR_SCHEDULE), cfg.getDouble(Keys.SERVER_LR),
        cfg.getDouble(Keys.SERVER_LR_DECAY), cfg.getDouble(Keys.SERVER_LR_MIN), cfg.getInt(Keys.SERVER_LR_WARMUP),
        cfg.getInt(Keys.ROUNDS));
  }

  private static FederatedAlgorithm create(FedConfig cfg, Model model, AlgorithmName name, String label, ParamSplit split,
      LocalTraining training, Schedule clientLr, Schedule serverLr, ServerOptimizer optimizer, FedAvgServer averaging) {
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
      case LOCAL -> new FederatedAlgorithm(label, new SilentServer(), new LocalOnlyClient(split, training));
      // FedIT, FFA-LoRA and FedSA-LoRA are FedAvg over adapters: they differ only in the roles of A and B.
      case FEDIT, FFA_LORA, FEDSA_LORA -> new FederatedAlgorithm(label, new FedAvgServer(split, serverLr, optimizer),
          new FedAvgClient(split, training, 0.0, 0));
      case FEDLORA_OPT -> new FederatedAlgorithm(label,
          new FedAvgServer(split, serverLr, optimizer, false, UnitDirections.of(split)),
          new FedLoraOptClient(split, training, cfg.getInt(Keys.FEDLORA_OPT_LOCAL_EPOCHS)));
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
    Adapters adapters = adapters(cfg, model, name);
    if (!adapters.isEmpty()) {
      return adapterSplit(cfg, model, name, adapters);
    }
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

  /** The adapters {@code model.lora.*} ask for; {@link Adapters#NONE} without {@code model.lora.blocks}. */
  static Adapters adapters(FedConfig cfg, Model model, AlgorithmName name) {
    String blocks = cfg.getString(Keys.LORA_BLOCKS);
    String label = org.fedspark.config.ConfigKey.label(name);
    if (blocks.isBlank()) {
      if (name.isLora()) {
        throw new ConfigException(label + " fine-tunes LoRA adapters: set '" + Keys.LORA_BLOCKS.path()
            + "' to the weight matrices to adapt (e.g. 'all'), and '" + Keys.BASE.path() + "' to the pretrained run");
      }
      return Adapters.NONE;
    }
    String decompose = cfg.getString(Keys.LORA_DECOMPOSE);
    if (name == AlgorithmName.FEDLORA_OPT && !decompose.equals("auto") && !decompose.equals("both")) {
      throw new ConfigException("key '" + Keys.LORA_DECOMPOSE.path() + "' = " + decompose + ": " + label
          + " tunes A's directions and B's magnitudes, so it splits both factors; use 'both' or 'auto'");
    }
    boolean both = decompose.equals("both") || (decompose.equals("auto") && name == AlgorithmName.FEDLORA_OPT);
    try {
      return Adapters.on(model.layout(), blocks, cfg.getInt(Keys.LORA_RANK), cfg.getDouble(Keys.LORA_ALPHA),
          both || decompose.equals("a"), both || decompose.equals("b"),
          cfg.getString(Keys.LORA_AXIS).equals("cols") ? Composition.Axis.COLS : Composition.Axis.ROWS);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("key '" + Keys.LORA_BLOCKS.path() + "' = " + blocks + ": " + e.getMessage());
    }
  }

  /**
   * The roles of the blocks once adapters are in place: everything frozen but the adapter factors
   * (the base weights and every block without an adapter keep the pretrained values), the factors
   * shared, then the adapter algorithm's own rule, then {@code model.blocks}:
   * <ul>
   *   <li>FedIT: A and B shared;
   *   <li>FFA-LoRA: A frozen at its random initialization, B shared;
   *   <li>FedSA-LoRA: A shared, B personal;
   *   <li>FedLoRA-Optimizer: A's directions shared, B's magnitudes personal, A's magnitudes and B's
   *       directions frozen.
   * </ul>
   * Other algorithms that train through block roles (FedAvg, FedProx, FedAvg-FT, FedPer, FedRep,
   * graph-fused, local-only) take the common default; FedPer and FedRep need {@code model.blocks} to say
   * which factors are personal. Ditto, APFL, FedSLR and pFedMe keep a whole model per client and
   * refuse adapters.
   */
  static ParamSplit adapterSplit(FedConfig cfg, Model model, AlgorithmName name, Adapters adapters) {
    String label = org.fedspark.config.ConfigKey.label(name);
    String spec = cfg.getString(Keys.BLOCKS);
    boolean wholeModel = name == AlgorithmName.DITTO || name == AlgorithmName.APFL || name == AlgorithmName.FEDSLR
        || name == AlgorithmName.PFEDME;
    if (wholeModel) {
      throw new ConfigException("key '" + Keys.LORA_BLOCKS.path() + "' = " + cfg.getString(Keys.LORA_BLOCKS)
          + " does not apply to " + label + ", which keeps a whole model per client; adapters are trained by fedit, "
          + "ffa-lora, fedsa-lora, fedlora-opt, and by fedavg, fedprox, fedavg-ft, fedper, fedrep, graph-fused, local");
    }
    if (name == AlgorithmName.LOCAL && !spec.isBlank()) {
      throw new ConfigException("key '" + Keys.BLOCKS.path() + "' = " + spec + " does not apply to " + label
          + ", which trains every adapter factor on each client and sends nothing; remove it");
    }
    if ((name == AlgorithmName.FEDPER || name == AlgorithmName.FEDREP) && spec.isBlank()) {
      throw new ConfigException(label + " with adapters needs '" + Keys.BLOCKS.path() + "' to say which adapter "
          + "factors are personal, e.g. 'personal W2.lora_*'");
    }
    String rule = switch (name) {
      case FFA_LORA -> "; frozen *" + Adapters.A + "*";
      case FEDSA_LORA -> "; personal *" + Adapters.B + "*";
      case FEDLORA_OPT -> "; frozen *.lora_*; shared *" + Adapters.A + Adapters.DIR + "; personal *" + Adapters.B
          + Adapters.MAG;
      case GRAPH_FUSED -> "; additive *.lora_*";
      default -> "";
    };
    String full = "frozen all; shared *.lora_*" + rule + (spec.isBlank() ? "" : "; " + spec);
    try {
      return ParamSplit.of(model, adapters, full);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("key '" + Keys.BLOCKS.path() + "' = " + spec + " (after the adapter default '"
          + "frozen all; shared *.lora_*" + rule + "'): " + e.getMessage());
    }
  }
}
