package org.fedspark.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.fedspark.client.ClientContext;
import org.fedspark.client.ClientStrategy;
import org.fedspark.client.FitResult;
import org.fedspark.client.ClientState;
import org.fedspark.client.TrainStats;
import org.fedspark.codec.Float64Codec;
import org.fedspark.codec.Message;
import org.fedspark.data.ClientData;
import org.fedspark.data.ClientPartitioner;
import org.fedspark.data.LocalDataset;
import org.fedspark.model.Models;
import org.fedspark.server.AggregationSpec;
import org.fedspark.server.RoundAggregate;
import org.fedspark.server.RoundPlan;
import org.fedspark.testing.LocalSparkTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;

/**
 * The engine's transport for server-side personal parts: a per-client message reaches exactly its
 * client (and is counted), a client's state persists across rounds, and collected vectors come back
 * per client.
 */
class PerClientMessageTest extends LocalSparkTest {
  /** Echoes its personal message plus a counter it keeps as state. */
  static final class EchoClient implements ClientStrategy {
    @Override
    public ClientState initialState(ClientContext ctx) {
      return ClientState.EMPTY.withScalar("count", 0);
    }

    @Override
    public FitResult fit(ClientContext ctx, ClientState state, Message in) {
      double count = state.scalar("count") + 1;
      double[] echo = {in.vector("mine")[0], count, in.scalar("shared")};
      return new FitResult(state.withScalar("count", count),
          Message.builder().vector("echo", echo).vector("sum", new double[] {1}).build(), TrainStats.NONE);
    }

    @Override
    public double[] personalModel(ClientContext ctx, ClientState state, Message in) {
      return new double[0];
    }
  }

  @TempDir
  java.nio.file.Path tmp;

  /** An engine over {@code n} clients without data in {@code partitions} partitions, checkpointing in tmp. */
  private RoundEngine engineWithoutData(ClientStrategy client, int n, int partitions, int checkpointEvery) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    jsc.setCheckpointDir(tmp.toString());
    ClientPartitioner part = new ClientPartitioner(n, partitions);
    java.util.List<Tuple2<Integer, ClientData>> clients = new java.util.ArrayList<>();
    for (int c = 0; c < n; c++) {
      clients.add(new Tuple2<>(c, new ClientData(c, LocalDataset.empty(2), LocalDataset.empty(2))));
    }
    var data = jsc.parallelizePairs(clients).partitionBy(part).values();
    return new RoundEngine(jsc, data, part, client, Models.create("softmax", 2, 2, 1, 0), 1, Float64Codec.INSTANCE,
        checkpointEvery);
  }

  @Test
  void perClientMessagesReachOnlyTheirClient() {
    RoundEngine engine = engineWithoutData(new EchoClient(), 9, 4, 2);
    AggregationSpec spec = new AggregationSpec("weight", Set.of("echo"));
    int[] sampled = {1, 4, 8};
    for (int round = 1; round <= 3; round++) {
      Map<Integer, Message> personal = new HashMap<>();
      for (int c : sampled) {
        personal.put(c, Message.builder().vector("mine", new double[] {100 * c + round}).build());
      }
      RoundPlan plan = new RoundPlan(Message.builder().scalar("shared", 5).build(), personal);
      RoundEngine.RoundResult r = engine.fit(round, sampled, plan, spec, true);
      SortedMap<Integer, Message> got = r.aggregate().collected();
      assertEquals(Set.of(1, 4, 8), got.keySet());
      for (int c : sampled) {
        assertArrayEquals(new double[] {100 * c + round, round, 5}, got.get(c).vector("echo"));
      }
      assertArrayEquals(new double[] {3}, r.aggregate().weightedSums().get("sum"));
      // version, #scalars, #vectors, name "mine", codec id and version, length, one double, checksum
      long perClientBytes = 1 + 2 + 2 + (1 + 4 + 2 + 4 + 8) + 4;
      long sharedBytes = 1 + 2 + (1 + 6 + 8) + 2 + 4;
      assertEquals(3 * sharedBytes + 3 * perClientBytes, r.traffic().downlinkBytes());
      assertTrue(r.traffic().uplinkBytes() > 0);
    }
    engine.close();
  }

  /** Uses the model the server sends it for evaluation, as a server-side solve of personal parts would. */
  static final class ServerModelClient implements ClientStrategy {
    @Override
    public ClientState initialState(ClientContext ctx) {
      return ClientState.EMPTY.withScalar("count", 0);
    }

    @Override
    public FitResult fit(ClientContext ctx, ClientState state, Message in) {
      return new FitResult(state.withScalar("count", state.scalar("count") + 1),
          Message.builder().vector("sum", new double[] {1}).build(), TrainStats.NONE);
    }

    @Override
    public double[] personalModel(ClientContext ctx, ClientState state, Message in) {
      return in.vector("mine");
    }
  }

  @Test
  void evaluationMessagesReachEveryClientSampledOrNot() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    jsc.setCheckpointDir(tmp.toString());
    int n = 7;
    ClientPartitioner part = new ClientPartitioner(n, 3);
    java.util.List<Tuple2<Integer, ClientData>> clients = new java.util.ArrayList<>();
    for (int c = 0; c < n; c++) {
      // one test example of class 1 at the origin: a softmax model predicts it from its biases alone
      LocalDataset test = new LocalDataset(new double[] {0, 0}, new int[] {1}, 2);
      clients.add(new Tuple2<>(c, new ClientData(c, LocalDataset.empty(2), test)));
    }
    var data = jsc.parallelizePairs(clients).partitionBy(part).values();
    RoundEngine engine = new RoundEngine(jsc, data, part, new ServerModelClient(),
        Models.create("softmax", 2, 2, 1, 0), 1, Float64Codec.INSTANCE, 1);
    engine.fit(1, new int[] {2}, RoundPlan.broadcast(Message.EMPTY), AggregationSpec.weightedSums(), true);
    Map<Integer, Message> personal = new HashMap<>();
    for (int c = 0; c < n; c++) {
      // W = 0, b = (0, 1) for odd clients (predicts class 1: right), (1, 0) for even ones (wrong)
      double[] w = {0, 0, 0, 0, c % 2 == 0 ? 1 : 0, c % 2 == 0 ? 0 : 1};
      personal.put(c, Message.builder().vector("mine", w).build());
    }
    java.util.List<ClientEval> evals = engine.evaluate(1, new RoundPlan(Message.EMPTY, personal), null).clients();
    assertEquals(n, evals.size());
    for (ClientEval e : evals) {
      assertEquals(e.clientId() % 2 == 0 ? 0 : 1, e.personalCorrect(), "client " + e.clientId());
    }
    engine.close();
  }

  @Test
  void aNewCheckpointReplacesTheOldOne() throws java.io.IOException {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    java.nio.file.Path dir = tmp.resolve("ckpt");
    jsc.setCheckpointDir(dir.toString());
    int n = 5;
    ClientPartitioner part = new ClientPartitioner(n, 2);
    java.util.List<Tuple2<Integer, ClientData>> clients = new java.util.ArrayList<>();
    for (int c = 0; c < n; c++) {
      clients.add(new Tuple2<>(c, new ClientData(c, LocalDataset.empty(2), LocalDataset.empty(2))));
    }
    var data = jsc.parallelizePairs(clients).partitionBy(part).values();
    RoundEngine engine = new RoundEngine(jsc, data, part, new ServerModelClient(),
        Models.create("softmax", 2, 2, 1, 0), 1, Float64Codec.INSTANCE, 1);
    for (int round = 1; round <= 4; round++) {
      engine.fit(round, new int[] {0, 3}, RoundPlan.broadcast(Message.EMPTY), AggregationSpec.weightedSums(), true);
    }
    try (var files = java.nio.file.Files.walk(dir)) {
      assertEquals(1, files.filter(p -> p.getFileName().toString().startsWith("rdd-")).count(),
          "one checkpoint on disk after 4 checkpointed rounds");
    }
    engine.close();
  }

  /** Reports its id as two metrics (one averaged, one summed); client 4 poisons its state once round 2 comes. */
  static final class ReportingClient implements ClientStrategy {
    @Override
    public ClientState initialState(ClientContext ctx) {
      return ClientState.of("w", new double[] {ctx.clientId()});
    }

    @Override
    public FitResult fit(ClientContext ctx, ClientState state, Message in) {
      double[] w = {ctx.clientId() == 4 && ctx.round() == 2 ? Double.NaN : ctx.clientId()};
      return new FitResult(state.with("w", w), Message.EMPTY, TrainStats.NONE,
          ctx.clientId() == 8 ? Map.of("id_mean", 8.0) : Map.of("id_mean", (double) ctx.clientId(), "id_sum", (double) ctx.clientId()));
    }

    @Override
    public double[] personalModel(ClientContext ctx, ClientState state, Message in) {
      return new double[0];
    }

    @Override
    public java.util.List<org.fedspark.client.ClientMetric> clientMetrics() {
      return java.util.List.of(org.fedspark.client.ClientMetric.mean("id_mean", "id"),
          org.fedspark.client.ClientMetric.sum("id_sum", "id"));
    }
  }

  @Test
  void clientMetricsAreCombinedOverTheReportingParticipantsAndANonFiniteStateIsDivergence() {
    RoundEngine engine = engineWithoutData(new ReportingClient(), 9, 4, 5);
    RoundEngine.RoundResult r = engine.fit(1, new int[] {1, 4, 8}, RoundPlan.broadcast(Message.EMPTY),
        AggregationSpec.weightedSums(), true);
    // id_mean: all three report, (1 + 4 + 8)/3; id_sum: client 8 does not report it, 1 + 4
    assertEquals(13.0 / 3, r.traffic().clientMetrics().get("id_mean"), 1e-15);
    assertEquals(5.0, r.traffic().clientMetrics().get("id_sum"), 0.0);
    assertEquals(1.0, r.traffic().valuesHeld(), 0.0, "each participant holds one value of state and receives nothing");
    DivergenceException e = org.junit.jupiter.api.Assertions.assertThrows(DivergenceException.class,
        () -> engine.fit(2, new int[] {1, 4, 8}, RoundPlan.broadcast(Message.EMPTY), AggregationSpec.weightedSums(), true));
    assertTrue(e.getMessage().contains("client 4") && e.getMessage().contains("'w'"), e.getMessage());
    engine.close();
  }
}
