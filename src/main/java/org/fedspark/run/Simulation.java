package org.fedspark.run;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.SparkContext;
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
import org.fedspark.report.RunLock;
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

  private final SparkContext sc;
  private final FedConfig cfg;
  private final OutputDir out;
  private final PrintStream console;

  private final Transport transportOverride;
  /** Rounds finished so far (for the summary of an interrupted run). */
  private volatile int roundsDone;
  /** The last evaluated round in which every client's personalized model was the global one (-1: none). */
  private int allGlobalAt = -1;
  /** Tests only: the round after which the run stops as if killed (its resume point written), or 0. */
  private int killAfterRound;

  public Simulation(SparkContext sc, FedConfig cfg, OutputDir out, PrintStream console) {
    this(sc, cfg, out, console, null);
  }

  /** A simulation whose transport is given instead of read from the {@code codec.*} keys (tests). */
  Simulation(SparkContext sc, FedConfig cfg, OutputDir out, PrintStream console, Transport transport) {
    this.sc = sc;
    this.cfg = cfg;
    this.out = out;
    this.console = console;
    this.transportOverride = transport;
  }

  /**
   * Tests only: stops the run after round {@code round} as abruptly as {@code kill -9} would (no
   * final summary, no report, the resume points left behind), so resuming can be tested in one JVM.
   */
  Simulation killAfterRound(int round) {
    this.killAfterRound = round;
    return this;
  }

  /** What {@link #killAfterRound} throws; nothing catches it before the test. */
  static final class SimulatedKill extends Error {
    SimulatedKill(int round) {
      super("simulated kill after round " + round);
    }
  }

  /** Runs the simulation from round 1. */
  public SimulationResult run() {
    try (RunLock lock = RunLock.acquire(out)) {
      claim();
      return execute(null);
    }
  }

  /**
   * Continues the run whose output directory is {@code out} from its newest complete resume point
   * (from round 1 if it has none yet): same configuration, same partitions, and, from there, the same
   * metrics as if it had never stopped.
   *
   * @param overrides keys to change; only those that cannot change results are accepted
   *     ({@link #RESUMABLE_CHANGES}), any other difference from the run's configuration is refused
   *     with a message naming the keys
   */
  public static SimulationResult resume(SparkContext sc, OutputDir out, List<String> overrides,
      PrintStream console) {
    if (!out.exists("config.conf")) {
      throw new ConfigException(out.uri() + " is not a fedspark run directory (it has no config.conf); give the "
          + "directory a run wrote (its --out)");
    }
    try (RunLock lock = RunLock.acquire(out)) {
      String text = FedSpark.readText(out.path("config.conf").toString());
      FedConfig cfg = FedConfig.parse(text, out.path("config.conf").toString(), overrides);
      String status = RunReport.status(out);
      if (RunStatus.COMPLETED.label().equals(status)) {
        throw new ConfigException("the run in " + out.uri() + " has completed; nothing to resume (to run more rounds, "
            + "start a new run with --set run.rounds=...)");
      }
      Optional<ResumePoint> point = ResumePoint.latest(out);
      if (point.isPresent()) {
        refuseChanges(point.get().config, cfg.values());
        if (cfg.getInt(Keys.ROUNDS) <= point.get().round) {
          throw new ConfigException("key '" + Keys.ROUNDS.path() + "' = " + cfg.getInt(Keys.ROUNDS) + " but the run "
              + "already completed round " + point.get().round + "; resume with more rounds");
        }
        console.printf(Locale.ROOT, "fedspark: resuming %s from round %d%n", out.uri(), point.get().round);
      } else {
        console.printf("fedspark: %s has no resume point yet (the run stopped before its first one); starting it "
            + "again from round 1%n", out.uri());
      }
      Simulation sim = new Simulation(sc, cfg, out, console);
      sim.clearOutputs();
      return sim.execute(point.orElse(null));
    }
  }

  /**
   * Keys a resume may change: where Spark runs and how progress is shown change no result; more
   * rounds extend the run.
   */
  static final List<String> RESUMABLE_CHANGES = List.of(Keys.MASTER.path(), Keys.UI.path(), Keys.PROGRESS.path(),
      Keys.OUT.path(), Keys.OVERWRITE.path(), Keys.ROUNDS.path(), Keys.CHECKPOINT_DIR.path());

  private static void refuseChanges(Map<String, String> was, Map<String, String> now) {
    java.util.TreeSet<String> keys = new java.util.TreeSet<>(was.keySet());
    keys.addAll(now.keySet());
    List<String> differ = new ArrayList<>();
    for (String k : keys) {
      if (!RESUMABLE_CHANGES.contains(k) && !java.util.Objects.equals(was.get(k), now.get(k))) {
        differ.add(k + " (was " + was.getOrDefault(k, "unset") + ", now " + now.getOrDefault(k, "unset") + ")");
      }
    }
    if (!differ.isEmpty()) {
      throw new ConfigException("cannot resume with a different configuration: " + String.join(", ", differ)
          + "; resume with the run's own settings (only " + String.join(", ", RESUMABLE_CHANGES)
          + " may change), or start a new run");
    }
  }

  /**
   * Asks the executors holding client data which BLAS they use (summary.json), warning once, loudly, when
   * they differ from each other or from the driver.
   */
  private boolean blasWarned;

  private void noteExecutorBlas(RunReport report, FederatedData fed) {
    String warning = report.noteExecutorLinearAlgebra(ClusterInfo.linearAlgebraByExecutor(fed.clients()));
    if (warning != null && !blasWarned) {
      blasWarned = true;
      LOG.warn(warning);
    }
  }

  /** Makes sure no earlier run's results are in the way (deleting them with run.overwrite). */
  private void claim() {
    List<String> names = new ArrayList<>(RunReport.OUTPUTS);
    names.add(ResumePoint.DIR);
    names.add("clients.csv");
    if (!cfg.getBoolean(Keys.OVERWRITE) && RunReport.status(out) != null
        && !RunStatus.COMPLETED.label().equals(RunReport.status(out)) && ResumePoint.latest(out).isPresent()) {
      throw new ConfigException("output directory " + out.uri() + " holds a run that stopped before its end ("
          + RunReport.status(out) + "); continue it with 'fedspark resume " + out.uri() + "', or pass --overwrite to "
          + "start it again, or choose another --out");
    }
    out.claim(names, cfg.getBoolean(Keys.OVERWRITE));
  }

  /** Removes the charts and report of the interrupted attempt; its metrics are rewritten from the resume point. */
  private void clearOutputs() {
    out.claim(List.of("accuracy.png", "loss.png", "report.html"), true);
  }

  private SimulationResult execute(ResumePoint from) {
    long start = System.nanoTime();
    RunReport report = new RunReport(cfg, out, sc);
    out.writeString("config.conf", cfg.with(List.of(Keys.OUT.path() + "=" + out.uri())).render());
    List<RoundMetrics> rows = new ArrayList<>(from == null ? List.of() : from.rows);
    if (from != null) {
      out.writeString("metrics.csv", MetricsCsv.render(rows));
      report.noteResumed(from.round);
    }
    report.writeSummary(RunStatus.RUNNING, "", rows);
    FederatedData fed = null;
    try {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
      StopRequest.attach(sc);
      DataSpec spec = DataSpecs.from(cfg);
      ClusterInfo.PartitionChoice choice = from != null ? new ClusterInfo.PartitionChoice(from.partitions, "the resumed run's")
          : cfg.getInt(Keys.PARTITIONS) > 0 ? new ClusterInfo.PartitionChoice(cfg.getInt(Keys.PARTITIONS), Keys.PARTITIONS.path())
          : ClusterInfo.defaultPartitions(sc);
      report.notePartitions(choice.how(), sc.defaultParallelism());
      fed = FederatedDataLoader.load(sc, spec, choice.count());
      noteExecutorBlas(report, fed);
      if (fed.info().clientNames() != null) {
        out.writeString("clients.csv", fed.info().clientsCsv());
      }
      Model model = withBase(sc, cfg, buildModel(cfg, fed.info()));
      FederatedAlgorithm alg = Algorithms.create(cfg, model);
      Transport transport = transportOverride != null ? transportOverride : Transport.from(cfg, vectorBlocks(alg, model));
      report.describe(fed, model, alg.name(), transport.describe(), (System.nanoTime() - start) / 1e9);
      report.noteTrainable(alg.trainable());
      console.printf(Locale.ROOT, "fedspark: %s on %s: %d clients, %d train / %d test examples, %s (%d params)%n",
          alg.name(), fed.info().name(), fed.info().numClients(), fed.info().totalTrain(), fed.info().totalTest(),
          cfg.getString(Keys.MODEL), model.layout().size());
      console.printf("fedspark: Spark %s, master %s, %d partitions; %s; output %s%n", sc.version(),
          sc.master(), fed.partitioner().numPartitions(), report.blas(), out.uri());
      int[] groups = org.fedspark.data.ClientGroups.of(spec, fed.info().numClients());
      runRounds(jsc, fed, model, alg, transport, report, rows, groups, from);
      noteExecutorBlas(report, fed); // again: executors that replaced lost ones
      report.finish(RunStatus.COMPLETED, "", rows);
      return new SimulationResult(RunStatus.COMPLETED, "", List.copyOf(rows), report.summary(), out.uri());
    } catch (DivergenceException e) {
      LOG.error(e.getMessage());
      report.finish(RunStatus.DIVERGED, e.getMessage(), rows);
      return new SimulationResult(RunStatus.DIVERGED, e.getMessage(), List.copyOf(rows), report.summary(), out.uri());
    } catch (SimulatedKill e) {
      // Not a real kill: the process lives on (tests resume the run in it), so the background writes
      // finish here rather than race a resumed run's writes of the same files.
      try {
        out.awaitBackgroundWrites();
      } catch (RuntimeException writeFailure) {
        e.addSuppressed(writeFailure);
      }
      throw e;
    } catch (Throwable e) {
      // Throwable, not RuntimeException: Spark throws its checked SparkException from Scala code, and
      // an OutOfMemoryError or Hadoop's FSError (disk full) should still leave a summary that says
      // "failed", not "running".
      out.deleteTempFiles();
      if (StopRequest.requested() != null) {
        String message = "interrupted by " + StopRequest.requested() + " after round " + roundsDone + " of "
            + cfg.getInt(Keys.ROUNDS) + (rows.isEmpty() ? " (no round evaluated)"
                : rows.get(rows.size() - 1).round() == roundsDone ? "" : " (metrics up to round " + rows.get(rows.size() - 1).round() + ")");
        report.finish(RunStatus.INTERRUPTED, message, rows);
        out.deleteTempFiles();
        return new SimulationResult(RunStatus.INTERRUPTED, message, List.copyOf(rows), report.summary(), out.uri());
      }
      recordFailure(report, e, rows);
      throw e;
    } finally {
      if (fed != null) {
        fed.clients().unpersist(false);
      }
    }
  }

  /**
   * Records status failed with a one-line message (the console's; the stack trace belongs in the log
   * file, not in summary.json). On a full disk the charts and report are skipped: the summary, the one
   * file that says what happened, is rewritten in place of the old one.
   */
  private void recordFailure(RunReport report, Throwable e, List<RoundMetrics> rows) {
    try {
      if (org.fedspark.report.DiskFull.is(e)) {
        report.writeSummaryInPlace(RunStatus.FAILED, "disk full: " + org.fedspark.report.DiskFull.where(e), rows);
      } else {
        report.finish(RunStatus.FAILED, firstLine(e), rows);
      }
    } catch (RuntimeException | Error reportFailure) {
      e.addSuppressed(reportFailure);
    } finally {
      out.deleteTempFiles();
    }
  }

  /**
   * The message a user reads, as the console shows it: a configuration or data error's own message,
   * else the first line of the exception's (never a stack trace).
   */
  static String firstLine(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof ConfigException || c instanceof org.fedspark.data.DataException) {
        return c.getMessage();
      }
    }
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      m = e.toString();
    }
    return m.lines().findFirst().orElse(m);
  }

  /**
   * The configured model for the loaded data; a model that cannot fit the data (logistic regression
   * on more than two classes, too many parameters) is a configuration error that names the key.
   */
  static Model buildModel(FedConfig cfg, DatasetInfo info) {
    return Preflight.model(cfg, info.numFeatures(), info.numClasses(), info.name());
  }

  /**
   * {@code model} started from the global model that the run in {@code model.base} saved ({@link Pretrained}),
   * or {@code model} itself when the key is empty. The saved blocks must be exactly the configured
   * model's (names and shapes); a base pretrained on a held-out share ({@code data.use-holdout}) must
   * have been held out from this run's data with the same seed and share, so no example is in both.
   */
  static Model withBase(SparkContext sc, FedConfig cfg, Model model) {
    String base = cfg.getString(Keys.BASE).trim();
    if (base.isEmpty()) {
      return model;
    }
    String key = "key '" + Keys.BASE.path() + "' = " + base + ": ";
    OutputDir dir = new OutputDir(base, sc.hadoopConfiguration());
    SavedModels.Loaded saved;
    try {
      saved = SavedModels.read(sc, dir, model.layout());
    } catch (ConfigException e) {
      throw new ConfigException(key + e.getMessage());
    }
    if (saved.global() == null) {
      throw new ConfigException(key + "that run saved no global model (its algorithm keeps personal blocks); "
          + "pretrain with one that has a global model, e.g. fedavg with partition.clients = 1");
    }
    if (dir.exists("config.conf")) {
      checkHoldout(cfg, FedSpark.loadRunConfig(base, List.of()), key);
    }
    LOG.info("starting from the global model of {} (round {})", dir.uri(), saved.round());
    return new org.fedspark.model.Pretrained(model, saved.global());
  }

  /** A base trained on a held-out share must come from the same share of this run's pool. */
  private static void checkHoldout(FedConfig cfg, FedConfig baseCfg, String key) {
    if (!baseCfg.getBoolean(Keys.USE_HOLDOUT)) {
      return;
    }
    List<String> differ = new ArrayList<>();
    if (cfg.getLong(Keys.SEED) != baseCfg.getLong(Keys.SEED)) {
      differ.add("'" + Keys.SEED.path() + "' is " + cfg.getLong(Keys.SEED) + " here, " + baseCfg.getLong(Keys.SEED)
          + " in the base run");
    }
    if (cfg.getDouble(Keys.HOLDOUT_FRACTION) != baseCfg.getDouble(Keys.HOLDOUT_FRACTION)) {
      differ.add("'" + Keys.HOLDOUT_FRACTION.path() + "' is " + cfg.getDouble(Keys.HOLDOUT_FRACTION) + " here, "
          + baseCfg.getDouble(Keys.HOLDOUT_FRACTION) + " in the base run");
    }
    if (cfg.getBoolean(Keys.USE_HOLDOUT)) {
      differ.add("'" + Keys.USE_HOLDOUT.path() + "' is true here too");
    }
    if (!differ.isEmpty()) {
      throw new ConfigException(key + "the base was trained on the held-out share of its data, and this run would "
          + "not exclude exactly that share (" + String.join("; ", differ) + "); use the base run's "
          + Keys.SEED.path() + " and " + Keys.HOLDOUT_FRACTION.path() + " with " + Keys.USE_HOLDOUT.path() + " = false");
    }
  }

  private void runRounds(JavaSparkContext jsc, FederatedData fed, Model model, FederatedAlgorithm alg,
      Transport transport, RunReport report, List<RoundMetrics> rows, int[] groups, ResumePoint from) {
    long seed = cfg.getLong(Keys.SEED);
    int rounds = cfg.getInt(Keys.ROUNDS);
    int evalEvery = cfg.getInt(Keys.EVAL_EVERY);
    ServerStrategy server;
    if (from == null) {
      server = alg.server();
      server.initialize(new ServerContext(model, fed.info(), InitialParams.of(model, seed), seed));
      server.prepare(new org.fedspark.server.ServerResources(fed, out, groups));
    } else {
      server = from.server; // initialized and prepared before it was saved
    }
    ClientSampler sampler = new ClientSampler(fed.info().numClients(), cfg.getDouble(Keys.FRACTION), seed);
    boolean clientState = alg.client().stateful() || transport.errorFeedback();
    if (clientState) {
      jsc.setCheckpointDir(checkpointDir());
    }
    RoundEngine engine = new RoundEngine(jsc, fed.clients(), fed.partitioner(), alg.client(), model, seed, transport,
        cfg.getInt(Keys.CHECKPOINT_EVERY));
    engine.clientSizes(fed.info().trainCounts(), fed.info().testCounts());
    if (from != null && from.clientStates) {
      engine.restoreStates(from.states(jsc, fed.clients()));
    }
    engine.stragglers(Stragglers.from(cfg));
    long cumUp = from == null ? 0 : from.cumUplink;
    long cumDown = from == null ? 0 : from.cumDownlink;
    double elapsedBefore = from == null ? 0 : from.elapsedSeconds;
    long loopStart = System.nanoTime();
    ResumeSchedule resumes = new ResumeSchedule(cfg.getInt(Keys.RESUME_EVERY), cfg.getInt(Keys.RESUME_SECONDS), loopStart);
    long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
    report.noteStartup((jsc.sc().startTime() - jvmStart) / 1e3, (System.currentTimeMillis() - jvmStart) / 1e3);
    String status = from == null ? "" : from.status;
    double valuesHeld = from == null ? Double.NaN : from.valuesPerClient;
    if (!Double.isNaN(valuesHeld)) {
      report.noteValuesPerClient(valuesHeld);
    }
    int first = from == null ? 1 : from.round + 1;
    try (Progress progress = new Progress(alg.name(), rounds, first - 1, cfg.getEnum(Keys.PROGRESS, Progress.Mode.class),
        console)) {
      roundsDone = first - 1;
      // The charts' and the model writer's one-time start-ups run while the rounds leave the cores idle
      // between jobs, once the first rounds' compilation has settled, one after the other
      // (Charts.warmUpInBackground, ModelsParquet.warmUpInBackground).
      int chartsWarmUp = first + Math.min(10, Math.max(0, rounds - first) / 2);
      int writerWarmUp = first + Math.min(20, Math.max(0, rounds - first) * 3 / 4);
      for (int t = first; t <= rounds; t++) {
        if (t == chartsWarmUp) {
          org.fedspark.report.Charts.warmUpInBackground();
        }
        if (t == writerWarmUp && cfg.getBoolean(Keys.SAVE_MODELS)) {
          ModelsParquet.warmUpInBackground(sc.hadoopConfiguration());
        }
        StopRequest.check();
        long t0 = System.nanoTime();
        int[] sampled = sampler.sample(t);
        RoundPlan plan = server.configureFit(t, sampled);
        boolean recorded = t % evalEvery == 0 || t == rounds;
        RoundEngine.RoundResult r = engine.fit(t, sampled, plan, server.aggregation(), recorded);
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
        if (recorded) {
          long e0 = System.nanoTime();
          RoundEngine.Evaluation evaluation = engine.evaluate(t, server.configureEvaluate(t), server.globalModel().orElse(null));
          EvalSummary ev = EvalSummary.of(evaluation.clients());
          if (!evaluation.anyOwnModel()) {
            allGlobalAt = t;
          }
          double evalSeconds = (System.nanoTime() - e0) / 1e9;
          RoundMetrics m = new RoundMetrics(t, ev.accMean(), ev.accWeighted(), ev.accStd(), ev.accWorst10(), ev.loss(),
              ev.globalAcc(), ev.globalLoss(), traffic.trainLoss(), traffic.participants(), traffic.uplinkBytes(),
              traffic.downlinkBytes(), cumUp, cumDown, roundSeconds, evalSeconds,
              elapsedBefore + (System.nanoTime() - loopStart) / 1e9,
              algorithmColumns(server, traffic, evaluation.downlinkBytes()));
          if (!Double.isNaN(traffic.valuesHeld())) {
            valuesHeld = traffic.valuesHeld();
            report.noteValuesPerClient(valuesHeld);
          }
          rows.add(m);
          out.writeInBackground("metrics.csv", MetricsCsv.render(rows).getBytes(java.nio.charset.StandardCharsets.UTF_8));
          report.writeSummaryInBackground(RunStatus.RUNNING, "", rows);
          if (!Double.isNaN(ev.accMean()) && !Double.isFinite(ev.loss())) {
            throw new DivergenceException(t, "the evaluation loss is NaN");
          }
          status = String.format(Locale.ROOT, "personalized %.4f%s train_loss %.4f", ev.accMean(),
              Double.isNaN(ev.globalAcc()) ? "" : String.format(Locale.ROOT, " global %.4f", ev.globalAcc()),
              traffic.trainLoss());
        }
        if (t == rounds) {
          if (cfg.getBoolean(Keys.SAVE_MODELS)) {
            saveModels(engine, server, t, model, fed);
          }
        } else if (resumes.due(t, System.nanoTime())) {
          saveModels(engine, server, t, model, fed);
          new ResumePoint(t, fed.partitioner().numPartitions(), cfg.values(), rows, cumUp, cumDown,
              elapsedBefore + (System.nanoTime() - loopStart) / 1e9, status, valuesHeld, clientState, server)
              .write(out, jsc, clientState ? engine.states() : null);
        }
        roundsDone = t;
        progress.roundDone(t, status);
        if (t == killAfterRound) {
          throw new SimulatedKill(t);
        }
      }
      if (out.exists(ResumePoint.DIR)) {
        ResumePoint.deleteAll(out); // the run is complete: nothing left to resume
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
  static Map<String, org.fedspark.model.BlockSet> vectorBlocks(FederatedAlgorithm alg, Model model) {
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
   * in wire order), {@code uplink_values} and {@code downlink_values} (numbers sent up and down this
   * round per participant, before encoding).
   */
  private static Map<String, Double> algorithmColumns(ServerStrategy server, RoundEngine.RoundTraffic traffic,
      long evalDownlinkBytes) {
    Map<String, Double> extra = new LinkedHashMap<>();
    extra.put("eval_downlink_bytes", (double) evalDownlinkBytes);
    extra.put("compression_ratio", traffic.compressionRatio());
    extra.put("update_distinct_values", traffic.uploadDistinct());
    extra.put("update_runs", traffic.uploadRuns());
    extra.put("uplink_values", traffic.uplinkValues());
    extra.put("downlink_values", traffic.downlinkValues());
    Map<String, Double> reported = server.metrics();
    for (String name : server.serverMetrics()) {
      extra.put(name, reported.getOrDefault(name, Double.NaN));
    }
    extra.putAll(traffic.clientMetrics());
    return extra;
  }

  /** Saves every client's personalized model and the global model as of round {@code round}. */
  private void saveModels(RoundEngine engine, ServerStrategy server, int round, Model model, FederatedData fed) {
    String[] names = fed.info().clientNames();
    // An evaluation of this round that found no client with a model of its own spares the clients' job.
    boolean anyOwnModel = round != allGlobalAt;
    engine.personalModels(round, server.configureEvaluate(round), server.globalModel().orElse(null), anyOwnModel,
        (personal, global) -> {
          SavedModels.write(sc, out, round, model.layout(), personal, global, names);
          return null;
        });
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
