package org.fedspark.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Condat's ℓ1-ball projection against the sort-based algorithm of Duchi, Shalev-Shwartz, Singer and
 * Chandra (ICML 2008, Figure 1), a different method for the same threshold θ. Both compute θ as
 * {@code (Σ_{top ρ} |v| − t)/ρ} from sums of at most 500 terms of size ≤ max|v|, so they agree to about
 * {@code 500·ε·max|v| ≈ 1e-13·max|v|}; we allow {@code 1e-12·max|v|}.
 */
class L1BallTest {

  /** Duchi et al.: sort |v| descending, ρ = max{j : u_j > (Σ_{i≤j} u_i − t)/j}, θ = (Σ_{i≤ρ} u_i − t)/ρ. */
  static double sortBasedThreshold(double[] v, double t) {
    double[] u = Arrays.stream(v).map(Math::abs).sorted().toArray();
    double l1 = Arrays.stream(u).sum();
    if (l1 <= t) {
      return 0;
    }
    double cumulative = 0;
    double theta = 0;
    for (int j = 1; j <= u.length; j++) {
      double uj = u[u.length - j];
      cumulative += uj;
      double candidate = (cumulative - t) / j;
      if (uj > candidate) {
        theta = candidate;
      }
    }
    return theta;
  }

  @Test
  void thresholdMatchesSortBasedAlgorithm() {
    SplittableRandom rng = new SplittableRandom(31);
    for (int trial = 0; trial < 400; trial++) {
      int n = 1 + rng.nextInt(trial < 200 ? 12 : 500);
      double[] v = new double[n];
      int kind = trial % 4;
      for (int i = 0; i < n; i++) {
        v[i] = switch (kind) {
          case 0 -> rng.nextGaussian();
          case 1 -> rng.nextInt(-4, 5); // ties and zeros
          case 2 -> Math.exp(5 * rng.nextGaussian()) * (rng.nextBoolean() ? 1 : -1); // wide dynamic range
          default -> rng.nextDouble() < 0.7 ? 0 : rng.nextGaussian(); // mostly zeros
        };
      }
      double l1 = Arrays.stream(v).map(Math::abs).sum();
      double t = l1 * rng.nextDouble(0, 1.2);
      double expected = sortBasedThreshold(v, t);
      double actual = L1Ball.threshold(v, t);
      double maxAbs = DenseCheck.maxAbs(v);
      assertEquals(expected, actual, 1e-12 * maxAbs, "trial " + trial + ", n = " + n + ", t = " + t);
      double[] x = L1Ball.project(v, t);
      double xl1 = Arrays.stream(x).map(Math::abs).sum();
      if (l1 > t) {
        assertEquals(t, xl1, 1e-12 * Math.max(l1, 1), "projection must land on the sphere ‖x‖₁ = t");
      } else {
        assertArrayEquals(v, x, 0.0, "a point inside the ball is its own projection");
      }
    }
  }

  @Test
  void edgeCases() {
    double[] v = {2, -1, 0.5};
    assertArrayEquals(new double[3], L1Ball.project(v, 0), 0.0);
    assertEquals(2, L1Ball.threshold(v, 0));
    assertArrayEquals(v, L1Ball.project(v, 3.5), 0.0);
    assertArrayEquals(new double[2], L1Ball.project(new double[2], 1), 0.0);
    assertArrayEquals(new double[] {1.0}, L1Ball.project(new double[] {3}, 1), 0.0);
    assertThrows(IllegalArgumentException.class, () -> L1Ball.project(new double[] {Double.NaN, 1}, 1));
    assertThrows(IllegalArgumentException.class, () -> L1Ball.project(new double[] {1}, -1));
    assertThrows(IllegalArgumentException.class, () -> L1Ball.project(new double[] {1}, Double.POSITIVE_INFINITY));
  }

  @Test
  void sliceLeavesTheRestAlone() {
    double[] buf = {9, 3, -4, 1, 9};
    double[] work = new double[3];
    L1Ball.project(buf, 1, 3, 2, buf, 1, work); // |(3, −4, 1)| onto radius 2: θ = 2.5 → (0.5, −1.5, 0)
    assertArrayEquals(new double[] {9, 0.5, -1.5, 0, 9}, buf, 1e-15);
  }
}
