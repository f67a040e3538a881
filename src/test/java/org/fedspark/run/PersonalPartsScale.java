package org.fedspark.run;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.fedspark.client.ClientContext;
import org.fedspark.client.ClientState;
import org.fedspark.client.ClientStrategy;
import org.fedspark.client.FitResult;
import org.fedspark.client.TrainStats;
import org.fedspark.codec.Float64Codec;
import org.fedspark.codec.Message;
import org.fedspark.config.FedConfig;
import org.fedspark.data.FederatedData;
import org.fedspark.data.FederatedDataLoader;
import org.fedspark.model.Model;
import org.fedspark.model.Models;
import org.fedspark.server.RoundPlan;

/**
 * A measurement, not a test: server-owned personal parts at scale. The driver holds one personal
 * model per client (as a server-side solve of personal parts does) and every client receives its own
 * for evaluation through the engine's per-partition broadcasts. Prints the evaluation's wall time and
 * the driver's heap (peak of the heap pools during the evaluation, and live heap after a full GC).
 *
 * <pre>
 *   java -Xmx2g @bin/jvm.options -cp target/test-classes:target/classes:$(cat target/test-classpath.txt) \
 *     org.fedspark.run.PersonalPartsScale [clients=10000] [partitions=8]
 * </pre>
 */
public final class PersonalPartsScale {
  private PersonalPartsScale() {}

  /** Evaluates with the model the server sent it. */
  static final class ServerPartClient implements ClientStrategy {
    @Override
    public boolean stateful() {
      return false;
    }

    @Override
    public ClientState initialState(ClientContext ctx) {
      return ClientState.EMPTY;
    }

    @Override
    public FitResult fit(ClientContext ctx, ClientState state, Message in) {
      return new FitResult(state, Message.EMPTY, TrainStats.NONE);
    }

    @Override
    public double[] personalModel(ClientContext ctx, ClientState state, Message in) {
      return in.vector("personal");
    }
  }

  public static void main(String[] args) {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    SparkSession spark = SparkSessions.local(2);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    FedConfig cfg = FedConfig.parse(String.join("\n", "data.source = fashion-mnist",
        "partition { scheme = iid, clients = " + clients + " }", "model.type = softmax"), "scale", List.of());
    FederatedData fed = FederatedDataLoader.load(spark.sparkContext(), DataSpecs.from(cfg), partitions);
    Model model = Models.create("softmax", fed.info().numFeatures(), fed.info().numClasses(), 0, 0);
    int d = model.layout().size();
    RoundEngine engine = new RoundEngine(jsc, fed.clients(), fed.partitioner(), new ServerPartClient(), model, 42,
        Float64Codec.INSTANCE, 10);
    // the server's personal parts: one vector of d values per client
    double[][] parts = new double[clients][];
    SplittableRandom rng = new SplittableRandom(1);
    for (int c = 0; c < clients; c++) {
      parts[c] = model.initialParams(rng.split());
    }
    fed.clients().count();
    System.gc();
    Runtime heap = Runtime.getRuntime();
    System.out.printf(Locale.ROOT, "before evaluating: live heap after GC %.0f MB (the cached client data and the "
        + "server's personal parts)%n", (heap.totalMemory() - heap.freeMemory()) / 1e6);
    for (int rep = 1; rep <= 3; rep++) {
      Map<Integer, Message> perClient = new HashMap<>();
      for (int c = 0; c < clients; c++) {
        perClient.put(c, Message.builder().vector("personal", parts[c]).build());
      }
      System.gc();
      ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
      long t0 = System.nanoTime();
      List<ClientEval> evals = engine.evaluate(rep, new RoundPlan(Message.EMPTY, perClient), null).clients();
      double seconds = (System.nanoTime() - t0) / 1e9;
      long peak = 0;
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        if (p.getType() == MemoryType.HEAP) {
          peak += p.getPeakUsage().getUsed();
        }
      }
      perClient = null;
      System.gc();
      Runtime rt = Runtime.getRuntime();
      long live = rt.totalMemory() - rt.freeMemory();
      System.out.printf(Locale.ROOT,
          "evaluation %d: %d clients x %d personal values (%.0f MB as doubles), %d partitions: %.2f s; driver heap "
              + "peak %.0f MB (sum of pool peaks), live after GC %.0f MB, max %.0f MB; %d clients evaluated%n",
          rep, clients, d, clients * (double) d * 8 / 1e6, partitions, seconds, peak / 1e6, live / 1e6,
          rt.maxMemory() / 1e6, evals.size());
    }
    engine.close();
    spark.stop();
  }
}
