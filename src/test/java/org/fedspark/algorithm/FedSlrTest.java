package org.fedspark.algorithm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fedspark.client.ClientContext;
import org.fedspark.client.ClientState;
import org.fedspark.client.FitResult;
import org.fedspark.codec.Message;
import org.fedspark.data.DatasetInfo;
import org.fedspark.data.LocalDataset;
import org.fedspark.model.Model;
import org.fedspark.model.SoftmaxRegression;
import org.fedspark.server.ServerContext;
import org.fedspark.server.UpdateAccumulator;
import org.junit.jupiter.api.Test;

/**
 * FedSLR's two client stages and its server step, checked by hand.
 *
 * <p>Client: softmax regression with one feature and two classes (W = (W₀, W₁), b = (b₀, b₁), logits
 * z_k = W_k + b_k for the one example x = 1 of class 1), step η = 0.1, batch 1. The loss gradient at
 * logits z is (p₀, p₁ − 1) for W and for b, with p = softmax(z).
 *
 * <p>Server: softmax regression with 3 features and 3 classes, zero initial model, N = 4 clients,
 * α = 0.5, λ_r = 0.25 (threshold τ = λ_r/α = 0.5), uploads with diagonal W parts so the singular values
 * are the diagonal.
 */
class FedSlrTest {
  private static final double ETA = 0.1;
  private static final double ALPHA = 0.5;
  private final Model model = new SoftmaxRegression(1, 2, 0.0);
  private final ClientContext ctx = new ClientContext(0, 1, new LocalDataset(new double[] {1}, new int[] {1}, 1), model, 7);

  /** p₁ for logits (z₀, z₁). */
  private static double p1(double z0, double z1) {
    return 1 / (1 + Math.exp(z0 - z1));
  }

  private static double soft(double v, double t) {
    return Math.signum(v) * Math.max(Math.abs(v) - t, 0);
  }

  private static Message dense(double... w) {
    return Message.builder().vector(FedSlrServer.PARAMS, w).build();
  }

  @Test
  void stageOneIsFedDynsLocalProblemAndUpdatesTheDual() {
    // two epochs on the one example, so the second step feels the pull α(w − W)
    FedSlrClient c = new FedSlrClient(new LocalTraining(2, 1, ETA), ALPHA, 0.0, 1);
    double[] global = {0.2, 0, 0, 0};
    double[] mu = {0.1, -0.2, 0, 0.3};
    ClientState st = ClientState.of(FedSlrClient.DUAL, mu).with(FedSlrClient.SPARSE, new double[4]);
    FitResult r = c.fit(ctx, st, dense(global));
    // step 1 at w = W (pull 0): g = ∇F(W) − μ, logits (0.2, 0)
    double q = p1(0.2, 0);
    double[] w1 = new double[4];
    double[] g1 = {1 - q, q - 1, 1 - q, q - 1};
    for (int i = 0; i < 4; i++) {
      w1[i] = global[i] - ETA * (g1[i] - mu[i]);
    }
    // step 2: g = ∇F(w1) + α(w1 − W) − μ
    double q2 = p1(w1[0] + w1[2], w1[1] + w1[3]);
    double[] g2 = {1 - q2, q2 - 1, 1 - q2, q2 - 1};
    double[] w2 = new double[4];
    double[] delta = new double[4];
    double[] nextMu = new double[4];
    for (int i = 0; i < 4; i++) {
      w2[i] = w1[i] - ETA * (g2[i] + ALPHA * (w1[i] - global[i]) - mu[i]);
      delta[i] = w2[i] - global[i];
      nextMu[i] = mu[i] + ALPHA * (global[i] - w2[i]);
    }
    assertArrayEquals(delta, r.update().vector(FedSlrServer.DELTA), 1e-15);
    assertFalse(r.update().scalars().containsKey(FedAvgServer.WEIGHT), "uploads are averaged uniformly");
    assertArrayEquals(nextMu, r.state().vector(FedSlrClient.DUAL), 1e-15);
    // λ_s = 0: the sparse part takes a plain step at W + 0 = W, from the received W (not the trained w)
    assertArrayEquals(new double[] {-ETA * (1 - q), -ETA * (q - 1), -ETA * (1 - q), -ETA * (q - 1)},
        r.state().vector(FedSlrClient.SPARSE), 1e-15);
  }

  @Test
  void stageTwoTrainsTheSparsePartOnWPlusPAndSoftThresholdsIt() {
    double lambdaS = 0.7; // threshold η·λ_s = 0.07
    FedSlrClient c = new FedSlrClient(new LocalTraining(1, 1, ETA), ALPHA, lambdaS, 1);
    double[] global = {0.2, 0, 0, 0};
    double[] p = {0.3, 0, 0, 0};
    ClientState st = ClientState.of(FedSlrClient.DUAL, new double[4]).with(FedSlrClient.SPARSE, p);
    FitResult r = c.fit(ctx, st, dense(global));
    // logits at W + P: (0.5, 0); P ← soft(P − η ∇F(W + P), 0.07)
    double q = p1(0.5, 0);
    double[] g = {1 - q, q - 1, 1 - q, q - 1};
    double[] expected = new double[4];
    for (int i = 0; i < 4; i++) {
      expected[i] = soft(p[i] - ETA * g[i], ETA * lambdaS);
    }
    // 0.3 − 0.0622 − 0.07 ≈ 0.168 survives; the others, |0.0622| < 0.07, are zeroed
    assertEquals(0.0, expected[1]);
    assertEquals(0.168, expected[0], 1e-3);
    assertArrayEquals(expected, r.state().vector(FedSlrClient.SPARSE), 1e-15);
    assertEquals(0.25, r.metrics().get(FedSlrClient.DENSITY), 0.0);
    // personalized model: the received W plus the client's P
    double[] pers = c.personalModel(ctx, r.state(), dense(1, 2, 3, 4));
    assertArrayEquals(new double[] {1 + expected[0], 2, 3, 4}, pers, 1e-15);
    assertEquals(1.0, FedSlrClient.density(new double[] {1, -2}));
    assertEquals(0.5, FedSlrClient.density(new double[] {0, -2}));
  }

  @Test
  void initialStateIsZeroDualAndZeroSparsePart() {
    ClientState s = new FedSlrClient(new LocalTraining(1, 1, ETA), ALPHA, 0.1, 1).initialState(ctx);
    assertArrayEquals(new double[4], s.vector(FedSlrClient.DUAL), 0.0);
    assertArrayEquals(new double[4], s.vector(FedSlrClient.SPARSE), 0.0);
  }

  private static Message upload(double[] w, double[] b) {
    double[] d = new double[12];
    System.arraycopy(w, 0, d, 0, 9);
    System.arraycopy(b, 0, d, 9, 3);
    return Message.builder().vector(FedSlrServer.DELTA, d).build();
  }

  private static double[] diag(double a, double b, double c) {
    return new double[] {a, 0, 0, 0, b, 0, 0, 0, c};
  }

  @Test
  void serverAveragesUniformlyCorrectsByFedDynsHAndThresholdsSingularValues() {
    Model m3 = new SoftmaxRegression(3, 3, 0.0);
    FedSlrServer s = new FedSlrServer(m3, ALPHA, 0.25, 0);
    s.initialize(new ServerContext(m3, new DatasetInfo("t", 3, 3, new int[] {5, 5, 5, 5}, new int[4]), null, 7));
    assertEquals(List.of("rank_W"), s.serverMetrics());
    assertArrayEquals(new double[12], s.configureFit(1, new int[] {0, 1}).broadcast().vector(FedSlrServer.PARAMS), 0.0);

    UpdateAccumulator acc = new UpdateAccumulator(s.aggregation());
    acc.add(0, upload(diag(2, 0.4, 0.4), new double[] {1, -1, 0}));
    acc.add(1, upload(diag(4, 0.2, 0), new double[] {3, 1, 0}));
    s.aggregateFit(1, acc.result());
    // Σ Δ = (diag(6, 0.6, 0.4), (4, 0, 0)); h = −(α/N) Σ Δ = −0.125 Σ Δ
    // X = W + Σ Δ/2 − h/α = 0.5 Σ Δ + 0.25 Σ Δ = (diag(4.5, 0.45, 0.3), (3, 0, 0))
    double[] h1 = {-0.75, 0, 0, 0, -0.075, 0, 0, 0, -0.05, -0.5, 0, 0};
    assertArrayEquals(h1, s.h(), 1e-15);
    // SVT by 0.5: σ = (4.5, 0.45, 0.3) → (4, 0, 0): rank 1, sent as two 3-vectors (6 < 9 values)
    assertEquals(1.0, s.metrics().get("rank_W"));
    Message msg = s.configureFit(2, new int[] {0}).broadcast();
    assertArrayEquals(new double[] {3, 0, 0}, msg.vector(FedSlrServer.PARAMS), 1e-15);
    double[] left = msg.vector("W" + FedSlrServer.LEFT);
    double[] right = msg.vector("W" + FedSlrServer.RIGHT);
    assertEquals(3, left.length);
    assertEquals(3, right.length);
    // L = U√S, R = √S Vᵀ: both ±(2, 0, 0) with the same sign
    assertEquals(2.0, Math.abs(left[0]), 1e-14);
    assertEquals(4.0, left[0] * right[0], 1e-14);
    double[] w1 = {4, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0};
    double[] global = s.globalModel().orElseThrow();
    assertArrayEquals(w1, global, 1e-14);
    // a client rebuilds exactly the server's W
    assertArrayEquals(global, FedSlrServer.decode(msg, m3.layout()), 0.0);
    assertArrayEquals(global, FedSlrServer.decode(s.configureEvaluate(2).broadcast(), m3.layout()), 0.0);

    // round 2, one client uploads only a bias change; h keeps the mean over all four clients
    UpdateAccumulator acc2 = new UpdateAccumulator(s.aggregation());
    acc2.add(3, upload(new double[9], new double[] {0.4, 0, 0}));
    s.aggregateFit(2, acc2.result());
    double[] h2 = h1.clone();
    h2[9] -= 0.125 * 0.4; // −0.55
    assertArrayEquals(h2, s.h(), 1e-15);
    // X_W = diag(4, 0, 0) − h_W/α = diag(5.5, 0.15, 0.1) → SVT: diag(5, 0, 0); X_b = (3 + 0.4 + 1.1, 0, 0)
    assertArrayEquals(new double[] {5, 0, 0, 0, 0, 0, 0, 0, 0, 4.5, 0, 0}, s.globalModel().orElseThrow(), 1e-14);
    assertEquals(1.0, s.metrics().get("rank_W"));
  }

  @Test
  void aMatrixWhoseFactorsAreNotSmallerTravelsDense() {
    Model m3 = new SoftmaxRegression(3, 3, 0.0);
    FedSlrServer s = new FedSlrServer(m3, ALPHA, 0.0, 0);
    s.initialize(new ServerContext(m3, new DatasetInfo("t", 3, 3, new int[] {5, 5}, new int[2]), null, 7));
    UpdateAccumulator acc = new UpdateAccumulator(s.aggregation());
    acc.add(0, upload(diag(2, 1, 0.5), new double[] {1, 2, 3}));
    s.aggregateFit(1, acc.result());
    // N = 2, one upload: h = −0.25 Δ, X = Δ + 0.5 Δ = 1.5 Δ; τ = 0 keeps rank 3: 3·6 ≥ 9, so dense
    Message msg = s.configureFit(2, new int[] {0}).broadcast();
    assertEquals(List.of(FedSlrServer.PARAMS), List.copyOf(msg.vectors().keySet()));
    assertArrayEquals(new double[] {3, 0, 0, 0, 1.5, 0, 0, 0, 0.75, 1.5, 3, 4.5}, msg.vector(FedSlrServer.PARAMS), 1e-14);
    assertEquals(3.0, s.metrics().get("rank_W"));
  }

  @Test
  void factorsRebuildTheirProduct() {
    double[] left = {1, 2, 3, 4, 5, 6}; // 3 × 2
    double[] right = {1, 0, -1, 2, 1, 0, 0.5, 0}; // 2 × 4
    double[] out = new double[3 + 12];
    FedSlrServer.product(left, right, 3, 4, out, 3);
    double[] expected = new double[12];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 4; j++) {
        expected[i * 4 + j] = left[i * 2] * right[j] + left[i * 2 + 1] * right[4 + j];
      }
    }
    assertArrayEquals(expected, java.util.Arrays.copyOfRange(out, 3, 15), 0.0);
    double[] zero = {9, 9, 9, 9};
    FedSlrServer.product(new double[0], new double[0], 2, 2, zero, 0);
    assertArrayEquals(new double[4], zero, 0.0);
  }

  @Test
  void theShippedConfigBuildsFedSlrWithThePapersDefaults() {
    org.fedspark.config.FedConfig cfg = org.fedspark.run.FedSpark.loadConfig("conf/fmnist-fedslr.conf", List.of());
    assertEquals(0.1, cfg.getDouble(org.fedspark.config.Keys.FEDSLR_ALPHA));
    assertEquals(1e-4, cfg.getDouble(org.fedspark.config.Keys.FEDSLR_RANK_THRESHOLD));
    assertEquals(1e-3, cfg.getDouble(org.fedspark.config.Keys.FEDSLR_SPARSE_THRESHOLD));
    Model mlp = new org.fedspark.model.Mlp(784, 128, 10, 1e-3);
    FederatedAlgorithm a = Algorithms.create(cfg, mlp);
    assertTrue(a.server() instanceof FedSlrServer && a.client() instanceof FedSlrClient);
    assertEquals(List.of("rank_W1", "rank_W2"), a.server().serverMetrics());
    assertEquals(List.of(FedSlrClient.DENSITY), a.client().clientMetrics().stream().map(m -> m.name()).toList());
  }
}
