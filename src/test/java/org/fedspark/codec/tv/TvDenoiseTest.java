package org.fedspark.codec.tv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TvDenoiseTest {
  private final TvDenoise tv = new TvDenoise();

  /** Random signals of three kinds: white noise, a noisy staircase, and small integers (many ties). */
  static double[] signal(SplittableRandom rng, int d, int kind) {
    double[] a = new double[d];
    double level = 0;
    for (int i = 0; i < d; i++) {
      switch (kind) {
        case 0 -> a[i] = rng.nextGaussian();
        case 1 -> {
          if (rng.nextInt(8) == 0) {
            level = 3 * rng.nextGaussian();
          }
          a[i] = level + 0.3 * rng.nextGaussian();
        }
        default -> a[i] = rng.nextInt(5) - 2;
      }
    }
    return a;
  }

  /**
   * Weak-duality certificate against an independent dual solver: P(u_exact) − D(s_cd) ≤ 1e-12·P. Since
   * D(s) ≤ P(u*) for every feasible s, this bounds P(u_exact) − P(u*) no matter how good s is. The
   * coordinate ascent on d ≤ 12 converges far past 1e-12 in the sweeps allowed.
   */
  @Test
  void matchesIndependentDualSolverWithinOneInATrillion() {
    SplittableRandom rng = new SplittableRandom(11);
    double worstGap = 0;
    for (int trial = 0; trial < 600; trial++) {
      int d = 1 + rng.nextInt(12);
      double[] a = signal(rng, d, trial % 3);
      double lambda = Math.exp(rng.nextDouble(-4, 2));
      for (boolean pinned : new boolean[] {true, false}) {
        double[] u = pinned ? tv.pinned(a, lambda, new double[d]) : tv.plain(a, lambda, new double[d]);
        double[] s = TvReference.dualByCoordinateAscent(a, lambda, pinned, 2_000_000);
        double p = TvReference.objective(a, lambda, u, pinned);
        double lowerBound = TvReference.dualObjective(a, s);
        double gap = (p - lowerBound) / Math.max(p, 1e-300);
        worstGap = Math.max(worstGap, gap);
        assertTrue(gap <= 1e-12, "d=" + d + " pinned=" + pinned + " relative gap " + gap);
        // and the primal point of the dual solver agrees: ½‖u − u*‖² ≤ gap.
        double[] uDual = a.clone();
        double[] t = TvReference.lambdaTransposeTimes(s);
        for (int i = 0; i < d; i++) {
          uDual[i] -= t[i];
        }
        for (int i = 0; i < d; i++) {
          assertEquals(uDual[i], u[i], 1e-6 * (1 + Math.abs(u[i])), "entry " + i);
        }
      }
    }
    System.out.println("TvDenoise vs dual coordinate ascent: worst relative gap " + worstGap);
  }

  /**
   * Optimality (KKT) conditions on long signals: with s = prefix sums of a − u, |s_i| ≤ λ and
   * s_i = λ·sign((Λu)_i) where (Λu)_i ≠ 0. Tolerance 1e-13·(λ + max|a|)·√d (measured: 2e-15·√d): the
   * solver's roots carry rounding of order ε·(segment sums), accumulated over up to d entries of a
   * random-walk-like sum.
   */
  @Test
  void satisfiesOptimalityConditionsOnLongSignals() {
    SplittableRandom rng = new SplittableRandom(12);
    double worst = 0;
    for (int d : new int[] {50, 1000, 20_000}) {
      for (int kind = 0; kind < 3; kind++) {
        double[] a = signal(rng, d, kind);
        double amax = 0;
        for (double v : a) {
          amax = Math.max(amax, Math.abs(v));
        }
        for (double lambda : new double[] {1e-3, 0.1, 1, 10, 1000}) {
          for (boolean pinned : new boolean[] {true, false}) {
            double[] u = pinned ? tv.pinned(a, lambda, new double[d]) : tv.plain(a, lambda, new double[d]);
            double v = TvReference.kktViolation(a, lambda, u, pinned) / (lambda + amax);
            worst = Math.max(worst, v / Math.sqrt(d));
            assertTrue(v <= 1e-13 * Math.sqrt(d), "d=" + d + " kind=" + kind + " λ=" + lambda + " violation " + v);
          }
        }
      }
    }
    System.out.println("TvDenoise KKT: worst violation / ((λ + max|a|)·√d) = " + worst);
  }

  /**
   * The pinned problem equals plain TV on the antisymmetric extension b = (a_1…a_d, −a_d…−a_1): the
   * middle difference u_d − (−u_d) costs λ|2u_d|, and for antisymmetric w the mirrored objective is
   * exactly twice the pinned one. Both solvers share the DP but not the end treatment.
   */
  @Test
  void pinnedEqualsPlainOnTheAntisymmetricExtension() {
    SplittableRandom rng = new SplittableRandom(13);
    for (int trial = 0; trial < 300; trial++) {
      int d = 1 + rng.nextInt(200);
      double[] a = signal(rng, d, trial % 3);
      double lambda = Math.exp(rng.nextDouble(-4, 3));
      double[] b = new double[2 * d];
      for (int i = 0; i < d; i++) {
        b[i] = a[i];
        b[2 * d - 1 - i] = -a[i];
      }
      double[] w = tv.plain(b, lambda, new double[2 * d]);
      double[] u = tv.pinned(a, lambda, new double[d]);
      double scale = lambda + 1;
      for (int i = 0; i < d; i++) {
        assertEquals(w[i], u[i], 1e-12 * scale, "entry " + i);
        assertEquals(-w[i], w[2 * d - 1 - i], 1e-12 * scale, "antisymmetry at " + i);
      }
      double twice = 2 * TvReference.objective(a, lambda, u, true);
      double mirrored = TvReference.objective(b, lambda, w, false);
      assertEquals(twice, mirrored, 1e-11 * Math.abs(twice));
    }
  }

  @Test
  void singleEntryIsSoftThresholdingPinnedAndIdentityPlain() {
    double[][] cases = {{3.0, 1.0}, {-3.0, 1.0}, {0.5, 1.0}, {-0.5, 1.0}, {1.0, 1.0}, {0.1, 0.3}, {7.25, 0.0}};
    for (double[] c : cases) {
      double a = c[0];
      double lambda = c[1];
      double soft = Math.signum(a) * Math.max(Math.abs(a) - lambda, 0);
      assertEquals(soft, tv.pinned(new double[] {a}, lambda, new double[1])[0], 0.0);
      assertEquals(a, tv.plain(new double[] {a}, lambda, new double[1])[0], 0.0);
    }
  }

  @Test
  void zeroWeightReturnsInputExactly() {
    double[] a = signal(new SplittableRandom(14), 100, 0);
    assertArrayEquals(a, tv.pinned(a, 0, new double[100]), 0.0);
    assertArrayEquals(a, tv.plain(a, 0, new double[100]), 0.0);
  }

  /**
   * Constant input c: plain TV leaves it unchanged; pinned TV gives the constant sign(c)·max(|c| − λ/d, 0)
   * (the KKT conditions hold with s_k = kλ/d sign(c), |s_k| ≤ λ).
   */
  @Test
  void constantInputHasClosedForms() {
    for (int d : new int[] {1, 2, 7, 1000}) {
      for (double c : new double[] {2.5, -2.5, 0.001}) {
        double[] a = new double[d];
        java.util.Arrays.fill(a, c);
        double lambda = 0.75;
        double[] plain = tv.plain(a, lambda, new double[d]);
        double[] pinned = tv.pinned(a, lambda, new double[d]);
        double expected = Math.signum(c) * Math.max(Math.abs(c) - lambda / d, 0);
        for (int i = 0; i < d; i++) {
          assertEquals(c, plain[i], 1e-15 * d * Math.abs(c), "plain " + i);
          assertEquals(expected, pinned[i], 1e-15 * d * (Math.abs(c) + lambda), "pinned " + i);
        }
      }
    }
  }

  /**
   * Λ is invertible and Λᵀs = a has the solution s_k = Σ_{i≤k} a_i, so u* = 0 iff max_k |S_k| ≤ λ.
   * Just below the threshold the solution is nonzero; just above it, it is exactly zero.
   */
  @Test
  void pinnedSolutionVanishesExactlyAtThePrefixSumThreshold() {
    SplittableRandom rng = new SplittableRandom(15);
    for (int trial = 0; trial < 200; trial++) {
      int d = 1 + rng.nextInt(500);
      double[] a = signal(rng, d, trial % 3);
      double max = 0;
      double sum = 0;
      for (double v : a) {
        sum += v;
        max = Math.max(max, Math.abs(sum));
      }
      if (max == 0) {
        continue;
      }
      double[] above = tv.pinned(a, max * (1 + 1e-12), new double[d]);
      for (double v : above) {
        assertEquals(0.0, v, 0.0);
      }
      double[] below = tv.pinned(a, max * (1 - 1e-9), new double[d]);
      double largest = 0;
      for (double v : below) {
        largest = Math.max(largest, Math.abs(v));
      }
      assertTrue(largest > 0, "trial " + trial + ": zero below the threshold");
    }
  }

  @Test
  void denoisesInPlaceAndReusesScratchAcrossSizes() {
    SplittableRandom rng = new SplittableRandom(16);
    for (int d : new int[] {300, 10, 1000, 1}) {
      double[] a = signal(rng, d, 1);
      double[] expected = tv.pinned(a, 0.4, new double[d]);
      double[] fresh = new TvDenoise().pinned(a, 0.4, new double[d]);
      assertArrayEquals(fresh, expected, 0.0);
      tv.pinned(a, 0.4, a);
      assertArrayEquals(expected, a, 0.0);
    }
  }

  @Test
  void rejectsNonFiniteInputAndBadWeights() {
    assertThrows(IllegalArgumentException.class, () -> tv.pinned(new double[] {1, Double.NaN}, 1, new double[2]));
    assertThrows(IllegalArgumentException.class, () -> tv.plain(new double[] {Double.POSITIVE_INFINITY}, 1, new double[1]));
    assertThrows(IllegalArgumentException.class, () -> tv.pinned(new double[] {1}, -1, new double[1]));
    assertThrows(IllegalArgumentException.class, () -> tv.pinned(new double[] {1}, Double.NaN, new double[1]));
    assertThrows(IllegalArgumentException.class, () -> tv.pinned(new double[] {1, 2}, 1, new double[1]));
  }
}
