package org.fedspark.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.fedspark.testing.LocalSparkTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The three SVDs behind singular value thresholding on the same inputs: exact ({@code dgesdd} on the
 * driver), randomized (Halko et al., on the driver) and distributed (MLlib's {@code RowMatrix}), each
 * also checked directly against a planted spectrum.
 *
 * <p>The inputs are {@code X = Q₁·diag(σ)·Q₂ᵀ} with Q₁, Q₂ orthonormalised here by modified Gram–Schmidt
 * (twice, so they are orthonormal to rounding; no LAPACK), so the singular values are known exactly:
 * {@code σ_i = 0.3^i}, i = 0 … 5, from 1 down to 2.4·10⁻³, and zero beyond. The distributed SVD works
 * on the Gramian {@code XᵀX}, which squares the condition number; over the compared values (those above
 * {@code 10⁻⁴·σ_max}) it is 410, squared 1.7·10⁵, so the Gramian still resolves each of them to about
 * {@code ε·σ_max²/σ ≈ 10⁻¹³}, far inside the 10⁻⁶ agreement required (a spectrum reaching down to
 * {@code 10⁻⁸·σ_max} would not be). The exact zeros come out of the Gramian at about
 * {@code sqrt(ε)·σ_max ≈ 10⁻⁸}, below τ = 10⁻⁴. The tall case has 120 columns, so MLlib runs ARPACK
 * on the distributed Gramian (one Spark job per Lanczos step); the wide one is transposed to 80
 * columns, which MLlib eigendecomposes on the driver after one distributed pass.
 */
class DistributedSvtTest extends LocalSparkTest {
  private static JavaSparkContext sc;
  private static final int PLANTED = 6;

  @BeforeAll
  static void context() {
    sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  static double[] plantedSpectrum() {
    double[] s = new double[PLANTED];
    for (int i = 0; i < PLANTED; i++) {
      s[i] = Math.pow(0.3, i);
    }
    return s;
  }

  /** Column-major n × k matrix with orthonormal columns: Gaussian, modified Gram–Schmidt applied twice. */
  static double[] orthonormalColumns(SplittableRandom rng, int n, int k) {
    double[] q = new double[n * k];
    for (int i = 0; i < q.length; i++) {
      q[i] = rng.nextGaussian();
    }
    for (int pass = 0; pass < 2; pass++) {
      for (int j = 0; j < k; j++) {
        for (int p = 0; p < j; p++) {
          double dot = 0;
          for (int i = 0; i < n; i++) {
            dot += q[p * n + i] * q[j * n + i];
          }
          for (int i = 0; i < n; i++) {
            q[j * n + i] -= dot * q[p * n + i];
          }
        }
        double norm = 0;
        for (int i = 0; i < n; i++) {
          norm += q[j * n + i] * q[j * n + i];
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < n; i++) {
          q[j * n + i] /= norm;
        }
      }
    }
    return q;
  }

  /** Row-major rows × cols {@code Q₁·diag(s)·Q₂ᵀ}. */
  static double[] planted(SplittableRandom rng, int rows, int cols, double[] s) {
    int k = s.length;
    double[] q1 = orthonormalColumns(rng, rows, k);
    double[] q2 = orthonormalColumns(rng, cols, k);
    double[] x = new double[rows * cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        double v = 0;
        for (int p = 0; p < k; p++) {
          v += q1[p * rows + i] * s[p] * q2[p * cols + j];
        }
        x[i * cols + j] = v;
      }
    }
    return x;
  }

  /**
   * The direct check of a thresholded Y against the known singular values of X: the singular values of
   * Y (from {@code dsyev} on its Gram matrix, none of the code under test) are {@code max(σ_i − τ, 0)},
   * {@code ‖X − Y‖₂ ≤ τ} and {@code ⟨X − Y, Y⟩ = τ‖Y‖_*}; together these say Y is the prox. Tolerance
   * 10⁻⁶ (σ_max = 1): the distributed path's ARPACK stops at a relative 10⁻¹⁰ on σ².
   */
  static void checkThresholded(double[] x, int rows, int cols, double[] sigma, double tau, double[] y, String what) {
    double tol = 1e-6;
    double[] sy = DenseCheck.singularValuesViaGram(y, rows, cols);
    double nuclear = 0;
    for (int i = 0; i < sy.length; i++) {
      double expected = i < sigma.length ? Math.max(sigma[i] - tau, 0) : 0;
      nuclear += expected;
      assertEquals(expected, sy[i], tol, what + ": singular value " + i + " of Y");
    }
    double[] g = new double[x.length];
    double inner = 0;
    for (int i = 0; i < x.length; i++) {
      g[i] = x[i] - y[i];
      inner += g[i] * y[i];
    }
    double spectral = DenseCheck.singularValuesViaGram(g, rows, cols)[0];
    assertTrue(spectral <= tau + tol, what + ": ‖X − Y‖₂ = " + spectral + " > τ = " + tau);
    assertEquals(tau * nuclear, inner, tol, what + ": ⟨X − Y, Y⟩ ≠ τ‖Y‖_*");
  }

  @Test
  void exactRandomizedAndDistributedAgreeOnTheSameInput() {
    SplittableRandom rng = new SplittableRandom(71);
    double[] sigma = plantedSpectrum();
    // tall (120 columns: ARPACK on the distributed Gramian) and wide (transposed to 80 columns: the
    // Gramian eigendecomposed on the driver); the randomized SVD's 8 + 10 directions fit in both
    int[][] shapes = {{300, 120}, {80, 300}};
    for (int[] shape : shapes) {
      int rows = shape[0];
      int cols = shape[1];
      String what = rows + " × " + cols;
      double[] x = planted(rng, rows, cols, sigma);
      double tau = 1e-4; // 1e-4·σ_max: every planted value is kept
      Svt.Result exact = Svt.exact(x, 0, rows, cols, tau);
      Svt.Result rand = Svt.randomized(x, 0, rows, cols, tau, 8, 3); // k = 8: σ_8 = 0 ≤ τ
      Svt.Result dist = DistributedSvt.threshold(sc, x, 0, rows, cols, tau, 8, 3);
      assertTrue(exact.exact());
      assertFalse(rand.exact(), "randomized should not have fallen back to the full SVD");
      assertEquals(PLANTED, exact.rank(), what);
      assertEquals(PLANTED, rand.rank(), what);
      assertEquals(PLANTED, dist.rank(), what);
      int compared = 0;
      for (int i = 0; i < PLANTED; i++) {
        assertTrue(exact.sigma()[i] > 1e-4 * exact.sigma()[0]);
        assertEquals(exact.sigma()[i], rand.sigma()[i], 1e-6, what + ": exact vs randomized σ_" + i);
        assertEquals(exact.sigma()[i], dist.sigma()[i], 1e-6, what + ": exact vs distributed σ_" + i);
        assertEquals(rand.sigma()[i], dist.sigma()[i], 1e-6, what + ": randomized vs distributed σ_" + i);
        assertEquals(sigma[i], dist.sigma()[i], 1e-6, what + ": distributed σ_" + i + " vs planted");
        compared++;
      }
      assertEquals(PLANTED, compared);
      double[] ye = exact.toArray();
      double[] yr = rand.toArray();
      double[] yd = dist.toArray();
      assertTrue(DenseCheck.maxAbsDiff(ye, yr) <= 1e-6, what + ": exact vs randomized Y");
      assertTrue(DenseCheck.maxAbsDiff(ye, yd) <= 1e-6, what + ": exact vs distributed Y");
      assertTrue(DenseCheck.maxAbsDiff(yr, yd) <= 1e-6, what + ": randomized vs distributed Y");
      checkThresholded(x, rows, cols, sigma, tau, ye, what + " exact");
      checkThresholded(x, rows, cols, sigma, tau, yr, what + " randomized");
      checkThresholded(x, rows, cols, sigma, tau, yd, what + " distributed");
      // a threshold inside the spectrum, reached by growing the rank: 0.3² > τ = 0.05 > 0.3³ keeps 3,
      // each shrunk by τ; k = 1, 2, 4 (σ_4 = 0.027 ≤ τ)
      double mid = 0.05;
      Svt.Result dm = DistributedSvt.threshold(sc, x, 0, rows, cols, mid, 1, 4);
      assertEquals(3, dm.rank(), what);
      assertTrue(DenseCheck.maxAbsDiff(Svt.exact(x, 0, rows, cols, mid).toArray(), dm.toArray()) <= 1e-6);
      checkThresholded(x, rows, cols, sigma, mid, dm.toArray(), what + " distributed, τ = 0.05");
    }
  }

  /**
   * The rank grows from 1 by doubling until the computed values pass τ, and stops at the full width
   * when every value is above τ (MLlib's local eigensolver on the Gramian: n = 30 < 100).
   */
  @Test
  void rankGrowsToTheFullWidthWhenEverySingularValueIsAboveTau() {
    SplittableRandom rng = new SplittableRandom(72);
    double[] sigma = new double[30];
    for (int i = 0; i < 30; i++) {
      sigma[i] = 3 - 0.09 * i; // 3 … 0.39
    }
    for (int[] shape : new int[][] {{90, 30}, {30, 90}}) {
      int rows = shape[0];
      int cols = shape[1];
      double[] x = planted(rng, rows, cols, sigma);
      double tau = 0.2;
      Svt.Result d = DistributedSvt.threshold(sc, x, 0, rows, cols, tau, 1, 2); // k = 1, 2, …, 16, 30
      assertEquals(30, d.rank());
      checkThresholded(x, rows, cols, sigma, tau, d.toArray(), rows + " × " + cols + " full rank");
      assertTrue(DenseCheck.maxAbsDiff(Svt.exact(x, 0, rows, cols, tau).toArray(), d.toArray()) <= 1e-6);
    }
  }

  @Test
  void aThresholdAboveEverySingularValueGivesZero() {
    SplittableRandom rng = new SplittableRandom(73);
    double[] x = planted(rng, 50, 40, plantedSpectrum());
    Svt.Result d = DistributedSvt.threshold(sc, x, 0, 50, 40, 1.5, 4, 2);
    assertEquals(0, d.rank());
    assertArrayEquals(new double[50 * 40], d.toArray(), 0.0);
  }

  @Test
  void badArgumentsAreRefused() {
    double[] x = {1, 2, 3, 4};
    assertThrows(IllegalArgumentException.class, () -> DistributedSvt.threshold(sc, x, 0, 2, 2, -1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> DistributedSvt.threshold(sc, x, 0, 2, 2, 1, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> DistributedSvt.threshold(sc, x, 0, 2, 2, 1, 1, 0));
    assertThrows(IllegalArgumentException.class,
        () -> DistributedSvt.threshold(sc, new double[] {1, Double.NaN, 0, 0}, 0, 2, 2, 1, 1, 1));
  }
}
