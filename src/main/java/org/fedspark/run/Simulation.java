package org.fedspark.run;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.fedspark.algorithm.Algorithms;
import org.fedspark.algorithm.FederatedAlgorithm;
import org.fedspark.client.InitialParams;
import org.fedspark.config.ConfigException;
import org.fedspark.config.FedConfig;
import org.fedspark.config.Keys;
import org.fedspark.data.DataSpec;
import org.fedspark.data.DatasetInfo;
import org.fedspark.data.FederatedData;
import org.fedspark.data.FederatedDataLoader;
import org.fedspark.model.Model;
import org.fedspark.model.Models;
import org.fedspark.report.MetricsCsv;
import org.fedspark.report.OutputDir;
import org.fedspark.report.Progress;
import org.fedspark.report.RoundMetrics;
import org.fedspark.report.RunReport;
import org.fedspark.server.ClientSampler;
import org.fedspark.server.RoundPlan;
import org.fedspark.server.ServerContext;
import org.fedspark.server.ServerStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One federated simulation, start to end: load the federation, build the model and the algorithm, run
 * the rounds (sample → configure → client fit → aggregate → server update → evaluate), and keep the
 * output directory current after every evaluation ({@code config.conf}, {@code metrics.csv},
 * {@code summary.json}, then charts and the HTML report at the end).
 */
public final class Simulation {
  private static final Logger LOG = LoggerFactory.getLogger(Simulation.class);

  private final SparkSession spark;
  private final FedConfig cfg;
  private final OutputDir out;
  private final PrintStream console;

  private final Transport transportOverride;

  public Simulation(SparkSession spark, FedConfig cfg, OutputDir out, PrintStream console) {
    this(spark, cfg, out, console, null);
  }

  /** A simulation whose transport is given instead of read from the {@code codec.*} keys (tests). */
  Simulation(SparkSession spark, FedConfig cfg, OutputDir out, PrintStream console, Transport transport) {
    this.spark = spark;
    this.cfg = cfg;
    this.out = out;
    this.console = console;
    this.transportOverride = transport;
  }

  public SimulationResult run() {
    long start = System.nanoTime();
    out.claim(RunReport.OUTPUTS, cfg.getBoolean(Keys.OVERWRITE));
    RunReport report = new RunReport(cfg, out, spark);
    out.writeString("config.conf", cfg.with(List.of(Keys.OUT.path() + "=" + out.uri())).render());
    report.writeSummary(RunStatus.RUNNING, "", List.of());
    FederatedData fed = null;
    List<RoundMetrics> rows = new ArrayList<>();
    try {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      DataSpec spec = DataSpecs.from(cfg);
      int partitions = cfg.getInt(Keys.PARTITIONS) > 0 ? cfg.getInt(Keys.PARTITIONS) : 2 * jsc.defaultParallelism();
      fed = FederatedDataLoader.load(spark, spec, partitions);
      if (fed.info().clientNames() != null) {
        out.writeString("clients.csv", fed.info().clientsCsv());
      }
      Model model = buildModel(cfg, fed.info());
      FederatedAlgorithm alg = Algorithms.create(cfg, model);
      Transport transport = transportOverride != null ? transportOverride : Transport.from(cfg, vectorBlocks(alg, model));
      report.describe(fed, model, alg.name(), transport.describe(), (System.nanoTime() - start) / 1e9);
      console.printf(Locale.ROOT, "fedspark: %s on %s: %d clients, %d train / %d test examples, %s (%d params)%n",
          alg.name(), fed.info().name(), fed.info().numClients(), fed.info().totalTrain(), fed.info().totalTest(),
          cfg.getString(Keys.MODEL), model.layout().size());
      console.printf("fedspark: Spark %s, master %s, %d partitions; %s; output %s%n", spark.version(),
          spark.sparkContext().master(), fed.partitioner().numPartitions(), report.blas(), out.uri());
      int[] groups = org.fedspark.data.ClientGroups.of(spec, fed.info().numClients());
      runRounds(jsc, fed, model, alg, transport, report, rows, start, groups);
      report.finish(RunStatus.COMPLETED, "", rows);
      return new SimulationResult(RunStatus.COMPLETED, "", List.copyOf(rows), report.summary(), out.uri());
    } catch (DivergenceException e) {
      LOG.error(e.getMessage());
      report.finish(RunStatus.DIVERGED, e.getMessage(), rows);
      return new SimulationResult(RunStatus.DIVERGED, e.getMessage(), List.copyOf(rows), report.summary(), out.uri());
    } catch (Throwable e) {
      // Throwable, not RuntimeException: Spark throws its checked SparkException from Scala code, and
      // an OutOfMemoryError should still leave a summary that says "failed", not "running".
      try {
        report.finish(RunStatus.FAILED, String.valueOf(e.getMessage()), rows);
      } catch (RuntimeException | Error reportFailure) {
        e.addSuppressed(reportFailure);
      }
      throw e;
    } finally {
      if (fed != null) {
        fed.clients().unpersist(false);
      }
    }
  }

  /**
   * The configured model for the loaded data; a model that cannot fit the data (logistic regression
   * on more than two classes) is a configuration error that names the key.
   */
  static Model buildModel(FedConfig cfg, DatasetInfo info) {
    try {
      return Models.create(cfg.getString(Keys.MODEL), info.numFeatures(), info.numClasses(), cfg.getInt(Keys.HIDDEN),
          cfg.getDouble(Keys.WEIGHT_DECAY));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("key '" + Keys.MODEL.path() + "' = " + cfg.getString(Keys.MODEL) + " does not fit "
          + info.name() + ": " + e.getMessage());
    }
  }

  private void runRounds(JavaSparkContext jsc, FederatedData fed, Model model, FederatedAlgorithm alg,
      Transport transport, RunReport report, List<RoundMetrics> rows, long start, int[] groups) {
    long seed = cfg.getLong(Keys.SEED);
    int rounds = cfg.getInt(Keys.ROUNDS);
    int evalEvery = cfg.getInt(Keys.EVAL_EVERY);
    ServerStrategy server = alg.server();
    server.initialize(new ServerContext(model, fed.info(), InitialParams.of(model, seed), seed));
    server.prepare(new org.fedspark.server.ServerResources(fed, out, groups));
    ClientSampler sampler = new ClientSampler(fed.info().numClients(), cfg.getDouble(Keys.FRACTION), seed);
    if (alg.client().stateful() || transport.errorFeedback()) {
      jsc.setCheckpointDir(checkpointDir());
    }
    RoundEngine engine = new RoundEngine(jsc, fed.clients(), fed.partitioner(), alg.client(), model, seed, transport,
        cfg.getInt(Keys.CHECKPOINT_EVERY));
    engine.stragglers(Stragglers.from(cfg));
    long cumUp = 0;
    long cumDown = 0;
    long loopStart = System.nanoTime();
    String status = "";
    try (Progress progress = new Progress(alg.name(), rounds, cfg.getEnum(Keys.PROGRESS, Progress.Mode.class), console)) {
      for (int t = 1; t <= rounds; t++) {
        long t0 = System.nanoTime();
        int[] sampled = sampler.sample(t);
        RoundPlan plan = server.configureFit(t, sampled);
        RoundEngine.RoundResult r = engine.fit(t, sampled, plan, server.aggregation());
        server.broadcastDelivered(t, r.delivered());
        if (!r.perClientDelivered().isEmpty()) {
          server.perClientDelivered(t, r.perClientDelivered());
        }
        server.aggregateFit(t, r.aggregate());
        checkFinite(t, server);
        RoundEngine.RoundTraffic traffic = r.traffic();
        cumUp += traffic.uplinkBytes();
        cumDown += traffic.downlinkBytes();
        double roundSeconds = (System.nanoTime() - t0) / 1e9;
        if (t % evalEvery == 0 || t == rounds) {
          long e0 = System.nanoTime();
          RoundEngine.Evaluation evaluation = engine.evaluate(t, server.configureEvaluate(t), server.globalModel().orElse(null));
          EvalSummary ev = EvalSummary.of(evaluation.clients());
          double evalSeconds = (System.nanoTime() - e0) / 1e9;
          RoundMetrics m = new RoundMetrics(t, ev.accMean(), ev.accWeighted(), ev.accStd(), ev.accWorst10(), ev.loss(),
              ev.globalAcc(), ev.globalLoss(), traffic.trainLoss(), traffic.participants(), traffic.uplinkBytes(),
              traffic.downlinkBytes(), cumUp, cumDown, roundSeconds, evalSeconds, (System.nanoTime() - loopStart) / 1e9,
              algorithmColumns(server, traffic, evaluation.downlinkBytes()));
          if (!Double.isNaN(traffic.valuesHeld())) {
            report.noteValuesPerClient(traffic.valuesHeld());
          }
          rows.add(m);
          out.writeString("metrics.csv", MetricsCsv.render(rows));
          report.writeSummary(RunStatus.RUNNING, "", rows);
          if (!Double.isNaN(ev.accMean()) && !Double.isFinite(ev.loss())) {
            throw new DivergenceException(t, "the evaluation loss is NaN");
          }
          status = String.format(Locale.ROOT, "personalized %.4f%s train_loss %.4f", ev.accMean(),
              Double.isNaN(ev.globalAcc()) ? "" : String.format(Locale.ROOT, " global %.4f", ev.globalAcc()),
              traffic.trainLoss());
        }
        progress.roundDone(t, status);
      }
    } finally {
      engine.close();
      deleteCheckpoints();
    }
  }

  /**
   * The message vectors that carry parameter blocks: the algorithm's, and the evaluation's global
   * model (every block of the model).
   */
  private static Map<String, org.fedspark.model.BlockSet> vectorBlocks(FederatedAlgorithm alg, Model model) {
    Map<String, org.fedspark.model.BlockSet> m = new java.util.LinkedHashMap<>(alg.server().vectorBlocks());
    if (!m.isEmpty()) {
      m.putIfAbsent(ClientRuntime.GLOBAL, org.fedspark.model.BlockSet.all(model.layout()));
    }
    return m;
  }

  /**
   * The transport's columns, then the server's declared metrics (empty cells for values it did not
   * report), then the clients'. Transport columns: {@code eval_downlink_bytes} (bytes of this
   * evaluation's messages, the global model included; not in the cumulative columns),
   * {@code compression_ratio} (float32 bytes of the uploaded values / uplink bytes),
   * {@code update_distinct_values} and {@code update_runs} (mean over the round's uploads, as decoded,
   * in wire order).
   */
  private static Map<String, Double> algorithmColumns(ServerStrategy server, RoundEngine.RoundTraffic traffic,
      long evalDownlinkBytes) {
    Map<String, Double> extra = new LinkedHashMap<>();
    extra.put("eval_downlink_bytes", (double) evalDownlinkBytes);
    extra.put("compression_ratio", traffic.compressionRatio());
    extra.put("update_distinct_values", traffic.uploadDistinct());
    extra.put("update_runs", traffic.uploadRuns());
    Map<String, Double> reported = server.metrics();
    for (String name : server.serverMetrics()) {
      extra.put(name, reported.getOrDefault(name, Double.NaN));
    }
    extra.putAll(traffic.clientMetrics());
    return extra;
  }

  private static void checkFinite(int round, ServerStrategy server) {
    server.globalModel().ifPresent(w -> {
      for (double v : w) {
        if (!Double.isFinite(v)) {
          throw new DivergenceException(round, "the global model has NaN or infinite values");
        }
      }
    });
  }

  private String checkpointDir() {
    String dir = cfg.getString(Keys.CHECKPOINT_DIR);
    return dir.isEmpty() ? out.path("_checkpoints").toString() : dir;
  }

  private void deleteCheckpoints() {
    if (cfg.getString(Keys.CHECKPOINT_DIR).isEmpty() && out.exists("_checkpoints")) {
      try {
        out.fileSystem().delete(out.path("_checkpoints"), true);
      } catch (java.io.IOException e) {
        LOG.warn("could not remove checkpoints: {}", e.getMessage());
      }
    }
  }
}
