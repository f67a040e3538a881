package org.fedspark.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Checks {@code x = prox_{t‖·‖_p}(v)} for p = 1, 2, ∞ against its definition, the unique minimiser of
 * {@code F(y) = ½‖y − v‖² + t‖y‖_p}, in two independent ways:
 *
 * <ol>
 *   <li>Optimality, exactly: x is the minimiser iff {@code g = v − x} is a subgradient of {@code t‖·‖_p}
 *       at x, i.e. iff {@code ‖g‖_q ≤ t} and {@code ⟨g, x⟩ = t‖x‖_p} (q the dual exponent). Both sides
 *       are sums of at most 40 terms bounded by {@code S² = (1 + ‖v‖₂)²}, so rounding is below
 *       {@code 40·ε·S² ≈ 1e-14·S²}; the tolerance {@code 1e-12·S²} leaves a factor 100.
 *   <li>Numerically, by the definition: F is 1-strongly convex, so for every δ,
 *       {@code F(x + δ) − F(x) ≥ ½‖δ‖²} exactly at the minimiser. We try 300 perturbations per case,
 *       dense and single-coordinate (the kinks of the norms lie along coordinates), of sizes 1e-1 to
 *       1e-3, where {@code ½‖δ‖² ≥ 5e-7} dwarfs the rounding of F (about 1e-14).
 * </ol>
 */
class ProxTest {
  private static final double INF = Double.POSITIVE_INFINITY;

  @Test
  void softThresholdIsTheL1Prox() {
    checkMany(1, 101);
  }

  @Test
  void blockSoftThresholdIsTheL2Prox() {
    checkMany(2, 102);
  }

  @Test
  void linfProxIsTheLinfProx() {
    checkMany(INF, 103);
  }

  /** Random lengths, scales and thresholds around the norm where the prox switches to zero. */
  private static void checkMany(double p, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] factors = {0.05, 0.3, 0.7, 0.95, 1.05, 2.0};
    int zeros = 0;
    int nonZeros = 0;
    for (int trial = 0; trial < 120; trial++) {
      int n = 1 + rng.nextInt(40);
      double[] v = new double[n];
      double scale = Math.pow(10, rng.nextDouble(-1, 1));
      boolean ties = trial % 4 == 0; // integer entries: equal magnitudes exercise ties in the ℓ1-ball threshold
      for (int i = 0; i < n; i++) {
        v[i] = ties ? rng.nextInt(-3, 4) : scale * rng.nextGaussian();
      }
      double dualNorm = norm(v, p == 1 ? INF : p == 2 ? 2 : 1);
      double t = factors[trial % factors.length] * dualNorm;
      double[] x = Prox.prox(v, p, t);
      checkOptimality(v, x, p, t);
      checkPerturbations(v, x, p, t, rng);
      if (norm(x, 2) == 0) {
        zeros++;
      } else {
        nonZeros++;
      }
    }
    assertTrue(zeros >= 10 && nonZeros >= 10, "both regimes must be covered: " + zeros + " zero, " + nonZeros + " non-zero");
  }

  static void checkOptimality(double[] v, double[] x, double p, double t) {
    double q = p == 1 ? INF : p == 2 ? 2 : 1;
    double s = 1 + norm(v, 2);
    double tol = 1e-12 * s * s;
    double[] g = new double[v.length];
    double inner = 0;
    for (int i = 0; i < v.length; i++) {
      g[i] = v[i] - x[i];
      inner += g[i] * x[i];
    }
    assertTrue(norm(g, q) <= t + tol, "‖v − x‖_q = " + norm(g, q) + " > t = " + t + " for p = " + p);
    assertEquals(t * norm(x, p), inner, tol, "⟨v − x, x⟩ ≠ t‖x‖_p for p = " + p);
  }

  static void checkPerturbations(double[] v, double[] x, double p, double t, SplittableRandom rng) {
    double fx = objective(v, x, p, t);
    double[] y = new double[x.length];
    for (int k = 0; k < 300; k++) {
      double size = Math.pow(10, -1 - 2 * rng.nextDouble());
      double dd = 0;
      if (k % 2 == 0) {
        for (int i = 0; i < x.length; i++) {
          double d = size * rng.nextGaussian();
          y[i] = x[i] + d;
          dd += d * d;
        }
      } else {
        System.arraycopy(x, 0, y, 0, x.length);
        int i = rng.nextInt(x.length);
        double d = rng.nextBoolean() ? size : -size;
        y[i] += d;
        dd = d * d;
      }
      double gain = objective(v, y, p, t) - fx;
      assertTrue(gain >= 0.5 * dd * (1 - 1e-6) - 1e-12,
          "F(x + δ) − F(x) = " + gain + " < ½‖δ‖² = " + 0.5 * dd + " for p = " + p);
    }
  }

  static double objective(double[] v, double[] y, double p, double t) {
    double s = 0;
    for (int i = 0; i < v.length; i++) {
      s += (y[i] - v[i]) * (y[i] - v[i]);
    }
    return 0.5 * s + t * norm(y, p);
  }

  static double norm(double[] v, double p) {
    double s = 0;
    for (double x : v) {
      s = p == 1 ? s + Math.abs(x) : p == 2 ? s + x * x : Math.max(s, Math.abs(x));
    }
    return p == 2 ? Math.sqrt(s) : s;
  }

  /** The shrinkage formula with the dual norm is the prox only for p = 2 (as the Javadoc says). */
  @Test
  void dualNormShrinkageIsNotTheProxForPInfinity() {
    double[] v = {3, 1, -0.5};
    double t = 2;
    double[] naive = new double[3];
    double scale = Math.max(0, 1 - t / norm(v, 1)); // (1 − t/‖v‖₁)₊·v
    for (int i = 0; i < 3; i++) {
      naive[i] = scale * v[i];
    }
    double[] x = Prox.prox(v, INF, t);
    // Here ‖v‖₁ = 4.5 > 2; the ℓ1-ball threshold is θ = 1 (only the 3 exceeds it: 3 − θ = 2), so x = (1, 1, −0.5).
    assertArrayEquals(new double[] {1, 1, -0.5}, x, 1e-15);
    assertTrue(objective(v, naive, INF, t) > objective(v, x, INF, t) + 0.1);
  }

  @Test
  void zeroThresholdIsIdentityAndHugeThresholdIsZero() {
    double[] v = {1.5, -2, 0, 1e-300, -7e5};
    for (double p : new double[] {1, 2, INF}) {
      assertArrayEquals(v, Prox.prox(v, p, 0), 0.0, "t = 0, p = " + p);
      assertArrayEquals(new double[v.length], Prox.prox(v, p, 1e300), 0.0, "huge t, p = " + p);
      assertArrayEquals(new double[4], Prox.prox(new double[4], p, 0.5), 0.0, "zero vector, p = " + p);
    }
  }

  @Test
  void rejectsNonFiniteInputAndBadThresholds() {
    double[] nan = {1, Double.NaN, 2};
    double[] inf = {1, Double.NEGATIVE_INFINITY};
    for (double p : new double[] {1, 2, INF}) {
      assertThrows(IllegalArgumentException.class, () -> Prox.prox(nan, p, 0.5));
      assertThrows(IllegalArgumentException.class, () -> Prox.prox(nan, p, 0));
      assertThrows(IllegalArgumentException.class, () -> Prox.prox(inf, p, 0.5));
      assertThrows(IllegalArgumentException.class, () -> Prox.prox(new double[] {1}, p, -1));
      assertThrows(IllegalArgumentException.class, () -> Prox.prox(new double[] {1}, p, Double.NaN));
    }
    assertThrows(IllegalArgumentException.class, () -> Prox.prox(new double[] {1}, 3, 0.5));
  }

  /** The slice forms touch only their slice, and in-place equals out-of-place. */
  @Test
  void slicesInPlaceAndIntoOutput() {
    SplittableRandom rng = new SplittableRandom(7);
    double[] buf = new double[20];
    for (int i = 0; i < buf.length; i++) {
      buf[i] = rng.nextGaussian();
    }
    double[] slice = Arrays.copyOfRange(buf, 5, 13);
    double t = 0.6;
    for (double p : new double[] {1, 2, INF}) {
      double[] expected = Prox.prox(slice, p, t);
      double[] inPlace = buf.clone();
      double[] out = new double[30];
      Arrays.fill(out, 9);
      double[] work = new double[8];
      if (p == 1) {
        Prox.softThreshold(inPlace, 5, 8, t);
        Prox.softThreshold(buf, 5, 8, t, out, 11);
      } else if (p == 2) {
        Prox.blockSoftThreshold(inPlace, 5, 8, t);
        Prox.blockSoftThreshold(buf, 5, 8, t, out, 11);
      } else {
        Prox.linfProx(inPlace, 5, 8, t, work);
        Prox.linfProx(buf, 5, 8, t, out, 11, work);
      }
      assertArrayEquals(expected, Arrays.copyOfRange(inPlace, 5, 13), 0.0);
      assertArrayEquals(expected, Arrays.copyOfRange(out, 11, 19), 0.0);
      assertArrayEquals(Arrays.copyOfRange(buf, 0, 5), Arrays.copyOfRange(inPlace, 0, 5), 0.0);
      assertArrayEquals(Arrays.copyOfRange(buf, 13, 20), Arrays.copyOfRange(inPlace, 13, 20), 0.0);
      assertEquals(9, out[10]);
      assertEquals(9, out[19]);
    }
  }

  /** The scaled norm does not overflow where the naive sum of squares would (1e200² = inf). */
  @Test
  void blockSoftThresholdOnHugeEntries() {
    double[] v = {3e200, 4e200};
    double[] x = Prox.prox(v, 2, 1e200); // ‖v‖ = 5e200, so x = (1 − 1/5)·v
    assertArrayEquals(new double[] {2.4e200, 3.2e200}, x, 1e186);
  }
}
