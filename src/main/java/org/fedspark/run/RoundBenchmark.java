package org.fedspark.run;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.SparkContext;
import org.fedspark.algorithm.Algorithms;
import org.fedspark.algorithm.FederatedAlgorithm;
import org.fedspark.client.ClientContext;
import org.fedspark.client.ClientStrategy;
import org.fedspark.client.FitResult;
import org.fedspark.client.InitialParams;
import org.fedspark.codec.Float64Codec;
import org.fedspark.codec.Message;
import org.fedspark.codec.VectorCodec;
import org.fedspark.codec.WireFormat;
import org.fedspark.config.ConfigException;
import org.fedspark.config.FedConfig;
import org.fedspark.config.Keys;
import org.fedspark.data.ClientData;
import org.fedspark.data.DatasetInfo;
import org.fedspark.data.FederatedData;
import org.fedspark.data.FederatedDataLoader;
import org.fedspark.model.Model;
import org.fedspark.server.ClientSampler;
import org.fedspark.server.RoundPlan;
import org.fedspark.server.ServerContext;
import org.fedspark.server.ServerStrategy;
import org.fedspark.server.UpdateAccumulator;

/**
 * Times training rounds through the Spark engine against the floor, interleaved in one process: the
 * same client and server arithmetic (same sampling, local SGD, encoding, reproducible aggregation) in
 * a plain JVM loop over the clients held in driver memory, on one thread and on as many threads as
 * Spark has cores, and, as the irreducible cost of any Spark round, an empty Spark job (a no-op task,
 * launched as the engine launches a round) over as many partitions as the federation has (on a local
 * master grouped into one task per thread, as many tasks as a round's job has), and over one.
 *
 * <p>Each iteration runs one of each, Spark round t, floor rounds t, the two empty jobs, starting
 * with a different one each time (a rotation), so that load drift, a garbage collection or the JIT
 * compiler's work falls on all of them alike; ratios are taken within an iteration. The three servers
 * advance in lockstep, and their global models must be bitwise identical after every round (checked).
 * The first {@code warmup} iterations (class loading, JIT compilation) are reported apart from the
 * steady state.
 */
public final class RoundBenchmark {
  /** The timed variants, in the order of the tables. */
  static final List<String> VARIANTS = List.of("spark_round", "floor_1thread", "floor_cores", "empty_job_partitions",
      "empty_job_1partition");

  /**
   * The empty task, launched as the engine launches a round ({@code runJob} with a named function
   * class, call site named): a {@code foreachPartition} lambda through the Java API costs 6-7 ms more
   * per job on this 2-core machine (Spark's ClosureCleaner re-reads the wrapping class's bytecode every
   * time, and the call site is found by walking the stack), a cost the rounds do not pay.
   */
  private static final class Noop extends scala.runtime.AbstractFunction2<org.apache.spark.TaskContext,
      scala.collection.Iterator<Integer>, Integer> implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Integer apply(org.apache.spark.TaskContext context, scala.collection.Iterator<Integer> it) {
      return 0;
    }
  }

  private static void emptyJob(JavaSparkContext jsc, JavaRDD<Integer> rdd, scala.collection.immutable.Seq<Object> ids) {
    jsc.setLocalProperty("callSite.short", "fedspark empty job");
    jsc.setLocalProperty("callSite.long", "fedspark empty job");
    try {
      jsc.sc().runJob(rdd.rdd(), new Noop(), ids, scala.reflect.ClassTag$.MODULE$.apply(Integer.class));
    } finally {
      jsc.setLocalProperty("callSite.short", null);
      jsc.setLocalProperty("callSite.long", null);
    }
  }


  /** {@code partitions} partitions, on a local master with more of them than threads grouped into one task per thread. */
  private static JavaRDD<Integer> emptyJobRdd(JavaSparkContext jsc, int partitions) {
    JavaRDD<Integer> rdd = jsc.parallelize(IntStream.range(0, partitions).boxed().toList(), partitions);
    long[] same = new long[partitions];
    Arrays.fill(same, 1);
    return JavaRDD.fromRDD(TaskGroups.onLocalThreads(rdd.rdd(), same), rdd.classTag());
  }

  private final SparkContext sc;
  private final FedConfig cfg;

  public RoundBenchmark(SparkContext sc, FedConfig cfg) {
    this.sc = sc;
    this.cfg = cfg;
  }

  /**
   * Refuses workloads the floor does not implement: stateful clients (their state lives in the
   * engine's partitions) and lossy codecs (the floor encodes with float64).
   */
  static void checkSupported(FedConfig cfg, FederatedAlgorithm alg) {
    if (alg.client().stateful()) {
      throw new ConfigException("key '" + Keys.ALGORITHM.path() + "' = " + cfg.getString(Keys.ALGORITHM) + ": the round "
          + "benchmark times algorithms whose clients keep no state between rounds (e.g. fedavg, fedprox)");
    }
    for (var k : List.of(Keys.CODEC_UPLINK, Keys.CODEC_DOWNLINK)) {
      if (!"float64".equals(cfg.getString(k))) {
        throw new ConfigException("key '" + k.path() + "' = " + cfg.getString(k) + ": the round benchmark's floor "
            + "sends float64; remove the key");
      }
    }
    for (var k : List.of(Keys.CODEC_UPLINK_BLOCKS, Keys.CODEC_DOWNLINK_BLOCKS)) {
      if (!cfg.getString(k).isBlank()) {
        throw new ConfigException("key '" + k.path() + "' is set: the round benchmark's floor sends float64; remove it");
      }
    }
    if (cfg.getDouble(Keys.STRAGGLERS_FRACTION) > 0) {
      throw new ConfigException("key '" + Keys.STRAGGLERS_FRACTION.path() + "' > 0: the round benchmark's floor has "
          + "no stragglers; remove it");
    }
  }

  /** Runs {@code pairs} iterations, the first {@code warmup} of them reported as warm-up; returns the figures. */
  public Map<String, Object> run(int pairs, int warmup) {
    if (pairs < 1 || warmup < 0 || warmup >= pairs) {
      throw new ConfigException("need --pairs ≥ 1 and 0 ≤ --warmup < --pairs, got pairs " + pairs + ", warmup " + warmup);
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    int partitions = cfg.getInt(Keys.PARTITIONS) > 0 ? cfg.getInt(Keys.PARTITIONS) : ClusterInfo.defaultPartitions(jsc.sc()).count();
    FederatedData fed = FederatedDataLoader.load(sc, DataSpecs.from(cfg), partitions);
    Model model = Simulation.buildModel(cfg, fed.info());
    long seed = cfg.getLong(Keys.SEED);
    FederatedAlgorithm sparkAlg = Algorithms.create(cfg, model);
    checkSupported(cfg, sparkAlg);
    List<ClientData> local = new ArrayList<>(fed.clients().collect());
    local.sort((a, b) -> Integer.compare(a.clientId(), b.clientId()));
    int cores = jsc.defaultParallelism();
    int numPartitions = fed.partitioner().numPartitions();

    SparkSide sparkSide = new SparkSide(jsc, fed, model, sparkAlg, seed);
    FloorSide one = new FloorSide(local, fed.info(), model, Algorithms.create(cfg, model), seed, 1);
    FloorSide many = new FloorSide(local, fed.info(), model, Algorithms.create(cfg, model), seed, cores);
    JavaRDD<Integer> emptyP = emptyJobRdd(jsc, numPartitions);
    int emptyTasks = emptyP.getNumPartitions();
    JavaRDD<Integer> empty1 = jsc.parallelize(List.of(0), 1);
    scala.collection.immutable.Seq<Object> allIds = RoundEngine.partitionIds(emptyTasks);
    scala.collection.immutable.Seq<Object> oneId = RoundEngine.partitionIds(1);
    ClientSampler sampler = new ClientSampler(fed.info().numClients(), cfg.getDouble(Keys.FRACTION), seed);

    double[][] sec = new double[VARIANTS.size()][pairs];
    int[] touched = new int[pairs];
    int firstDifference = 0;
    try {
      for (int t = 1; t <= pairs; t++) {
        int round = t;
        int[] sampled = sampler.sample(t);
        touched[t - 1] = (int) Arrays.stream(sampled).map(fed.partitioner()::partitionOf).distinct().count();
        Runnable[] work = {
            () -> sparkSide.round(round, sampled),
            () -> one.round(round, sampled),
            () -> many.round(round, sampled),
            () -> emptyJob(jsc, emptyP, allIds),
            () -> emptyJob(jsc, empty1, oneId)};
        for (int k = 0; k < work.length; k++) {
          int v = (k + t - 1) % work.length; // rotate which variant goes first
          long t0 = System.nanoTime();
          work[v].run();
          sec[v][t - 1] = (System.nanoTime() - t0) / 1e9;
        }
        if (firstDifference == 0 && !(Arrays.equals(sparkSide.model(), one.model())
            && Arrays.equals(sparkSide.model(), many.model()))) {
          firstDifference = t;
        }
      }
    } finally {
      sparkSide.close();
      one.close();
      many.close();
      fed.clients().unpersist(false);
    }

    Map<String, Object> r = new LinkedHashMap<>();
    r.put("dataset", fed.info().name());
    r.put("clients", fed.info().numClients());
    r.put("clients_per_round", sampler.perRound());
    r.put("model", cfg.getString(Keys.MODEL) + " (" + model.layout().size() + " params)");
    r.put("algorithm", sparkAlg.name());
    r.put("local_epochs", cfg.getInt(Keys.EPOCHS));
    r.put("batch_size", cfg.getInt(Keys.BATCH));
    r.put("spark_master", sc.master());
    r.put("cores", cores);
    r.put("partitions", numPartitions);
    r.put("empty_job_tasks", emptyTasks);
    r.put("partitions_with_sampled_clients_mean", Arrays.stream(touched).average().orElse(0));
    r.put("pairs", pairs);
    r.put("warmup_pairs", warmup);
    r.put("steady_pairs", pairs - warmup);
    r.put("order", "interleaved: each iteration runs one of each variant, the first one rotating");
    Map<String, Object> warm = new LinkedHashMap<>();
    Map<String, Object> steady = new LinkedHashMap<>();
    for (int v = 0; v < VARIANTS.size(); v++) {
      warm.put(VARIANTS.get(v), Stats.of(Arrays.copyOfRange(sec[v], 0, warmup)).asMap());
      steady.put(VARIANTS.get(v), Stats.of(Arrays.copyOfRange(sec[v], warmup, pairs)).asMap());
    }
    r.put("warmup_seconds", warm);
    r.put("steady_seconds", steady);
    double[] spk = Arrays.copyOfRange(sec[0], warmup, pairs);
    double[] f1 = Arrays.copyOfRange(sec[1], warmup, pairs);
    double[] fc = Arrays.copyOfRange(sec[2], warmup, pairs);
    double[] ep = Arrays.copyOfRange(sec[3], warmup, pairs);
    Map<String, Object> ratios = new LinkedHashMap<>();
    ratios.put("spark_over_floor_cores", ratio(spk, fc));
    ratios.put("spark_over_floor_1thread", ratio(spk, f1));
    double[] overEmpty = new double[spk.length];
    for (int i = 0; i < spk.length; i++) {
      overEmpty[i] = spk[i] - ep[i];
    }
    ratios.put("spark_minus_empty_job_over_floor_cores", ratio(overEmpty, fc));
    ratios.put("empty_job_over_floor_cores", ratio(ep, fc));
    r.put("steady_ratios", ratios);
    r.put("models_identical", firstDifference == 0);
    r.put("first_round_models_differ", firstDifference == 0 ? null : firstDifference);
    Map<String, Object> all = new LinkedHashMap<>();
    for (int v = 0; v < VARIANTS.size(); v++) {
      all.put(VARIANTS.get(v), sec[v]);
    }
    r.put("seconds_per_pair", all);
    return r;
  }

  /** {@code a/b} as the median of the per-iteration ratios and as the ratio of the medians. */
  private static Map<String, Object> ratio(double[] a, double[] b) {
    double[] per = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      per[i] = a[i] / b[i];
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("median_of_pair_ratios", Stats.quantile(per, 0.5));
    m.put("p10_of_pair_ratios", Stats.quantile(per, 0.1));
    m.put("p90_of_pair_ratios", Stats.quantile(per, 0.9));
    m.put("ratio_of_medians", Stats.quantile(a, 0.5) / Stats.quantile(b, 0.5));
    return m;
  }

  /** Readable table of the figures {@link #run} returned. */
  @SuppressWarnings("unchecked")
  public static String table(Map<String, Object> r) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%s, %s clients, %s per round, %s, %s local epoch(s), batch %s%n", r.get("dataset"),
        r.get("clients"), r.get("clients_per_round"), r.get("model"), r.get("local_epochs"), r.get("batch_size")));
    sb.append(String.format(Locale.ROOT, "Spark %s, %s cores, %s partitions (%.1f hold a round's sampled clients on average)%n",
        r.get("spark_master"), r.get("cores"), r.get("partitions"), (Double) r.get("partitions_with_sampled_clients_mean")));
    sb.append(String.format(Locale.ROOT, "%s iterations, interleaved; warm-up = first %s, steady state = last %s%n%n",
        r.get("pairs"), r.get("warmup_pairs"), r.get("steady_pairs")));
    sb.append(String.format(Locale.ROOT, "%-34s %22s   %-32s%n", "ms", "warm-up median", "steady: median [p10, p90] (IQR)"));
    Map<String, Object> warm = (Map<String, Object>) r.get("warmup_seconds");
    Map<String, Object> steady = (Map<String, Object>) r.get("steady_seconds");
    String[] labels = {"Spark round", "floor, 1 thread", "floor, " + r.get("cores") + " threads",
        "empty Spark job, " + r.get("empty_job_tasks") + " tasks", "empty Spark job, 1 task"};
    for (int v = 0; v < VARIANTS.size(); v++) {
      Map<String, Object> w = (Map<String, Object>) warm.get(VARIANTS.get(v));
      Map<String, Object> s = (Map<String, Object>) steady.get(VARIANTS.get(v));
      sb.append(String.format(Locale.ROOT, "%-34s %22s   %6.2f [%6.2f, %6.2f] (%.2f–%.2f)%n", labels[v],
          w.get("n").equals(0) ? "-" : String.format(Locale.ROOT, "%.2f", 1e3 * (Double) w.get("median")),
          1e3 * (Double) s.get("median"), 1e3 * (Double) s.get("p10"), 1e3 * (Double) s.get("p90"),
          1e3 * (Double) s.get("q1"), 1e3 * (Double) s.get("q3")));
    }
    sb.append(String.format(Locale.ROOT, "%nsteady-state ratios%34s   %s%n", "median of pair ratios [p10, p90]",
        "ratio of medians"));
    Map<String, Object> ratios = (Map<String, Object>) r.get("steady_ratios");
    String[] names = {"Spark / floor (" + r.get("cores") + " threads)", "Spark / floor (1 thread)",
        "(Spark − empty job) / floor (" + r.get("cores") + " threads)", "empty job / floor (" + r.get("cores") + " threads)"};
    int i = 0;
    for (Object o : ratios.values()) {
      Map<String, Object> m = (Map<String, Object>) o;
      sb.append(String.format(Locale.ROOT, "%-44s %6.2f× [%5.2f, %5.2f]        %6.2f×%n", names[i++],
          (Double) m.get("median_of_pair_ratios"), (Double) m.get("p10_of_pair_ratios"),
          (Double) m.get("p90_of_pair_ratios"), (Double) m.get("ratio_of_medians")));
    }
    sb.append(Boolean.TRUE.equals(r.get("models_identical"))
        ? "\nglobal models bitwise identical in Spark and both floors after every round\n"
        : "\nglobal models DIFFER from round " + r.get("first_round_models_differ") + "\n");
    return sb.toString();
  }

  /** Order statistics of a sample (linear interpolation between closest ranks). */
  record Stats(int n, double median, double q1, double q3, double p10, double p90, double min, double max) {
    static Stats of(double[] v) {
      if (v.length == 0) {
        return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
      }
      return new Stats(v.length, quantile(v, 0.5), quantile(v, 0.25), quantile(v, 0.75), quantile(v, 0.1),
          quantile(v, 0.9), quantile(v, 0), quantile(v, 1));
    }

    /** The {@code q}-quantile, interpolating linearly between order statistics (type 7 of Hyndman and Fan, 1996). */
    static double quantile(double[] v, double q) {
      double[] s = v.clone();
      Arrays.sort(s);
      double h = (s.length - 1) * q;
      int lo = (int) Math.floor(h);
      int hi = Math.min(lo + 1, s.length - 1);
      return s[lo] + (h - lo) * (s[hi] - s[lo]);
    }

    Map<String, Object> asMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("n", n);
      m.put("median", median);
      m.put("q1", q1);
      m.put("q3", q3);
      m.put("p10", p10);
      m.put("p90", p90);
      m.put("min", min);
      m.put("max", max);
      return m;
    }
  }

  /** Rounds through the engine, as {@link Simulation} runs them (without evaluation). */
  private static final class SparkSide {
    private final ServerStrategy server;
    private final RoundEngine engine;

    SparkSide(JavaSparkContext jsc, FederatedData fed, Model model, FederatedAlgorithm alg, long seed) {
      server = alg.server();
      server.initialize(new ServerContext(model, fed.info(), InitialParams.of(model, seed), seed));
      engine = new RoundEngine(jsc, fed.clients(), fed.partitioner(), alg.client(), model, seed,
          Float64Codec.INSTANCE, Integer.MAX_VALUE);
      engine.clientSizes(fed.info().trainCounts(), fed.info().testCounts());
    }

    void round(int t, int[] sampled) {
      RoundPlan plan = server.configureFit(t, sampled);
      RoundEngine.RoundResult r = engine.fit(t, sampled, plan, server.aggregation(), false);
      server.broadcastDelivered(t, r.delivered());
      server.aggregateFit(t, r.aggregate());
    }

    double[] model() {
      return server.globalModel().orElse(new double[0]);
    }

    void close() {
      engine.close();
    }
  }

  /** The floor: the same rounds in a plain loop over the clients in driver memory, on {@code threads} threads. */
  private static final class FloorSide {
    private final List<ClientData> clients;
    private final Model model;
    private final long seed;
    private final ServerStrategy server;
    private final ClientStrategy client;
    private final ForkJoinPool pool;
    private final VectorCodec codec = Float64Codec.INSTANCE;

    FloorSide(List<ClientData> clients, DatasetInfo info, Model model, FederatedAlgorithm alg, long seed, int threads) {
      this.clients = clients;
      this.model = model;
      this.seed = seed;
      this.server = alg.server();
      this.client = alg.client();
      server.initialize(new ServerContext(model, info, InitialParams.of(model, seed), seed));
      this.pool = new ForkJoinPool(threads);
    }

    void round(int t, int[] sampled) {
      RoundPlan plan = server.configureFit(t, sampled);
      byte[] shared = WireFormat.encode(plan.broadcast(), codec);
      server.broadcastDelivered(t, WireFormat.decode(shared, codec));
      UpdateAccumulator acc = pool.submit(() -> Arrays.stream(sampled).parallel().mapToObj(id -> {
        ClientData c = clients.get(id);
        Message in = WireFormat.decode(shared, codec);
        ClientContext ctx = new ClientContext(id, t, c.train(), model, seed);
        FitResult r = client.fit(ctx, client.initialState(ctx), in);
        byte[] up = WireFormat.encode(r.update(), codec);
        return new UpdateAccumulator(server.aggregation()).add(id, WireFormat.decode(up, codec));
      }).reduce(UpdateAccumulator::merge).orElseThrow()).join();
      server.aggregateFit(t, acc.result());
    }

    double[] model() {
      return server.globalModel().orElse(new double[0]);
    }

    void close() {
      pool.shutdown();
    }
  }
}
