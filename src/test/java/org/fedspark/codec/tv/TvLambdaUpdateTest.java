package org.fedspark.codec.tv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TvLambdaUpdateTest {

  /** F(y) = ⟨g, y⟩ + γ‖Λ(y − x)‖₁ + ‖y − x‖²/(2η), the client's problem as posed. */
  static double clientObjective(double[] g, double[] x, double eta, double gamma, double[] y) {
    double[] u = new double[y.length];
    double f = 0;
    for (int i = 0; i < y.length; i++) {
      u[i] = y[i] - x[i];
      f += g[i] * y[i] + u[i] * u[i] / (2 * eta);
    }
    for (double r : TvReference.lambdaTimes(u)) {
      f += gamma * Math.abs(r);
    }
    return f;
  }

  /**
   * ∇ from the closed reformulation agrees with the client problem as posed, for several η and x_t:
   * v = x_t − η∇ is compared with the independent dual solve of that problem (u = a − Λᵀs with
   * a = −ηg, λ = ηγ), and F(v) is not above F(v_ref) beyond rounding.
   */
  @Test
  void solvesTheClientProblemForEveryStepSize() {
    SplittableRandom rng = new SplittableRandom(31);
    LambdaUpdate update = LambdaUpdate.exact();
    for (int trial = 0; trial < 200; trial++) {
      int d = 1 + rng.nextInt(10);
      double[] g = TvDenoiseTest.signal(rng, d, trial % 3);
      double gamma = Math.exp(rng.nextDouble(-3, 1));
      double[] grad = update.fromGradient(g, gamma, new double[d]);
      for (double eta : new double[] {1e-3, 0.1, 5}) {
        double[] x = new double[d];
        double[] a = new double[d];
        for (int i = 0; i < d; i++) {
          x[i] = rng.nextGaussian();
          a[i] = -eta * g[i];
        }
        double[] s = TvReference.dualByCoordinateAscent(a, eta * gamma, true, 2_000_000);
        double[] t = TvReference.lambdaTransposeTimes(s);
        double[] vRef = new double[d];
        double[] v = new double[d];
        for (int i = 0; i < d; i++) {
          vRef[i] = x[i] + a[i] - t[i];
          v[i] = x[i] - eta * grad[i];
        }
        for (int i = 0; i < d; i++) {
          assertEquals((x[i] - vRef[i]) / eta, grad[i], 1e-7 * (1 + Math.abs(grad[i])), "trial " + trial);
        }
        double fRef = clientObjective(g, x, eta, gamma, vRef);
        double f = clientObjective(g, x, eta, gamma, v);
        double size = 0;
        for (int i = 0; i < d; i++) {
          size += Math.abs(g[i] * x[i]) + Math.abs(g[i] * v[i]);
        }
        assertTrue(f <= fRef + 1e-13 * size, "F(v) " + f + " > F(v_ref) " + fRef);
      }
    }
  }

  /** Zero exactly iff γ ≥ max_k |Σ_{i≤k} g_i|, for both solvers, tested on both sides. */
  @Test
  void vanishesExactlyFromThePrefixSumThresholdOn() {
    SplittableRandom rng = new SplittableRandom(32);
    for (LambdaUpdate update : new LambdaUpdate[] {LambdaUpdate.exact(), LambdaUpdate.admm(new TvAdmm.Options(3, 50_000, 1e-12))}) {
      for (int trial = 0; trial < 30; trial++) {
        int d = 1 + rng.nextInt(300);
        double[] g = TvDenoiseTest.signal(rng, d, trial % 2);
        double m = LambdaUpdate.maxAbsPrefixSum(g);
        for (double gamma : new double[] {m, Math.nextUp(m), 2 * m}) {
          for (double v : update.fromGradient(g, gamma, new double[d])) {
            assertEquals(0.0, v, 0.0);
          }
        }
        double[] below = update.fromGradient(g, m * (1 - 1e-6), new double[d]);
        double largest = 0;
        for (double v : below) {
          largest = Math.max(largest, Math.abs(v));
        }
        assertTrue(largest > 0, update.solver() + " trial " + trial + " zero below the threshold");
      }
    }
  }

  @Test
  void admmAgreesWithExact() {
    SplittableRandom rng = new SplittableRandom(33);
    LambdaUpdate exact = LambdaUpdate.exact();
    LambdaUpdate admm = LambdaUpdate.admm(new TvAdmm.Options(10, 200_000, 1e-11));
    for (int trial = 0; trial < 10; trial++) {
      int d = 500;
      double[] g = TvDenoiseTest.signal(rng, d, 1);
      double gamma = 0.3 * LambdaUpdate.maxAbsPrefixSum(g) * rng.nextDouble();
      double[] e = exact.fromGradient(g, gamma, new double[d]);
      double[] q = admm.fromGradient(g, gamma, new double[d]);
      assertTrue(admm.lastReport().converged(), admm.lastReport().toString());
      double err = 0;
      double scale = 0;
      for (int i = 0; i < d; i++) {
        err = Math.max(err, Math.abs(e[i] - q[i]));
        scale = Math.max(scale, Math.abs(e[i]));
      }
      assertTrue(err <= 1e-7 * scale, "error " + err / scale + " " + admm.lastReport());
    }
  }

  @Test
  void deltaIsMinusEtaTimesGradient() {
    SplittableRandom rng = new SplittableRandom(34);
    double[] delta = TvDenoiseTest.signal(rng, 100, 1);
    double eta = 0.25;
    double[] g = new double[100];
    for (int i = 0; i < 100; i++) {
      g[i] = -delta[i] / eta;
    }
    LambdaUpdate update = LambdaUpdate.exact();
    double[] expected = update.fromGradient(g, 2.0, new double[100]);
    assertArrayEquals(expected, update.fromDelta(delta, eta, 2.0, new double[100]), 0.0);
    update.fromDelta(delta, eta, 2.0, delta);
    assertArrayEquals(expected, delta, 0.0);
  }

  @Test
  void rejectsNonFiniteInput() {
    LambdaUpdate update = LambdaUpdate.exact();
    assertThrows(IllegalArgumentException.class, () -> update.fromGradient(new double[] {0, Double.NaN}, 1, new double[2]));
    assertThrows(IllegalArgumentException.class, () -> update.fromGradient(new double[] {Double.NEGATIVE_INFINITY}, 1, new double[1]));
    assertThrows(IllegalArgumentException.class, () -> update.fromGradient(new double[] {1}, Double.NaN, new double[1]));
    assertThrows(IllegalArgumentException.class, () -> update.fromGradient(new double[] {1}, Double.POSITIVE_INFINITY, new double[1]));
    assertThrows(IllegalArgumentException.class, () -> update.fromDelta(new double[] {Double.NaN}, 1, 1, new double[1]));
    assertThrows(IllegalArgumentException.class, () -> update.fromDelta(new double[] {1}, 0, 1, new double[1]));
  }
}
