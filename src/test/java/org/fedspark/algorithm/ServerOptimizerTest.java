package org.fedspark.algorithm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fedspark.codec.Message;
import org.fedspark.config.ConfigException;
import org.fedspark.config.FedConfig;
import org.fedspark.model.Model;
import org.fedspark.model.SoftmaxRegression;
import org.fedspark.server.ServerContext;
import org.fedspark.server.UpdateAccumulator;
import org.junit.jupiter.api.Test;

/**
 * The server optimizers of Reddi et al. (ICLR 2021, Algorithm 2), one or two steps each, against the
 * formulas evaluated by hand with β₁ = 0.9, β₂ = 0.99, τ = 0.1, η_s = 0.5, from x = 0, m = 0, v = τ² = 0.01
 * and the mean update Δ = (0.5, −2): m = 0.1·Δ = (0.05, −0.2) for every adaptive variant.
 */
class ServerOptimizerTest {
  private static final double[] DELTA = {0.5, -2};

  private static double[] oneStep(String kind) {
    ServerOptimizer o = ServerOptimizer.of(kind, 0.9, 0.99, 0.1);
    double[] x = new double[2];
    o.step(x, DELTA, 0.5);
    return x;
  }

  @Test
  void adagradAddsTheSquaredUpdate() {
    // v = 0.01 + Δ² = (0.26, 4.01)
    assertArrayEquals(new double[] {0.5 * 0.05 / (Math.sqrt(0.26) + 0.1), 0.5 * -0.2 / (Math.sqrt(4.01) + 0.1)},
        oneStep("adagrad"), 1e-15);
  }

  @Test
  void adamAveragesTheSquaredUpdate() {
    // v = 0.99·0.01 + 0.01·Δ² = (0.0124, 0.0499)
    assertArrayEquals(new double[] {0.5 * 0.05 / (Math.sqrt(0.0124) + 0.1), 0.5 * -0.2 / (Math.sqrt(0.0499) + 0.1)},
        oneStep("adam"), 1e-15);
  }

  @Test
  void yogiMovesTheSecondMomentAdditivelyTowardTheSquaredUpdate() {
    // Δ² > v: v grows by 0.01·Δ², v = (0.0125, 0.05)
    assertArrayEquals(new double[] {0.5 * 0.05 / (Math.sqrt(0.0125) + 0.1), 0.5 * -0.2 / (Math.sqrt(0.05) + 0.1)},
        oneStep("yogi"), 1e-15);
    // second step with Δ = (0.1, 0): now Δ² < v, so v shrinks by 0.01·Δ²:
    // m = (0.9·0.05 + 0.01, 0.9·(−0.2)) = (0.055, −0.18), v = (0.0125 − 0.0001, 0.05)
    ServerOptimizer o = ServerOptimizer.of("yogi", 0.9, 0.99, 0.1);
    double[] x = new double[2];
    o.step(x, DELTA, 0.5);
    double[] after1 = x.clone();
    o.step(x, new double[] {0.1, 0}, 0.5);
    assertEquals(after1[0] + 0.5 * 0.055 / (Math.sqrt(0.0124) + 0.1), x[0], 1e-15);
    assertEquals(after1[1] + 0.5 * -0.18 / (Math.sqrt(0.05) + 0.1), x[1], 1e-15);
    // Adam would have lowered v[1] to 0.99·0.05 instead: the two differ
    ServerOptimizer adam = ServerOptimizer.of("adam", 0.9, 0.99, 0.1);
    double[] y = new double[2];
    adam.step(y, DELTA, 0.5);
    adam.step(y, new double[] {0.1, 0}, 0.5);
    assertTrue(Math.abs(y[1] - x[1]) > 1e-4);
  }

  @Test
  void sgdIsPlainAveragingBitForBit() {
    Model model = new SoftmaxRegression(3, 2, 0.0);
    ParamSplit split = ParamSplit.allShared(model);
    FedAvgServer plain = new FedAvgServer(split, Schedule.constant(1.0));
    FedAvgServer sgd = new FedAvgServer(split, Schedule.constant(1.0), ServerOptimizer.of("sgd", 0.9, 0.99, 1e-3));
    double[][] deltas = {{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8}, {1e-7, -3, 0.25, 1.0 / 3, 5, -0.1, 0, 9}};
    double[] weights = {3, 7};
    double[] init = split.initial(7);
    double[] mean = null;
    for (FedAvgServer s : List.of(plain, sgd)) {
      s.initialize(new ServerContext(model, null, null, 7));
      for (int round = 1; round <= 2; round++) {
        UpdateAccumulator acc = new UpdateAccumulator(s.aggregation());
        for (int i = 0; i < 2; i++) {
          acc.add(i, Message.builder().vector(FedAvgServer.DELTA, deltas[i]).scalar(FedAvgServer.WEIGHT, weights[i]).build());
        }
        mean = acc.result().weightedMean(FedAvgServer.DELTA);
        s.aggregateFit(round, acc.result());
      }
    }
    double[] a = plain.configureFit(3, new int[0]).broadcast().vector(FedAvgServer.PARAMS);
    double[] b = sgd.configureFit(3, new int[0]).broadcast().vector(FedAvgServer.PARAMS);
    assertArrayEquals(a, b, 0.0);
    for (int i = 0; i < 8; i++) {
      // (3·Δ₁ + 7·Δ₂)/10, to the rounding of one division
      assertEquals((3 * deltas[0][i] + 7 * deltas[1][i]) / 10, mean[i], 1e-15);
      assertEquals(init[i] + mean[i] + mean[i], a[i], 0.0, "two rounds of x ← x + mean Δ");
    }
  }

  @Test
  void theKeysPickTheOptimizerAndRefuseItWhereNoAveragingServerIsUsed() {
    Model model = new SoftmaxRegression(3, 2, 0.0);
    FederatedAlgorithm a = Algorithms.create(FedConfig.parse("server { optimizer = yogi, lr = 0.01 }", "t", List.of()), model);
    assertTrue(a.server() instanceof FedAvgServer);
    assertThrows(ConfigException.class, () -> Algorithms.create(
        FedConfig.parse("algorithm.name = fedslr\nserver.optimizer = adam", "t", List.of()), model));
    assertThrows(ConfigException.class, () -> Algorithms.create(
        FedConfig.parse("algorithm.name = local\nserver.optimizer = adam", "t", List.of()), model));
    assertThrows(IllegalArgumentException.class, () -> ServerOptimizer.of("adam", 0.9, 1.0, 1e-3));
  }
}
