package org.fedspark.algorithm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.fedspark.client.ClientContext;
import org.fedspark.client.ClientState;
import org.fedspark.client.FitResult;
import org.fedspark.codec.Message;
import org.fedspark.config.ConfigException;
import org.fedspark.config.FedConfig;
import org.fedspark.data.LocalDataset;
import org.fedspark.model.BlockRoles;
import org.fedspark.model.Model;
import org.fedspark.model.ParamBlock;
import org.fedspark.model.Pretrained;
import org.fedspark.model.SoftmaxRegression;
import org.fedspark.server.ServerContext;
import org.fedspark.server.UpdateAccumulator;
import org.junit.jupiter.api.Test;

/**
 * One round of each federated LoRA method on a case small enough to derive by hand: softmax regression
 * with two features and two classes on a pretrained base W₀ (2×2), b (frozen), one LoRA adapter of rank 1
 * on W with α = 1 (so the scale s = α/r = 1): A is a 1×2 row, B a 2×1 column, logits
 * {@code z = (W₀ + B·A)·x + b}. Each client holds one example, batch 1, one epoch, step η = 0.1. With
 * {@code u = A·x}, {@code p = softmax(z)} and {@code g = p − e_y}, the cross-entropy's gradients are
 * {@code ∂L/∂B_k = g_k·u} and {@code ∂L/∂A = (Σ_k B_k g_k)·xᵀ} (the chain rule on z_k = W₀_k·x + B_k·u +
 * b_k), written out below with plain arithmetic, independent of the composition code.
 */
class LoraAlgorithmsTest {
  private static final double ETA = 0.1;
  private static final long SEED = 7;
  private static final double[] BASE = {0.3, -0.2, 0.1, 0.4, 0.05, -0.05}; // W₀ = [[0.3, −0.2], [0.1, 0.4]], b
  private final Model model = new Pretrained(new SoftmaxRegression(2, 2, 0.0), BASE);
  private final LocalDataset first = new LocalDataset(new double[] {1.0, 0.5}, new int[] {1}, 2);
  private final LocalDataset second = new LocalDataset(new double[] {-0.5, 2.0}, new int[] {0}, 2);

  private FederatedAlgorithm algorithm(String name, String... more) {
    List<String> o = new ArrayList<>(List.of("algorithm.name=" + name, "model.lora.blocks=W", "model.lora.rank=1",
        "model.lora.alpha=1", "train.lr=" + ETA, "train.batch-size=1", "train.local-epochs=1"));
    o.addAll(List.of(more));
    return Algorithms.create(FedConfig.parse("", "test", o), model);
  }

  private static ParamSplit splitOf(FederatedAlgorithm a) {
    Object c = a.client();
    try {
      java.lang.reflect.Field f = c.getClass().getDeclaredField("split");
      f.setAccessible(true);
      return (ParamSplit) f.get(c);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private static double[] block(ParamSplit s, double[] theta, String name) {
    ParamBlock b = s.layout().block(name);
    return Arrays.copyOfRange(theta, b.offset(), b.end());
  }

  private static List<String> names(org.fedspark.model.ParamLayout l) {
    return l.blocks().stream().map(ParamBlock::name).toList();
  }

  private static Message params(double... v) {
    return Message.builder().vector(FedAvgServer.PARAMS, v).build();
  }

  /** {∂L/∂A (2), ∂L/∂B (2)} at A, B for one example, with the base and bias of {@link #BASE}. */
  private static double[] grads(double[] a, double[] b, LocalDataset d) {
    double x0 = d.features()[0];
    double x1 = d.features()[1];
    double u = a[0] * x0 + a[1] * x1;
    double z0 = BASE[0] * x0 + BASE[1] * x1 + b[0] * u + BASE[4];
    double z1 = BASE[2] * x0 + BASE[3] * x1 + b[1] * u + BASE[5];
    double p1 = 1 / (1 + Math.exp(z0 - z1));
    double p0 = 1 - p1;
    int y = d.labels()[0];
    double g0 = p0 - (y == 0 ? 1 : 0);
    double g1 = p1 - (y == 1 ? 1 : 0);
    double c = b[0] * g0 + b[1] * g1;
    return new double[] {c * x0, c * x1, g0 * u, g1 * u};
  }

  @Test
  void rolesOfEachMethod() {
    ParamSplit fedit = splitOf(algorithm("fedit"));
    assertEquals(List.of("W.base", "W.lora_A", "W.lora_B", "b"), names(fedit.layout()));
    assertEquals(List.of("W.lora_A", "W.lora_B"), fedit.shared().names());
    assertEquals(List.of("W.base", "b"), fedit.frozen().names());
    ParamSplit ffa = splitOf(algorithm("ffa-lora"));
    assertEquals(List.of("W.lora_B"), ffa.shared().names());
    assertEquals(List.of("W.base", "W.lora_A", "b"), ffa.frozen().names());
    ParamSplit sa = splitOf(algorithm("fedsa-lora"));
    assertEquals(List.of("W.lora_A"), sa.shared().names());
    assertEquals(List.of("W.lora_B"), sa.personal().names());
    ParamSplit opt = splitOf(algorithm("fedlora-opt"));
    assertEquals(List.of("W.base", "W.lora_A.mag", "W.lora_A.dir", "W.lora_B.mag", "W.lora_B.dir", "b"), names(opt.layout()));
    assertEquals(List.of("W.lora_A.dir"), opt.shared().names());
    assertEquals(List.of("W.lora_B.mag"), opt.personal().names());
    assertEquals(List.of("W.base", "W.lora_A.mag", "W.lora_B.dir", "b"), opt.frozen().names());
    // model.blocks comes after the default: FedAvg with B personal is FedSA-LoRA's split
    ParamSplit fedavg = splitOf(algorithm("fedavg", "model.blocks=personal W.lora_B"));
    assertEquals(sa.shared().names(), fedavg.shared().names());
    assertEquals(sa.personal().names(), fedavg.personal().names());
    // trainable values: FedIT 2 + 2, FFA-LoRA 2, FedLoRA-Optimizer A's direction (2) + B's magnitudes (2)
    assertEquals(4, algorithm("fedit").trainable());
    assertEquals(2, algorithm("ffa-lora").trainable());
    assertEquals(4, algorithm("fedlora-opt").trainable());
  }

  @Test
  void everyMethodStartsExactlyAtTheBase() {
    for (String name : List.of("fedit", "ffa-lora", "fedsa-lora", "fedlora-opt", "fedavg", "local")) {
      FederatedAlgorithm a = algorithm(name);
      ParamSplit s = splitOf(a);
      double[] start = s.effective(s.initial(SEED));
      assertTrue(Arrays.equals(BASE, start), name + ": " + Arrays.toString(start));
      a.server().initialize(new ServerContext(model, null, null, SEED));
      a.server().globalModel().ifPresent(g -> assertTrue(Arrays.equals(BASE, g), name + " server: " + Arrays.toString(g)));
      ClientContext ctx = new ClientContext(0, 0, first, model, SEED);
      double[] personal = a.client().personalModel(ctx, a.client().initialState(ctx),
          a.server().configureEvaluate(1).broadcast());
      assertTrue(Arrays.equals(BASE, personal), name + " client: " + Arrays.toString(personal));
    }
  }

  @Test
  void fedItTrainsAndAveragesBothFactors() {
    FederatedAlgorithm alg = algorithm("fedit");
    ParamSplit s = splitOf(alg);
    double[] a = block(s, s.initial(SEED), "W.lora_A");
    double[] b = {0.2, -0.3}; // a later round's B, so that A has a gradient too
    double[] shared = {a[0], a[1], b[0], b[1]};
    FitResult r1 = alg.client().fit(new ClientContext(0, 1, first, model, SEED), ClientState.EMPTY, params(shared));
    double[] g = grads(a, b, first);
    assertArrayEquals(new double[] {-ETA * g[0], -ETA * g[1], -ETA * g[2], -ETA * g[3]},
        r1.update().vector(FedAvgServer.DELTA), 1e-15);
    // round 1 proper: B = 0 gives A no gradient, B the step −η·g·u; the server averages by examples
    alg.server().initialize(new ServerContext(model, null, null, SEED));
    Message bc = alg.server().configureFit(1, new int[] {0, 1}).broadcast();
    assertArrayEquals(new double[] {a[0], a[1], 0, 0}, bc.vector(FedAvgServer.PARAMS), 0.0);
    UpdateAccumulator acc = new UpdateAccumulator(alg.server().aggregation());
    double[] g1 = grads(a, new double[2], first);
    double[] g2 = grads(a, new double[2], second);
    int id = 0;
    for (LocalDataset d : List.of(first, second)) {
      FitResult r = alg.client().fit(new ClientContext(id, 1, d, model, SEED), ClientState.EMPTY, bc);
      assertEquals(0.0, r.update().vector(FedAvgServer.DELTA)[0], "A has no gradient while B = 0");
      acc.add(id++, r.update());
    }
    alg.server().aggregateFit(1, acc.result());
    double[] expected = {a[0], a[1], -ETA * (g1[2] + g2[2]) / 2, -ETA * (g1[3] + g2[3]) / 2};
    assertArrayEquals(expected, alg.server().configureFit(2, new int[] {0}).broadcast().vector(FedAvgServer.PARAMS), 1e-15);
    double[] global = alg.server().globalModel().orElseThrow();
    // W = W₀ + B·A
    assertEquals(BASE[2] + expected[3] * a[0], global[2], 1e-15);
  }

  @Test
  void ffaLoraKeepsAAtItsInitializationAndAveragesB() {
    FederatedAlgorithm alg = algorithm("ffa-lora");
    ParamSplit s = splitOf(alg);
    double[] a = block(s, s.initial(SEED), "W.lora_A");
    double[] b = {0.2, -0.3};
    FitResult r = alg.client().fit(new ClientContext(0, 1, first, model, SEED), ClientState.EMPTY, params(b));
    double[] g = grads(a, b, first);
    assertArrayEquals(new double[] {-ETA * g[2], -ETA * g[3]}, r.update().vector(FedAvgServer.DELTA), 1e-15);
    double[] personal = alg.client().personalModel(new ClientContext(0, 1, first, model, SEED), ClientState.EMPTY, params(b));
    assertEquals(BASE[0] + b[0] * a[0], personal[0], 1e-15, "A is the frozen random initialization");
  }

  @Test
  void fedSaLoraAveragesAAndKeepsBOnTheClient() {
    FederatedAlgorithm alg = algorithm("fedsa-lora");
    ParamSplit s = splitOf(alg);
    double[] a = block(s, s.initial(SEED), "W.lora_A");
    double[] b = {0.2, -0.3};
    ClientContext ctx = new ClientContext(0, 1, first, model, SEED);
    FitResult r = alg.client().fit(ctx, ClientState.of(ParamSplit.PERSONAL, b), params(a));
    double[] g = grads(a, b, first);
    assertArrayEquals(new double[] {-ETA * g[0], -ETA * g[1]}, r.update().vector(FedAvgServer.DELTA), 1e-15);
    double[] own = {b[0] - ETA * g[2], b[1] - ETA * g[3]};
    assertArrayEquals(own, r.state().vector(ParamSplit.PERSONAL), 1e-15);
    // personalized: the server's A with the client's own B
    double[] a2 = {0.7, -0.1};
    double[] w = alg.client().personalModel(ctx, r.state(), params(a2));
    assertArrayEquals(new double[] {BASE[0] + own[0] * a2[0], BASE[1] + own[0] * a2[1], BASE[2] + own[1] * a2[0],
        BASE[3] + own[1] * a2[1]}, Arrays.copyOf(w, 4), 1e-15);
    alg.server().initialize(new ServerContext(model, null, null, SEED));
    assertTrue(alg.server().globalModel().isEmpty(), "B is personal: no single global model");
  }

  /**
   * FedLoRA-Optimizer on the same case, with A = m_A·v/‖v‖ (A's magnitude frozen, v shared) and
   * B_k = m_k·d_k (d_k = ±1, frozen; m personal). Local stage: one step on m, m_k ← m_k − η·g_k·u·d_k.
   * Global stage, at the new m: one step on v with ∂L/∂v = (m_A/‖v‖)·(∂L/∂A − ⟨∂L/∂A, v⟩ v/‖v‖²).
   * Server: example-weighted mean of the clients' v, then each row scaled to length 1.
   */
  @Test
  void fedLoraOptimizerRunsTheLocalStageThenTheGlobalOneAndRenormalizes() {
    FederatedAlgorithm alg = algorithm("fedlora-opt");
    ParamSplit s = splitOf(alg);
    double[] init = s.initial(SEED);
    double mA = block(s, init, "W.lora_A.mag")[0];
    double[] d = block(s, init, "W.lora_B.dir");
    assertEquals(1.0, Math.abs(d[0]), 0.0);
    assertEquals(1.0, Math.abs(d[1]), 0.0);
    assertArrayEquals(new double[2], block(s, init, "W.lora_B.mag"), 0.0, "B's magnitudes start at 0");
    alg.server().initialize(new ServerContext(model, null, null, SEED));
    Message bc = alg.server().configureFit(1, new int[] {0, 1}).broadcast();
    double[] v0 = bc.vector(FedAvgServer.PARAMS);
    assertEquals(1.0, Math.hypot(v0[0], v0[1]), 1e-15, "the server sends unit directions");
    UpdateAccumulator acc = new UpdateAccumulator(alg.server().aggregation());
    double[][] v1 = new double[2][];
    double[][] mine = new double[2][];
    int id = 0;
    for (LocalDataset data : List.of(first, second)) {
      ClientContext ctx = new ClientContext(id, 1, data, model, SEED);
      FitResult r = alg.client().fit(ctx, alg.client().initialState(ctx), bc);
      double[] a = {mA * v0[0], mA * v0[1]};
      // local stage from m = 0
      double[] gm = grads(a, new double[2], data);
      double[] m = {-ETA * gm[2] * d[0], -ETA * gm[3] * d[1]};
      assertArrayEquals(m, r.state().vector(ParamSplit.PERSONAL), 1e-15);
      assertNotEquals(0.0, m[0], "the local stage moves B off 0");
      // global stage at B = m·d
      double[] ga = grads(a, new double[] {m[0] * d[0], m[1] * d[1]}, data);
      double dot = ga[0] * v0[0] + ga[1] * v0[1];
      double[] gv = {mA * (ga[0] - dot * v0[0]), mA * (ga[1] - dot * v0[1])};
      assertArrayEquals(new double[] {-ETA * gv[0], -ETA * gv[1]}, r.update().vector(FedAvgServer.DELTA), 1e-15);
      v1[id] = new double[] {v0[0] - ETA * gv[0], v0[1] - ETA * gv[1]};
      mine[id] = m;
      acc.add(id++, r.update());
    }
    alg.server().aggregateFit(1, acc.result());
    double[] mean = {(v1[0][0] + v1[1][0]) / 2, (v1[0][1] + v1[1][1]) / 2};
    double n = Math.hypot(mean[0], mean[1]);
    double[] next = alg.server().configureFit(2, new int[] {0}).broadcast().vector(FedAvgServer.PARAMS);
    assertArrayEquals(new double[] {mean[0] / n, mean[1] / n}, next, 1e-15);
    // personalized model of client 1: base + B(own m)·A(server's direction, frozen magnitude)
    ClientContext ctx = new ClientContext(1, 1, second, model, SEED);
    double[] w = alg.client().personalModel(ctx, ClientState.of(ParamSplit.PERSONAL, mine[1]), params(next));
    double a0 = mA * next[0];
    assertEquals(BASE[2] + mine[1][1] * d[1] * a0, w[2], 1e-15);
  }

  /** The trap the local-first order avoids: at B's magnitudes 0, A's direction has exactly zero gradient. */
  @Test
  void atTheStartTheDirectionOfAHasNoGradient() {
    ParamSplit s = splitOf(algorithm("fedlora-opt"));
    double[] theta = s.initial(SEED);
    double[] grad = new double[theta.length];
    s.objective().evaluator().lossAndGradient(theta, first.features(), first.labels(), 1, grad);
    assertArrayEquals(new double[2], block(s, grad, "W.lora_A.dir"), 0.0);
    assertNotEquals(0.0, block(s, grad, "W.lora_B.mag")[0]);
  }

  @Test
  void unitDirectionsNormalizeEachRowAfterAveraging() {
    ParamSplit s = splitOf(algorithm("fedlora-opt"));
    UnitDirections u = UnitDirections.of(s);
    double[] theta = s.initial(SEED);
    int at = s.layout().block("W.lora_A.dir").offset();
    // two clients' unit directions (1, 0) and (0, 1) average to (½, ½), of length 1/√2
    theta[at] = 0.5;
    theta[at + 1] = 0.5;
    double[] before = theta.clone();
    u.apply(theta);
    assertEquals(Math.sqrt(0.5), theta[at], 2.3e-16); // within 2 ulps: 0.5/√0.5 rounds twice
    assertEquals(Math.sqrt(0.5), theta[at + 1], 2.3e-16);
    for (int i = 0; i < theta.length; i++) {
      if (i != at && i != at + 1) {
        assertEquals(before[i], theta[i], 0.0, "only the shared directions change");
      }
    }
    // the composed model does not depend on the length of the direction
    assertArrayEquals(s.effective(before), s.effective(theta), 1e-15);
  }

  @Test
  void adapterChangeIsMeanOneMinusCosineAndMeanAbsoluteNormChange() {
    ParamSplit s = splitOf(algorithm("fedit"));
    double[] before = s.initial(SEED);
    double[] after = before.clone();
    int a = s.layout().block("W.lora_A").offset();
    int b = s.layout().block("W.lora_B").offset();
    before[a] = 3;
    before[a + 1] = 4; // ‖A‖ = 5
    after[a] = 0;
    after[a + 1] = 10; // ‖A'‖ = 10, cos = 40/50
    before[b] = 0;
    before[b + 1] = 2; // B's first row is 0: no direction, left out of ΔD
    after[b] = 1;
    after[b + 1] = -3; // rows of B are 1-vectors: cos(2, −3) = −1
    var m = AdapterChange.of(s, before, after);
    assertEquals(1 - 0.8, m.get(AdapterChange.A_DIR), 1e-15);
    assertEquals(5.0, m.get(AdapterChange.A_MAG), 0.0);
    assertEquals(2.0, m.get(AdapterChange.B_DIR), 0.0);
    assertEquals((1.0 + 1.0) / 2, m.get(AdapterChange.B_MAG), 0.0);
    assertTrue(Double.isNaN(AdapterChange.of(s, s.initial(SEED), s.initial(SEED)).get(AdapterChange.B_DIR)),
        "B = 0 before and after: no direction");
    assertEquals(4, algorithm("fedit").client().clientMetrics().size());
  }

  /**
   * A split factor is measured on m·v/‖v‖: its norm is |m|, its direction sign(m)·v; a magnitude that
   * changes sign turns the vector around, and a factor left alone changes by exactly 0.
   */
  @Test
  void adapterChangeOfASplitFactor() {
    ParamSplit s = splitOf(algorithm("fedlora-opt"));
    double[] before = s.initial(SEED);
    int mag = s.layout().block("W.lora_B.mag").offset();
    before[mag] = 0.5;
    before[mag + 1] = 0.2;
    double[] after = before.clone();
    after[mag] = -0.25; // row 0 turns around: 1 − cos = 2, |Δ‖x‖| = 0.25
    after[mag + 1] = 0.2; // row 1 unchanged
    int dir = s.layout().block("W.lora_A.dir").offset();
    after[dir] *= 3; // A's direction row scaled by 3: the same direction, not bit for bit the same vector
    after[dir + 1] *= 3;
    var m = AdapterChange.of(s, before, after);
    assertEquals(1.0, m.get(AdapterChange.B_DIR), 0.0, "(2 + 0)/2");
    assertEquals(0.125, m.get(AdapterChange.B_MAG), 0.0, "(0.25 + 0)/2");
    assertEquals(0.0, m.get(AdapterChange.A_MAG), 0.0, "A's magnitude block did not change");
    assertEquals(0.0, m.get(AdapterChange.A_DIR), 1e-15);
    var none = AdapterChange.of(s, before, before.clone());
    assertEquals(0.0, none.get(AdapterChange.A_DIR), 0.0);
    assertEquals(0.0, none.get(AdapterChange.B_MAG), 0.0);
  }

  @Test
  void badAdapterSettingsNameTheKey() {
    expect("model.lora.blocks", () -> algorithm("fedit", "model.lora.blocks=b"));
    expect("model.lora.blocks", () -> algorithm("fedit", "model.lora.blocks=V"));
    expect("model.lora.blocks", () -> algorithm("fedit", "model.lora.blocks=W", "model.lora.rank=3"));
    expect("model.lora.blocks", () -> algorithm("ditto"));
    expect("model.lora.decompose", () -> algorithm("fedlora-opt", "model.lora.decompose=a"));
    expect("model.blocks", () -> algorithm("fedrep"));
    expect("model.lora.blocks", () -> Algorithms.create(FedConfig.parse("algorithm.name = fedit", "t", List.of()), model));
    expect("model.blocks", () -> algorithm("fedit", "model.blocks=personal Q"));
  }

  private static void expect(String key, org.junit.jupiter.api.function.Executable call) {
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, call);
    assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
  }

  @Test
  void localOnlyWithoutAdaptersKeepsItsWholeModel() {
    Model plain = new SoftmaxRegression(2, 2, 0.0);
    ParamSplit s = ParamSplit.of(plain, BlockRoles.allShared(plain.layout()));
    LocalOnlyClient c = new LocalOnlyClient(s, new LocalTraining(1, 1, ETA));
    ClientContext ctx = new ClientContext(0, 1, first, plain, SEED);
    ClientState st = c.initialState(ctx);
    assertArrayEquals(ctx.initialParams(), st.vector(LocalOnlyClient.MODEL), 0.0);
    FitResult r = c.fit(ctx, st, Message.EMPTY);
    assertArrayEquals(r.state().vector(LocalOnlyClient.MODEL), c.personalModel(ctx, r.state(), Message.EMPTY), 0.0);
    assertTrue(c.clientMetrics().isEmpty());
  }
  /**
   * The gradient of the adapter splits' objective F(C(θ)) against central differences, on a smooth
   * model (softmax regression, 4 features, 3 classes, LoRA rank 2 with α = 3), for every choice of
   * which factor is split into magnitude and direction and along which axis, at the initialization (B
   * = 0, or B's magnitudes 0) and at a random point. Central differences with h = 1e-5 err by about
   * h²·|F'''|, near 1e-10 here: far below the 1e-6 tolerance, and far above rounding.
   */
  @Test
  void adapterGradientsMatchFiniteDifferences() {
    double[] base = new double[3 * 4 + 3];
    SplittableRandom rng = new SplittableRandom(3);
    for (int i = 0; i < base.length; i++) {
      base[i] = rng.nextGaussian();
    }
    Model m = new Pretrained(new SoftmaxRegression(4, 3, 0.0), base);
    double[] x = new double[5 * 4];
    int[] y = new int[5];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextGaussian();
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = rng.nextInt(3);
    }
    for (String decompose : List.of("both", "none", "a", "b")) {
      for (String axis : List.of("rows", "cols")) {
        FedConfig cfg = FedConfig.parse("", "t", List.of("algorithm.name=fedit", "model.lora.blocks=all", "model.lora.rank=2",
            "model.lora.alpha=3", "model.lora.decompose=" + decompose, "model.lora.axis=" + axis));
        ParamSplit s = Algorithms.split(cfg, m, org.fedspark.config.AlgorithmName.FEDIT);
        double[] init = s.initial(SEED);
        double[] random = init.clone();
        for (int i = 0; i < random.length; i++) {
          random[i] += 0.5 * rng.nextGaussian();
        }
        for (double[] theta : List.of(init, random)) {
          double[] grad = new double[theta.length];
          var f = s.objective().evaluator();
          f.lossAndGradient(theta, x, y, 5, grad);
          double h = 1e-5;
          double[] scratch = new double[theta.length];
          for (int i = 0; i < theta.length; i++) {
            double[] p = theta.clone();
            p[i] += h;
            double up = f.lossAndGradient(p, x, y, 5, scratch);
            p[i] -= 2 * h;
            double down = f.lossAndGradient(p, x, y, 5, scratch);
            double fd = (up - down) / (2 * h);
            assertEquals(fd, grad[i], 1e-6 * Math.max(1, Math.abs(fd)),
                decompose + "/" + axis + " " + s.layout() + " coordinate " + i);
          }
        }
      }
    }
  }
}
