package org.fedspark.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.fedspark.algorithm.Algorithms;
import org.fedspark.algorithm.FederatedAlgorithm;
import org.fedspark.client.ClientContext;
import org.fedspark.client.ClientState;
import org.fedspark.client.ClientStrategy;
import org.fedspark.client.FitResult;
import org.fedspark.client.InitialParams;
import org.fedspark.client.TrainStats;
import org.fedspark.codec.Float64Codec;
import org.fedspark.codec.Message;
import org.fedspark.config.ConfigException;
import org.fedspark.config.FedConfig;
import org.fedspark.data.ClientData;
import org.fedspark.data.ClientPartitioner;
import org.fedspark.data.DatasetInfo;
import org.fedspark.data.LocalDataset;
import org.fedspark.model.Model;
import org.fedspark.model.Models;
import org.fedspark.server.AggregationSpec;
import org.fedspark.server.RoundAggregate;
import org.fedspark.server.RoundPlan;
import org.fedspark.server.ServerContext;
import org.fedspark.server.ServerStrategy;
import org.fedspark.testing.LocalSparkTest;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/**
 * Systems heterogeneity (stragglers.*): the engine draws the stragglers, gives each its epoch budget,
 * and tells the server who straggled; FedAvg's server discards their updates, FedProx's keeps them.
 */
class StragglerRoundTest extends LocalSparkTest {
  private static final Model MODEL = Models.create("softmax", 2, 2, 1, 0);
  private static final int P = MODEL.layout().size();
  private static final int[] SAMPLED = {0, 2, 4, 6, 8, 10, 12, 14, 16, 18};

  /** Uploads Δ = (id, id, …) with weight 1, and (id, epoch budget) to be collected per client. */
  static final class IdClient implements ClientStrategy {
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
      double[] delta = new double[P];
      java.util.Arrays.fill(delta, ctx.clientId());
      return new FitResult(state, Message.builder().vector("delta", delta).scalar("weight", 1)
          .vector("seen", new double[] {ctx.clientId(), ctx.epochBudget()}).build(), TrainStats.NONE);
    }

    @Override
    public double[] personalModel(ClientContext ctx, ClientState state, Message in) {
      return new double[P];
    }
  }

  private static FedConfig config(String algorithm, String mode) {
    return FedConfig.parse("algorithm.name = " + algorithm + "\ntrain.local-epochs = 20\nstragglers { fraction = 0.5,"
        + " mode = " + mode + " }", "t.conf", List.of());
  }

  private RoundAggregate round(String mode) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int n = 20;
    ClientPartitioner part = new ClientPartitioner(n, 3);
    List<Tuple2<Integer, ClientData>> clients = new ArrayList<>();
    for (int c = 0; c < n; c++) {
      clients.add(new Tuple2<>(c, new ClientData(c, LocalDataset.empty(2), LocalDataset.empty(2))));
    }
    JavaRDD<ClientData> data = jsc.parallelizePairs(clients).partitionBy(part).values();
    RoundEngine engine = new RoundEngine(jsc, data, part, new IdClient(), MODEL, 7, Float64Codec.INSTANCE, 5);
    engine.stragglers(Stragglers.from(config("fedprox", mode)));
    RoundPlan plan = RoundPlan.broadcast(Message.EMPTY);
    RoundEngine.RoundResult r = engine.fit(3, SAMPLED, plan, new AggregationSpec("weight", Set.of("seen")), true);
    engine.close();
    return r.aggregate();
  }

  private static int sum(Iterable<Integer> ids) {
    int s = 0;
    for (int i : ids) {
      s += i;
    }
    return s;
  }

  /** Global model after one aggregateFit of {@code aggregate}, minus the initial model. */
  private static double[] step(String algorithm, RoundAggregate aggregate) {
    FederatedAlgorithm alg = Algorithms.create(config(algorithm, "partial"), MODEL);
    ServerStrategy server = alg.server();
    double[] init = InitialParams.of(MODEL, 42);
    server.initialize(new ServerContext(MODEL, new DatasetInfo("t", 2, 2, new int[20], new int[20]), init, 42));
    server.aggregateFit(3, aggregate);
    double[] w = server.globalModel().orElseThrow();
    for (int i = 0; i < w.length; i++) {
      w[i] -= init[i];
    }
    return w;
  }

  @Test
  void fedAvgAggregatesTheNonStragglersAndFedProxAll() {
    RoundAggregate a = round("partial");
    assertEquals(5, a.stragglers().size(), "half of the 10 sampled clients straggle");
    assertTrue(a.dropped().isEmpty());
    TreeSet<Integer> onTime = new TreeSet<>();
    for (int c : SAMPLED) {
      if (!a.stragglers().contains(c)) {
        onTime.add(c);
      }
    }
    assertEquals(5, onTime.size(), "stragglers are sampled clients: " + a.stragglers());
    // Every sampled client trained and uploaded; stragglers with a budget in [1, 20), the others unlimited.
    assertEquals(10, a.numUpdates());
    for (int c : SAMPLED) {
      double budget = a.collected().get(c).vector("seen")[1];
      if (a.stragglers().contains(c)) {
        assertTrue(budget >= 1 && budget < 20, "client " + c + " budget " + budget);
      } else {
        assertEquals(0, budget, "client " + c + " is not a straggler");
      }
    }
    assertEquals(90, a.weightedSums().get("delta")[0], "sum of all sampled ids 0+2+…+18");
    assertEquals(10, a.totalWeight());
    RoundAggregate kept = a.withoutStragglers();
    assertEquals(5, kept.numUpdates());
    assertEquals(5, kept.totalWeight());
    assertEquals(sum(onTime), kept.weightedSums().get("delta")[0]);
    assertEquals(onTime, kept.collected().keySet());

    double[] fedavg = step("fedavg", a);
    double[] fedprox = step("fedprox", a);
    double[] expectAvg = new double[P];
    java.util.Arrays.fill(expectAvg, sum(onTime) / 5.0);
    double[] expectProx = new double[P];
    java.util.Arrays.fill(expectProx, 9.0);
    assertArrayEquals(expectAvg, fedavg, 1e-12, "FedAvg moves by the mean id of the non-stragglers " + onTime);
    assertArrayEquals(expectProx, fedprox, 1e-12, "FedProx moves by the mean id of all sampled clients");
  }

  @Test
  void dropModeStragglersSendNothing() {
    RoundAggregate a = round("drop");
    assertEquals(5, a.dropped().size());
    assertTrue(a.stragglers().isEmpty());
    assertEquals(5, a.numUpdates());
    TreeSet<Integer> sent = new TreeSet<>(a.collected().keySet());
    for (int c : a.dropped()) {
      assertTrue(!sent.contains(c), "dropped client " + c + " uploaded");
    }
    assertEquals(90 - sum(a.dropped()), a.weightedSums().get("delta")[0]);
    double[] fedprox = step("fedprox", a);
    assertEquals((90 - sum(a.dropped())) / 5.0, fedprox[0], 1e-12);
  }

  @Test
  void drawsAreSeededPerRoundAndBudgetsCoverOneToEMinusOne() {
    Stragglers s = new Stragglers(0.5, false, 20, 42);
    int min = Integer.MAX_VALUE;
    int max = 0;
    Set<String> distinct = new java.util.HashSet<>();
    for (int round = 1; round <= 200; round++) {
      Stragglers.Draw d = s.draw(round, SAMPLED);
      assertArrayEquals(d.ids(), s.draw(round, SAMPLED).ids(), "same round, same draw");
      assertEquals(5, d.ids().length);
      distinct.add(java.util.Arrays.toString(d.ids()));
      for (int b : d.epochBudgets()) {
        min = Math.min(min, b);
        max = Math.max(max, b);
      }
    }
    assertEquals(1, min);
    assertEquals(19, max);
    assertTrue(distinct.size() > 100, "rounds draw different stragglers: " + distinct.size() + " distinct sets");
    assertEquals(9, new Stragglers(0.9, false, 20, 42).draw(1, SAMPLED).ids().length);
    assertEquals(0, Stragglers.NONE.draw(1, SAMPLED).ids().length);
  }

  @Test
  void fedAvgClientRunsItsEpochBudget() {
    FederatedAlgorithm alg = Algorithms.create(config("fedavg", "partial"), MODEL);
    LocalDataset train = new LocalDataset(new double[20], new int[10], 2);
    Message in = Message.builder().vector("params", InitialParams.of(MODEL, 42)).build();
    FitResult full = alg.client().fit(new ClientContext(1, 1, train, MODEL, 42), ClientState.EMPTY, in);
    FitResult partial = alg.client().fit(new ClientContext(1, 1, train, MODEL, 42, 3), ClientState.EMPTY, in);
    assertEquals(20 * 10, full.stats().examples());
    assertEquals(3 * 10, partial.stats().examples());
  }

  @Test
  void configurationsThatCannotBeSimulatedAreRefused() {
    ConfigException oneEpoch = assertThrows(ConfigException.class, () -> Stragglers.from(FedConfig.parse(
        "stragglers.fraction = 0.5\ntrain.local-epochs = 1", "t.conf", List.of())));
    assertTrue(oneEpoch.getMessage().contains("[1, train.local-epochs), which is empty"), oneEpoch.getMessage());
    ConfigException ditto = assertThrows(ConfigException.class, () -> Stragglers.from(FedConfig.parse(
        "stragglers.fraction = 0.5\ntrain.local-epochs = 5\nalgorithm.name = ditto", "t.conf", List.of())));
    assertTrue(ditto.getMessage().contains("not ditto"), ditto.getMessage());
    assertEquals(Stragglers.NONE, Stragglers.from(FedConfig.parse("", "t.conf", List.of())));
  }
}
