package org.fedspark.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.fedspark.algorithm.Algorithms;
import org.fedspark.algorithm.FederatedAlgorithm;
import org.fedspark.client.ClientContext;
import org.fedspark.client.ClientState;
import org.fedspark.client.ClientStrategy;
import org.fedspark.client.FitResult;
import org.fedspark.client.TrainStats;
import org.fedspark.codec.CodecContext;
import org.fedspark.codec.CoordinateOrder;
import org.fedspark.codec.Float64Codec;
import org.fedspark.codec.LambdaStep;
import org.fedspark.codec.Message;
import org.fedspark.codec.TopKCodec;
import org.fedspark.codec.VectorCodec;
import org.fedspark.codec.WireFormat;
import org.fedspark.codec.tv.LambdaUpdate;
import org.fedspark.config.FedConfig;
import org.fedspark.data.ClientData;
import org.fedspark.data.ClientPartitioner;
import org.fedspark.data.LocalDataset;
import org.fedspark.model.Model;
import org.fedspark.model.Models;
import org.fedspark.report.OutputDir;
import org.fedspark.report.RoundMetrics;
import org.fedspark.server.AggregationSpec;
import org.fedspark.server.RoundAggregate;
import org.fedspark.server.RoundPlan;
import org.fedspark.server.ServerContext;
import org.fedspark.server.ServerStrategy;
import org.fedspark.testing.LocalSparkTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;

/** The engine with codecs: bytes counted per direction, error feedback, lossy downlink, the Λ step. */
class CodecEngineTest extends LocalSparkTest {
  @TempDir
  Path tmp;

  private static final String SMALL = String.join("\n",
      "run { name = t, seed = 7, rounds = 6, eval-every = 3, progress = off }",
      "data { source = synthetic, synthetic { alpha = 0.5, beta = 0.5, clients = 12, features = 20, classes = 5 } }",
      "model.type = softmax",
      "train { client-fraction = 0.5, local-epochs = 2, batch-size = 10, lr = 0.05 }");

  /** Any vector becomes exactly 100 bytes: its first (at most) 12 values, then zero padding. */
  static final class HundredBytes implements VectorCodec {
    @Override
    public String name() {
      return "hundred";
    }

    @Override
    public int id() {
      return 250;
    }

    @Override
    public int version() {
      return 1;
    }

    @Override
    public boolean lossless() {
      return false;
    }

    @Override
    public byte[] encode(double[] v, CodecContext ctx) {
      ByteBuffer b = ByteBuffer.allocate(100).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < Math.min(12, v.length); i++) {
        b.putDouble(v[i]);
      }
      return b.array();
    }

    @Override
    public double[] decode(int n, ByteBuffer in) {
      double[] v = new double[n];
      for (int i = 0; i < 12; i++) {
        double x = in.getDouble();
        if (i < n) {
          v[i] = x;
        }
      }
      in.position(in.position() + 4);
      return v;
    }
  }

  private SimulationResult run(Transport transport, String... overrides) {
    FedConfig cfg = FedConfig.parse(SMALL, "test", List.of(overrides));
    OutputDir out = new OutputDir(tmp.resolve("out" + System.nanoTime()).toString(), spark.sparkContext().hadoopConfiguration());
    return new Simulation(sc, cfg, out, System.out, transport).run();
  }

  @Test
  void byteColumnsComeFromTheCodecsInBothDirectionsForTrainingAndEvaluation() {
    VectorCodec hundred = new HundredBytes();
    Transport t = new Transport(hundred, hundred, false, new LambdaStep(0, null, new double[6]), Transport.Order.NATURAL);
    SimulationResult r = run(t, "algorithm.name=fedavg");
    assertEquals(RunStatus.COMPLETED, r.status(), r.message());
    // every message: version 1, #scalars 2, #vectors 2, checksum 4; a vector: name, id, version, length 4, body 100
    long upload = 1 + 2 + (1 + 6 + 8) + 2 + (1 + 5 + 1 + 1 + 4 + 100) + 4; // "weight" and "delta"
    long params = 1 + 2 + 2 + (1 + 6 + 1 + 1 + 4 + 100) + 4; // the broadcast "params"
    long global = 1 + 2 + 2 + (1 + 6 + 1 + 1 + 4 + 100) + 4; // the evaluation's "global"
    for (RoundMetrics m : r.metrics()) {
      assertEquals(6, m.clientsSampled());
      assertEquals(6 * upload, m.uplinkBytes());
      assertEquals(6 * params, m.downlinkBytes());
      assertEquals(12.0 * (params + global), m.extra().get("eval_downlink_bytes"), "all 12 clients evaluate");
      assertEquals(4.0 * 6 * (105 + 1) / (6 * upload), m.extra().get("compression_ratio"), 1e-12);
    }
    assertEquals(6 * 6 * upload, r.last().cumUplinkBytes());
  }

  @Test
  void defaultTransportIsUncompressedAndMatchesExplicitFloat64() {
    SimulationResult a = run(null, "algorithm.name=fedavg");
    SimulationResult b = run(null, "algorithm.name=fedavg", "codec.uplink=float64", "codec.downlink=float64",
        "codec.error-feedback=off", "lambda-update.gamma=0", "lambda-update.order=natural");
    assertEquals(comparable(a), comparable(b));
    RoundMetrics m = a.last();
    assertEquals(m.uplinkBytes() / 6, 1 + 2 + 15 + 2 + (1 + 5 + 2 + 4 + 8 * 105) + 4);
    assertEquals(105.0, m.extra().get("update_runs"), 1e-9, "a dense float64 delta: one run per value");
    assertTrue(m.extra().get("compression_ratio") < 0.5);
  }

  @Test
  void compressedRunsLearnAndCostFewerBytes() {
    long plainUplink = 6 * 6 * (1 + 2 + 15 + 2 + (1 + 5 + 2 + 4 + 8 * 105) + 4); // 6 rounds, 6 clients, float64
    long plainDownlink = 6 * 6 * (1 + 2 + 2 + (1 + 6 + 2 + 4 + 8 * 105) + 4);
    SimulationResult topk = run(null, "algorithm.name=fedavg", "codec.uplink=topk", "codec.topk-fraction=0.1");
    SimulationResult lambda = run(null, "algorithm.name=fedavg", "codec.uplink=kmeans", "codec.kmeans-levels=4",
        "lambda-update.gamma=0.05", "lambda-update.order=by-model", "codec.downlink=float32");
    for (SimulationResult r : List.of(topk, lambda)) {
      assertEquals(RunStatus.COMPLETED, r.status(), r.message());
      assertTrue(r.last().cumUplinkBytes() < plainUplink / 3, "uplink " + r.last().cumUplinkBytes());
      assertTrue(r.last().globalAcc() > 0.3, "learns: " + r.last().globalAcc());
    }
    assertTrue(lambda.last().extra().get("update_distinct_values") <= 4);
    assertTrue(lambda.last().extra().get("update_runs") < 105);
    assertTrue(lambda.last().cumDownlinkBytes() < plainDownlink * 0.6, "float32 downlink");
  }

  private static List<Map<String, Object>> comparable(SimulationResult r) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (RoundMetrics m : r.metrics()) {
      Map<String, Object> c = new LinkedHashMap<>(m.asColumns());
      c.remove("round_seconds");
      c.remove("eval_seconds");
      c.remove("elapsed_seconds");
      out.add(c);
    }
    return out;
  }

  /** Uploads the same vector every round; stateless, and checks it never sees the engine's residuals. */
  static final class ConstantClient implements ClientStrategy {
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
      if (!state.vectors().isEmpty()) {
        throw new AssertionError("the algorithm saw state " + state.vectors().keySet());
      }
      return new FitResult(state, Message.builder().vector("delta", new double[] {1, 2, 3, 4}).scalar("weight", 1).build(),
          TrainStats.NONE);
    }

    @Override
    public double[] personalModel(ClientContext ctx, ClientState state, Message in) {
      return new double[0];
    }
  }

  @Test
  void errorFeedbackDelaysWhatTopKDropsEvenForAStatelessAlgorithm() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    jsc.setCheckpointDir(tmp.resolve("ckpt").toString());
    int n = 3;
    ClientPartitioner part = new ClientPartitioner(n, 2);
    List<Tuple2<Integer, ClientData>> clients = new ArrayList<>();
    for (int c = 0; c < n; c++) {
      clients.add(new Tuple2<>(c, new ClientData(c, LocalDataset.empty(2), LocalDataset.empty(2))));
    }
    var data = jsc.parallelizePairs(clients).partitionBy(part).values();
    Transport t = new Transport(new TopKCodec(0.25), Float64Codec.INSTANCE, true, new LambdaStep(0, null, new double[4]),
        Transport.Order.NATURAL);
    RoundEngine engine = new RoundEngine(jsc, data, part, new ConstantClient(), Models.create("softmax", 2, 2, 1, 0), 1, t, 100);
    AggregationSpec spec = AggregationSpec.weightedSums();
    // one client, k = 1: it sends the largest of u + e each round, and keeps the rest
    double[][] expected = {{0, 0, 0, 4}, {0, 0, 6, 0}, {0, 0, 0, 8}, {0, 8, 0, 0}};
    double[] sent = new double[4];
    for (int round = 1; round <= 4; round++) {
      RoundAggregate a = engine.fit(round, new int[] {1}, RoundPlan.broadcast(Message.EMPTY), spec, true).aggregate();
      assertArrayEquals(expected[round - 1], a.weightedSums().get("delta"), 0.0, "round " + round);
      for (int i = 0; i < 4; i++) {
        sent[i] += a.weightedSums().get("delta")[i];
      }
    }
    // what arrived plus what is kept (4, 0, 6, 4) is what was meant: 4 rounds of (1, 2, 3, 4)
    assertArrayEquals(new double[] {0, 8, 6, 12}, sent, 0.0);
    engine.close();

    RoundEngine without = new RoundEngine(jsc, data, part, new ConstantClient(), Models.create("softmax", 2, 2, 1, 0), 1,
        new Transport(new TopKCodec(0.25), Float64Codec.INSTANCE, false, new LambdaStep(0, null, new double[4]),
            Transport.Order.NATURAL), 100);
    for (int round = 1; round <= 2; round++) {
      assertArrayEquals(new double[] {0, 0, 0, 4},
          without.fit(round, new int[] {1}, RoundPlan.broadcast(Message.EMPTY), spec, true).aggregate().weightedSums().get("delta"), 0.0);
    }
    without.close();
  }

  @Test
  void theServerMovesFromTheBroadcastTheClientsDecoded() {
    FedConfig cfg = FedConfig.parse(SMALL, "test", List.of("algorithm.name=fedavg"));
    Model model = Models.create("softmax", 2, 2, 1, 0);
    FederatedAlgorithm alg = Algorithms.create(cfg, model);
    ServerStrategy server = alg.server();
    server.initialize(new ServerContext(model, null, new double[model.layout().size()], 7));
    double[] x = server.configureFit(1, new int[] {0}).broadcast().vector("params");
    double[] decoded = new double[x.length];
    java.util.Arrays.fill(decoded, 0.5);
    double[] delta = new double[x.length];
    java.util.Arrays.fill(delta, 0.25);
    server.broadcastDelivered(1, Message.builder().vector("params", decoded).build());
    server.aggregateFit(1, new RoundAggregate(1, 2.0, Map.of("delta", scaled(delta, 2)), Map.of(), new java.util.TreeMap<>()));
    for (double v : server.globalModel().orElseThrow()) {
      assertEquals(0.75, v, 0.0, "x̂ + mean Δ, not x + mean Δ");
    }
  }

  private static double[] scaled(double[] v, double s) {
    double[] out = v.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] *= s;
    }
    return out;
  }

  @Test
  void lambdaStepIsOffAtGammaZeroAndPiecewiseConstantOtherwise() {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(9);
    double[] delta = new double[200];
    for (int i = 0; i < delta.length; i++) {
      delta[i] = rng.nextDouble() - 0.5;
    }
    double eta = 0.05;
    double[] lr = {eta, eta};
    assertSame(delta, new LambdaStep(0, null, lr).apply(delta, 1, null), "γ = 0 sends Δ itself");
    // a tiny γ changes almost nothing: −η·∇ with ∇ ≈ g = −Δ/η gives back ≈ Δ (sign and scale)
    double[] tiny = new LambdaStep(1e-9, null, lr).apply(delta, 1, null);
    for (int i = 0; i < delta.length; i++) {
      assertEquals(delta[i], tiny[i], 1e-9);
    }
    // at γ ≥ max_k |Σ_{i≤k} g_i| the update vanishes
    double[] g = scaled(delta, -1 / eta);
    assertArrayEquals(new double[200], new LambdaStep(LambdaUpdate.maxAbsPrefixSum(g), null, lr).apply(delta, 1, null), 0.0);
    double[] u = new LambdaStep(40, null, lr).apply(delta, 2, null);
    long runs = 1;
    for (int i = 1; i < u.length; i++) {
      runs += u[i] != u[i - 1] ? 1 : 0;
    }
    assertTrue(runs < 50, runs + " runs");
    // in another order, the step is the same step on the permuted vector
    CoordinateOrder order = new CoordinateOrder("delta", CoordinateOrder.shuffled(200, new java.util.SplittableRandom(1)));
    double[] permuted = new LambdaStep(5, null, lr).apply(delta, 1, order);
    assertArrayEquals(new LambdaStep(5, null, lr).apply(order.toWire(delta), 1, null), order.toWire(permuted), 0.0);
    assertNotEquals(java.util.Arrays.toString(u), java.util.Arrays.toString(permuted));
  }

  @Test
  void anOrderNeedsTheSharedModelInTheBroadcast() {
    Transport t = new Transport(Float64Codec.INSTANCE, Float64Codec.INSTANCE, false, new LambdaStep(1, null, new double[1]),
        Transport.Order.BY_MODEL);
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> t.orderFor(1, Message.builder().vector("other", new double[3]).build()));
    assertTrue(e.getMessage().contains("lambda-update.order = by-model"), e.getMessage());
    CoordinateOrder o = t.orderFor(1, Message.builder().vector("params", new double[] {3, 1, 2}).build());
    assertArrayEquals(new int[] {1, 2, 0}, o.perm());
    assertFalse(Set.of().contains(o));
    byte[] b = WireFormat.encode(Message.builder().vector("delta", new double[] {7, 8, 9}).build(), Float64Codec.INSTANCE,
        CodecContext.none(CodecContext.Direction.UPLINK), o);
    assertArrayEquals(new double[] {7, 8, 9}, WireFormat.decode(b, Float64Codec.INSTANCE, o).vector("delta"), 0.0);
  }

  @Test
  void perBlockCodecsCutTheDeclaredVectorsAndTheByteColumnsCountEachBlockExactly() {
    // softmax on 20 features, 5 classes: W 5×20 (100 values), b 5. Uplink: W float64, b float32.
    // Downlink: W float32, b float64, for the training broadcast and the evaluation's global model.
    SimulationResult r = run(null, "algorithm.name=fedavg", "codec.uplink-blocks=float32 b",
        "codec.downlink-blocks=float32 W");
    assertEquals(RunStatus.COMPLETED, r.status(), r.message());
    long upBody = 2 + (1 + 1 + 4 + 100 * 8) + (1 + 1 + 4 + 5 * 4);
    long upload = 1 + 2 + (1 + 6 + 8) + 2 + (1 + 5 + 1 + 1 + 4) + upBody + 4;
    long downBody = 2 + (1 + 1 + 4 + 100 * 4) + (1 + 1 + 4 + 5 * 8);
    long params = 1 + 2 + 2 + (1 + 6 + 1 + 1 + 4) + downBody + 4;
    long global = 1 + 2 + 2 + (1 + 6 + 1 + 1 + 4) + downBody + 4;
    for (RoundMetrics m : r.metrics()) {
      assertEquals(6 * upload, m.uplinkBytes());
      assertEquals(6 * params, m.downlinkBytes());
      assertEquals(12.0 * (params + global), m.extra().get("eval_downlink_bytes"));
    }
    // and the same run with float32 everywhere on the same blocks learns the same to float precision
    SimulationResult f32 = run(null, "algorithm.name=fedavg", "codec.uplink=float32", "codec.downlink=float32");
    assertEquals(f32.last().globalAcc(), r.last().globalAcc(), 0.02);
  }

  @Test
  void perBlockRulesAreCheckedAgainstTheAlgorithmsBlocks() {
    FedConfig bad = FedConfig.parse(SMALL, "test", List.of("codec.uplink-blocks=float32 W9"));
    Model model = Models.create("softmax", 20, 5, 1, 0);
    Map<String, org.fedspark.model.BlockSet> vectors = Map.of("delta", org.fedspark.model.BlockSet.all(model.layout()));
    org.fedspark.config.ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(
        org.fedspark.config.ConfigException.class, () -> Transport.from(bad, vectors));
    assertTrue(e.getMessage().contains("codec.uplink-blocks") && e.getMessage().contains("'W9'"), e.getMessage());
    FedConfig ok = FedConfig.parse(SMALL, "test", List.of("codec.uplink-blocks=float32 W"));
    org.fedspark.config.ConfigException none = org.junit.jupiter.api.Assertions.assertThrows(
        org.fedspark.config.ConfigException.class, () -> Transport.from(ok, Map.of()));
    assertTrue(none.getMessage().contains("declare no parameter blocks"), none.getMessage());
    FedConfig down = FedConfig.parse(SMALL, "test", List.of("codec.downlink-blocks=sign W"));
    assertTrue(org.junit.jupiter.api.Assertions.assertThrows(org.fedspark.config.ConfigException.class,
        () -> Transport.from(down, vectors)).getMessage().contains("codec.downlink-blocks"));
    // top-k on one block turns error feedback on (auto)
    assertTrue(Transport.from(FedConfig.parse(SMALL, "test", List.of("codec.uplink-blocks=topk W")), vectors).errorFeedback());
    assertEquals("uplink float64+ef (delta [W:topk 100, b:float64 5]), downlink float64",
        Transport.from(FedConfig.parse(SMALL, "test", List.of("codec.uplink-blocks=topk W")), vectors).describe());
  }

  @Test
  void withPerBlockCodecsAnOrderPermutesEachBlockWithinItself() {
    Model model = Models.create("softmax", 3, 2, 1, 0); // W 2×3 (6 values), b 2
    Map<String, org.fedspark.model.BlockSet> vectors = Map.of("delta", org.fedspark.model.BlockSet.all(model.layout()),
        "params", org.fedspark.model.BlockSet.all(model.layout()));
    double[] x = {5, 4, 3, 2, 1, 0, -1, -2};
    Transport byModel = Transport.from(FedConfig.parse(SMALL, "test", List.of("codec.uplink-blocks=float32 b",
        "lambda-update.gamma=1", "lambda-update.order=by-model")), vectors);
    assertArrayEquals(new int[] {5, 4, 3, 2, 1, 0, 7, 6}, byModel.orderFor(1, Message.builder().vector("params", x).build()).perm(),
        "sorted within W, then within b");
    Transport seeded = Transport.from(FedConfig.parse(SMALL, "test", List.of("codec.uplink-blocks=float32 b",
        "lambda-update.gamma=1", "lambda-update.order=seeded")), vectors);
    int[] p = seeded.orderFor(1, Message.builder().vector("params", x).build()).perm();
    for (int j = 0; j < 8; j++) {
      assertEquals(j < 6, p[j] < 6, "position " + j + " stays in its block: " + java.util.Arrays.toString(p));
    }
    // without per-block codecs the order spans the whole vector
    Transport whole = Transport.from(FedConfig.parse(SMALL, "test", List.of("lambda-update.gamma=1",
        "lambda-update.order=by-model")), vectors);
    assertArrayEquals(new int[] {7, 6, 5, 4, 3, 2, 1, 0}, whole.orderFor(1, Message.builder().vector("params", x).build()).perm());
  }

  @Test
  void theEngineTellsTheServerWhatEachClientDecodedOfItsOwnMessage() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    jsc.setCheckpointDir(tmp.resolve("ckpt2").toString());
    int n = 4;
    ClientPartitioner part = new ClientPartitioner(n, 2);
    List<Tuple2<Integer, ClientData>> clients = new ArrayList<>();
    for (int c = 0; c < n; c++) {
      clients.add(new Tuple2<>(c, new ClientData(c, LocalDataset.empty(2), LocalDataset.empty(2))));
    }
    var data = jsc.parallelizePairs(clients).partitionBy(part).values();
    Map<Integer, Message> own = Map.of(1, Message.builder().vector("personal", new double[] {0.1, 1.0 / 3}).build(),
        3, Message.builder().vector("personal", new double[] {-0.7, 2}).build());
    RoundPlan plan = new RoundPlan(Message.EMPTY, own);
    for (VectorCodec down : new VectorCodec[] {org.fedspark.codec.Float32Codec.INSTANCE, Float64Codec.INSTANCE}) {
      RoundEngine engine = new RoundEngine(jsc, data, part, new ConstantClient(), Models.create("softmax", 2, 2, 1, 0), 1,
          new Transport(Float64Codec.INSTANCE, down, false, new LambdaStep(0, null, new double[1]), Transport.Order.NATURAL), 100);
      Map<Integer, Message> decoded = engine.fit(1, new int[] {1, 3}, plan, AggregationSpec.weightedSums(), true).perClientDelivered();
      if (down.lossless()) {
        assertTrue(decoded.isEmpty(), "lossless: each client decoded what was sent");
      } else {
        assertEquals(Set.of(1, 3), decoded.keySet());
        assertArrayEquals(new double[] {(float) 0.1, (float) (1.0 / 3)}, decoded.get(1).vector("personal"), 0.0);
        assertArrayEquals(new double[] {(float) -0.7, 2}, decoded.get(3).vector("personal"), 0.0);
      }
      engine.close();
    }
  }
}
