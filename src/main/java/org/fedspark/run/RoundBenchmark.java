package org.fedspark.run;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
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
import org.fedspark.config.FedConfig;
import org.fedspark.config.Keys;
import org.fedspark.data.ClientData;
import org.fedspark.data.DatasetInfo;
import org.fedspark.data.FederatedData;
import org.fedspark.data.FederatedDataLoader;
import org.fedspark.model.Model;
import org.fedspark.server.ClientSampler;
import org.fedspark.server.RoundAggregate;
import org.fedspark.server.RoundPlan;
import org.fedspark.server.ServerContext;
import org.fedspark.server.ServerStrategy;
import org.fedspark.server.UpdateAccumulator;

/**
 * Times training rounds through the Spark engine against the floor: the same client and server
 * arithmetic (same sampling, local SGD, encoding, reproducible aggregation) in a plain JVM loop over
 * the clients held in driver memory, once on one thread and once on as many threads as Spark has cores.
 * Both must end with bitwise-identical global models, which the benchmark checks.
 */
public final class RoundBenchmark {
  private final SparkSession spark;
  private final FedConfig cfg;

  public RoundBenchmark(SparkSession spark, FedConfig cfg) {
    this.spark = spark;
    this.cfg = cfg;
  }

  /** Runs {@code warmup} untimed and {@code rounds} timed rounds of each variant; returns the figures. */
  public Map<String, Object> run(int warmup, int rounds) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int partitions = cfg.getInt(Keys.PARTITIONS) > 0 ? cfg.getInt(Keys.PARTITIONS) : 2 * jsc.defaultParallelism();
    FederatedData fed = FederatedDataLoader.load(spark, DataSpecs.from(cfg), partitions);
    Model model = Simulation.buildModel(cfg, fed.info());
    List<ClientData> local = new ArrayList<>(fed.clients().collect());
    local.sort((a, b) -> Integer.compare(a.clientId(), b.clientId()));

    double[] sparkSec = new double[rounds];
    double[] sparkModel = sparkRounds(jsc, fed, model, warmup, rounds, sparkSec);
    double[] oneSec = new double[rounds];
    double[] oneModel = floorRounds(local, fed.info(), model, warmup, rounds, 1, oneSec);
    int cores = jsc.defaultParallelism();
    double[] parSec = new double[rounds];
    double[] parModel = floorRounds(local, fed.info(), model, warmup, rounds, cores, parSec);
    fed.clients().unpersist(false);

    Map<String, Object> r = new LinkedHashMap<>();
    r.put("dataset", fed.info().name());
    r.put("clients", fed.info().numClients());
    r.put("clients_per_round", new ClientSampler(fed.info().numClients(), cfg.getDouble(Keys.FRACTION), 0).perRound());
    r.put("model", cfg.getString(Keys.MODEL) + " (" + model.layout().size() + " params)");
    r.put("local_epochs", cfg.getInt(Keys.EPOCHS));
    r.put("batch_size", cfg.getInt(Keys.BATCH));
    r.put("spark_master", spark.sparkContext().master());
    r.put("cores", cores);
    r.put("partitions", fed.partitioner().numPartitions());
    r.put("warmup_rounds", warmup);
    r.put("timed_rounds", rounds);
    r.put("spark_round_seconds_median", median(sparkSec));
    r.put("floor_1thread_round_seconds_median", median(oneSec));
    r.put("floor_" + cores + "threads_round_seconds_median", median(parSec));
    r.put("ratio_spark_vs_floor_same_cores", median(sparkSec) / median(parSec));
    r.put("ratio_spark_vs_floor_1thread", median(sparkSec) / median(oneSec));
    r.put("models_identical", Arrays.equals(sparkModel, oneModel) && Arrays.equals(sparkModel, parModel));
    r.put("spark_round_seconds", sparkSec);
    r.put("floor_same_cores_round_seconds", parSec);
    return r;
  }

  private double[] sparkRounds(JavaSparkContext jsc, FederatedData fed, Model model, int warmup,
      int rounds, double[] seconds) {
    FederatedAlgorithm alg = Algorithms.create(cfg, model);
    long seed = cfg.getLong(Keys.SEED);
    ServerStrategy server = alg.server();
    server.initialize(new ServerContext(model, fed.info(), InitialParams.of(model, seed), seed));
    ClientSampler sampler = new ClientSampler(fed.info().numClients(), cfg.getDouble(Keys.FRACTION), seed);
    RoundEngine engine = new RoundEngine(jsc, fed.clients(), fed.partitioner(), alg.client(), model, seed,
        Float64Codec.INSTANCE, Integer.MAX_VALUE);
    for (int t = 1; t <= warmup + rounds; t++) {
      long t0 = System.nanoTime();
      int[] sampled = sampler.sample(t);
      RoundPlan plan = server.configureFit(t, sampled);
      server.aggregateFit(t, engine.fit(t, sampled, plan, server.aggregation()).aggregate());
      if (t > warmup) {
        seconds[t - warmup - 1] = (System.nanoTime() - t0) / 1e9;
      }
    }
    engine.close();
    return server.globalModel().orElse(new double[0]);
  }

  private double[] floorRounds(List<ClientData> clients, DatasetInfo info, Model model, int warmup, int rounds,
      int threads, double[] seconds) {
    FederatedAlgorithm alg = Algorithms.create(cfg, model);
    if (alg.client().stateful()) {
      throw new IllegalArgumentException("the benchmark times stateless algorithms (fedavg, fedprox)");
    }
    long seed = cfg.getLong(Keys.SEED);
    ServerStrategy server = alg.server();
    ClientStrategy client = alg.client();
    server.initialize(new ServerContext(model, info, InitialParams.of(model, seed), seed));
    ClientSampler sampler = new ClientSampler(clients.size(), cfg.getDouble(Keys.FRACTION), seed);
    VectorCodec codec = Float64Codec.INSTANCE;
    ForkJoinPool pool = new ForkJoinPool(threads);
    try {
      for (int t = 1; t <= warmup + rounds; t++) {
        long t0 = System.nanoTime();
        int round = t;
        int[] sampled = sampler.sample(t);
        RoundPlan plan = server.configureFit(t, sampled);
        byte[] shared = WireFormat.encode(plan.broadcast(), codec);
        UpdateAccumulator acc = pool.submit(() -> Arrays.stream(sampled).parallel().mapToObj(id -> {
          ClientData c = clients.get(id);
          Message in = WireFormat.decode(shared, codec);
          ClientContext ctx = new ClientContext(id, round, c.train(), model, seed);
          FitResult r = client.fit(ctx, client.initialState(ctx), in);
          byte[] up = WireFormat.encode(r.update(), codec);
          return new UpdateAccumulator(server.aggregation()).add(id, WireFormat.decode(up, codec));
        }).reduce(UpdateAccumulator::merge).orElseThrow()).join();
        RoundAggregate agg = acc.result();
        server.aggregateFit(t, agg);
        if (t > warmup) {
          seconds[t - warmup - 1] = (System.nanoTime() - t0) / 1e9;
        }
      }
    } finally {
      pool.shutdown();
    }
    return server.globalModel().orElse(new double[0]);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
