package org.fedspark.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Singular value thresholding {@code Y = prox_{τ‖·‖_*}(X)} against references that do not use the SVD
 * routines under test:
 *
 * <ul>
 *   <li>Optimality: Y is the prox iff {@code G = X − Y} satisfies {@code ‖G‖₂ ≤ τ} and {@code ⟨G, Y⟩ =
 *       τ‖Y‖_*} (G/τ is then a subgradient of the nuclear norm at Y, the dual norm of the spectral
 *       norm); with the singular values of Y equal to {@code max(σ(X) − τ, 0)} this pins Y down.
 *       Singular values come from {@code dsyev} on the Gram matrix ({@link DenseCheck}).
 *   <li>Definition: a derivative-free minimisation of {@code ½‖Y − X‖²_F + τ‖Y‖_*} on 2 × 3 matrices,
 *       whose nuclear norm has the closed form {@code sqrt(‖Y‖²_F + 2·sqrt(det(Y·Yᵀ)))}.
 *   <li>The randomized SVT against the exact one.
 * </ul>
 */
class SvtTest {

  static double[] gaussian(SplittableRandom rng, int n, double scale) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = scale * rng.nextGaussian();
    }
    return a;
  }

  /** Row-major rows × cols matrix {@code A·diag(s)·B + noise}, A and B Gaussian scaled to near-orthonormal. */
  static double[] lowRankPlusNoise(SplittableRandom rng, int rows, int cols, double[] s, double noise) {
    int r = s.length;
    double[] a = gaussian(rng, rows * r, 1 / Math.sqrt(rows));
    double[] b = gaussian(rng, r * cols, 1 / Math.sqrt(cols));
    double[] x = gaussian(rng, rows * cols, noise);
    for (int i = 0; i < rows; i++) {
      for (int k = 0; k < r; k++) {
        double f = a[i * r + k] * s[k];
        for (int j = 0; j < cols; j++) {
          x[i * cols + j] += f * b[k * cols + j];
        }
      }
    }
    return x;
  }

  /**
   * The optimality check above. Tolerances: Gram-based singular values are accurate to about
   * {@code k·ε·σ_max²/σ}: {@code 1e-12·σ_max} for values above {@code 1e-3·σ_max}; a zero singular value
   * comes out as {@code sqrt(k·ε)·σ_max ≲ 1e-7·σ_max}, so those are only required to be below
   * {@code 1e-6·σ_max}. The inner product is a sum of rows·cols terms, exact to {@code 1e-12·σ_max²}.
   */
  static void checkOptimal(double[] x, int rows, int cols, double tau, double[] y) {
    double[] sx = DenseCheck.singularValuesViaGram(x, rows, cols);
    double[] sy = DenseCheck.singularValuesViaGram(y, rows, cols);
    double smax = Math.max(sx[0], 1e-300);
    double nuclearY = 0;
    for (int i = 0; i < sx.length; i++) {
      double expected = Math.max(sx[i] - tau, 0);
      nuclearY += expected;
      if (expected > 1e-3 * smax) {
        assertEquals(expected, sy[i], 1e-12 * smax, "singular value " + i + " of Y");
      } else {
        assertTrue(Math.abs(sy[i] - expected) <= 1e-6 * smax, "singular value " + i + " of Y: " + sy[i] + " vs " + expected);
      }
    }
    double[] g = new double[x.length];
    double inner = 0;
    for (int i = 0; i < x.length; i++) {
      g[i] = x[i] - y[i];
      inner += g[i] * y[i];
    }
    double spectralG = DenseCheck.singularValuesViaGram(g, rows, cols)[0];
    assertTrue(spectralG <= tau + 1e-12 * smax, "‖X − Y‖₂ = " + spectralG + " > τ = " + tau);
    assertEquals(tau * nuclearY, inner, 1e-12 * smax * smax * Math.max(1, tau), "⟨X − Y, Y⟩ ≠ τ‖Y‖_*");
  }

  @Test
  void exactSvtIsOptimalForTallWideAndSquare() {
    SplittableRandom rng = new SplittableRandom(41);
    int[][] shapes = {{7, 4}, {4, 7}, {6, 6}, {1, 5}, {5, 1}, {30, 11}, {11, 30}};
    for (int[] shape : shapes) {
      int rows = shape[0];
      int cols = shape[1];
      double[] x = gaussian(rng, rows * cols, 1);
      double[] s = DenseCheck.singularValuesViaGram(x, rows, cols);
      int k = s.length;
      // τ between singular values (partial rank), below all (full rank) and above all (zero).
      double[] taus = {k > 1 ? 0.5 * (s[k / 2] + s[k / 2 - (k > 1 ? 1 : 0)]) : 0.5 * s[0], 0.5 * s[k - 1], 1.5 * s[0]};
      for (double tau : taus) {
        Svt.Result r = Svt.exact(x, 0, rows, cols, tau);
        double[] y = r.toArray();
        checkOptimal(x, rows, cols, tau, y);
        int expectedRank = 0;
        for (double v : s) {
          expectedRank += v > tau ? 1 : 0;
        }
        assertEquals(expectedRank, r.rank(), "kept rank for " + rows + " × " + cols + ", τ = " + tau);
        assertTrue(r.exact());
      }
    }
  }

  /**
   * F(Y) = ½‖Y − X‖² + τ‖Y‖_* for 2 × 3 Y, with {@code ‖Y‖_* = σ₁ + σ₂ = sqrt(‖Y‖²_F + 2σ₁σ₂)} and
   * {@code σ₁σ₂ = sqrt(det(Y·Yᵀ)) = ‖y₁ × y₂‖} (Lagrange's identity for the rows y₁, y₂). The cross
   * product keeps the error of σ₁σ₂ at {@code ε·σ₁²}; {@code det(Y·Yᵀ)} itself would cancel
   * catastrophically near rank 1 and make F noisy at the {@code sqrt(ε)} level.
   */
  static double objective2x3(double[] y, double[] x, double tau) {
    double c0 = y[1] * y[5] - y[2] * y[4];
    double c1 = y[2] * y[3] - y[0] * y[5];
    double c2 = y[0] * y[4] - y[1] * y[3];
    double frob = 0;
    double d = 0;
    for (int i = 0; i < 6; i++) {
      frob += y[i] * y[i];
      d += (y[i] - x[i]) * (y[i] - x[i]);
    }
    double cross = Math.sqrt(c0 * c0 + c1 * c1 + c2 * c2);
    return 0.5 * d + tau * Math.sqrt(frob + 2 * cross);
  }

  /**
   * Minimises F by plain gradient descent on the factored form {@code Y = A·Bᵀ} (A 2 × 2, B 3 × 2),
   * using {@code ‖Y‖_* = min_{A·Bᵀ = Y} ½(‖A‖²_F + ‖B‖²_F)} (Srebro, Rennie and Jaakkola, NIPS 2004):
   * {@code G(A, B) = ½‖A·Bᵀ − X‖²_F + (τ/2)(‖A‖²_F + ‖B‖²_F)} is smooth, its minimum value is min F,
   * and from a random start gradient descent reaches a global minimiser (the factored problem has no
   * spurious local minima when the factor width equals the full rank). No SVD is involved.
   */
  static double[] minimizeByFactoredGradientDescent(double[] x, double tau, SplittableRandom rng) {
    double[] a = gaussian(rng, 4, 0.3); // row-major 2 × 2
    double[] b = gaussian(rng, 6, 0.3); // row-major 3 × 2
    double scale = Math.sqrt(DenseCheck.norm(x) * DenseCheck.norm(x));
    double eta = 0.05 / (scale + tau);
    double[] y = new double[6];
    double[] ga = new double[4];
    double[] gb = new double[6];
    for (int it = 0; it < 3_000_000; it++) {
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 3; j++) {
          y[i * 3 + j] = a[i * 2] * b[j * 2] + a[i * 2 + 1] * b[j * 2 + 1];
        }
      }
      double gnorm = 0;
      for (int i = 0; i < 2; i++) {
        for (int k = 0; k < 2; k++) {
          double s = tau * a[i * 2 + k];
          for (int j = 0; j < 3; j++) {
            s += (y[i * 3 + j] - x[i * 3 + j]) * b[j * 2 + k];
          }
          ga[i * 2 + k] = s;
          gnorm += s * s;
        }
      }
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 2; k++) {
          double s = tau * b[j * 2 + k];
          for (int i = 0; i < 2; i++) {
            s += (y[i * 3 + j] - x[i * 3 + j]) * a[i * 2 + k];
          }
          gb[j * 2 + k] = s;
          gnorm += s * s;
        }
      }
      if (gnorm < 1e-30) {
        break;
      }
      for (int i = 0; i < 4; i++) {
        a[i] -= eta * ga[i];
      }
      for (int i = 0; i < 6; i++) {
        b[i] -= eta * gb[i];
      }
    }
    return y;
  }

  @Test
  void exactSvtMinimizesTheDefinitionOnTinyMatrices() {
    SplittableRandom rng = new SplittableRandom(42);
    int[] ranks = new int[3];
    for (int trial = 0; trial < 6; trial++) {
      double[] x = gaussian(rng, 6, 1);
      double[] s = DenseCheck.singularValuesViaGram(x, 2, 3);
      double tau = switch (trial % 3) {
        case 0 -> 0.5 * s[1]; // rank 2 kept
        case 1 -> 0.5 * (s[0] + s[1]); // rank 1: the minimiser sits on a kink of the nuclear norm
        default -> 1.2 * s[0]; // zero
      };
      Svt.Result r = Svt.exact(x, 0, 2, 3, tau);
      ranks[r.rank()]++;
      double[] y = r.toArray();
      double[] z = minimizeByFactoredGradientDescent(x, tau, rng);
      double fy = objective2x3(y, x, tau);
      double fz = objective2x3(z, x, tau);
      // F is evaluated to about 1e-15 (a few dozen roundings of O(1) terms).
      assertTrue(fy <= fz + 1e-14, "SVT objective " + fy + " above the minimum found by descent " + fz);
      double dist = DenseCheck.maxAbsDiff(y, z);
      assertTrue(dist <= 1e-9, "SVT and gradient descent disagree by " + dist);
    }
    assertArrayEquals(new int[] {2, 2, 2}, ranks);
  }

  /**
   * Randomized against exact on low-rank-plus-noise matrices where the randomized method must grow
   * its rank (start 3, true rank 20) or cut the spectrum in its middle. The noise (1e-7 per entry, so
   * spectral norm ≈ 3e-6) is far below {@code 1e-4·σ_max}, and two power iterations shrink the range
   * error by {@code (σ_noise/σ_r)^5}, far below 1e-6.
   */
  @Test
  void randomizedAgreesWithExact() {
    SplittableRandom rng = new SplittableRandom(43);
    double[] flat = new double[20];
    for (int i = 0; i < 20; i++) {
      flat[i] = 50 - 2.4 * i; // 50 … 4.4, all above τ = 1
    }
    double[] decaying = new double[20];
    for (int i = 0; i < 20; i++) {
      decaying[i] = 50 * Math.pow(0.7, i); // 50 … 0.06: τ = 1 cuts it after 11 values
    }
    Object[][] cases = {{300, 200, flat, 20}, {200, 400, flat, 20}, {300, 200, decaying, 11}, {200, 400, decaying, 11}};
    for (Object[] c : cases) {
      int rows = (Integer) c[0];
      int cols = (Integer) c[1];
      double[] x = lowRankPlusNoise(rng, rows, cols, (double[]) c[2], 1e-7);
      double tau = 1;
      Svt.Result exact = Svt.exact(x, 0, rows, cols, tau);
      Svt.Result rand = Svt.randomized(x, 0, rows, cols, tau, 3, 99); // k = 3, 6, 12, 24
      assertFalse(rand.exact(), "the randomized method should not have needed the full SVD");
      assertEquals(c[3], exact.rank());
      assertEquals(exact.rank(), rand.rank());
      double smax = exact.sigma()[0];
      int compared = 0;
      for (int i = 0; i < rand.sigma().length; i++) {
        if (exact.sigma()[i] > 1e-4 * smax) {
          assertEquals(exact.sigma()[i], rand.sigma()[i], 1e-6, "σ_" + i + " for " + rows + " × " + cols);
          compared++;
        }
      }
      assertTrue(compared >= exact.rank(), "compared " + compared + " singular values");
      assertTrue(DenseCheck.maxAbsDiff(exact.toArray(), rand.toArray()) <= 1e-6, "results differ");
      checkOptimal(x, rows, cols, tau, rand.toArray());
    }
  }

  @Test
  void randomizedFallsBackToExactWhenTheKeptRankIsLarge() {
    SplittableRandom rng = new SplittableRandom(44);
    double[] x = gaussian(rng, 90 * 70, 1);
    double tau = 0.1; // below nearly the whole spectrum of a Gaussian matrix
    Svt.Result rand = Svt.randomized(x, 0, 90, 70, tau, 4, 5);
    assertTrue(rand.exact());
    assertEquals(70, rand.rank());
    assertArrayEquals(Svt.exact(x, 0, 90, 70, tau).toArray(), rand.toArray(), 0.0);
  }

  @Test
  void autoChoosesExactForSmallAndRandomizedForLargeLowRank() {
    SplittableRandom rng = new SplittableRandom(45);
    double[] small = gaussian(rng, 20 * 30, 1);
    assertTrue(Svt.threshold(small, 0, 20, 30, 1).exact());
    double[] big = lowRankPlusNoise(rng, 300, 100, new double[] {30, 20, 10, 5}, 1e-3);
    Svt.Result r = Svt.threshold(big, 0, 300, 100, 1);
    assertFalse(r.exact());
    assertEquals(4, r.rank());
    checkOptimal(big, 300, 100, 1, r.toArray());
  }

  @Test
  void factorsAreOrthonormal() {
    SplittableRandom rng = new SplittableRandom(46);
    for (boolean exact : new boolean[] {true, false}) {
      int rows = 160;
      int cols = 120;
      double[] x = lowRankPlusNoise(rng, rows, cols, new double[] {9, 7, 5, 3, 2}, 1e-4);
      Svt.Result r = exact ? Svt.exact(x, 0, rows, cols, 1) : Svt.randomized(x, 0, rows, cols, 1, 2, 1);
      int k = r.rank();
      assertEquals(5, k);
      for (int a = 0; a < k; a++) {
        for (int b = 0; b < k; b++) {
          double uu = 0;
          for (int i = 0; i < rows; i++) {
            uu += r.u()[i * k + a] * r.u()[i * k + b];
          }
          double vv = 0;
          for (int j = 0; j < cols; j++) {
            vv += r.vt()[a * cols + j] * r.vt()[b * cols + j];
          }
          assertEquals(a == b ? 1 : 0, uu, 1e-12);
          assertEquals(a == b ? 1 : 0, vv, 1e-12);
        }
      }
    }
  }

  /** dgesvd (the fallback when dgesdd fails to converge) gives the same thresholded matrix. */
  @Test
  void gesvdFallbackAgrees() {
    SplittableRandom rng = new SplittableRandom(47);
    double[] x = gaussian(rng, 9 * 13, 1);
    double[] viaGesdd = Svt.exact(x, 0, 9, 13, 1.3).toArray();
    Svt.forceGesvd = true;
    try {
      Svt.Result r = Svt.exact(x, 0, 9, 13, 1.3);
      assertTrue(DenseCheck.maxAbsDiff(viaGesdd, r.toArray()) <= 1e-12, "dgesdd and dgesvd disagree");
      checkOptimal(x, 9, 13, 1.3, r.toArray());
    } finally {
      Svt.forceGesvd = false;
    }
  }

  @Test
  void edgeCases() {
    double[] x = {1, 2, 3, 4, 5, 7};
    assertArrayEquals(x, Svt.exact(x, 0, 2, 3, 0).toArray(), 1e-14);
    Svt.Result zero = Svt.exact(x, 0, 2, 3, 1e9);
    assertEquals(0, zero.rank());
    assertArrayEquals(new double[6], zero.toArray(), 0.0);
    assertArrayEquals(new double[6], Svt.exact(new double[6], 0, 3, 2, 0.5).toArray(), 0.0);
    assertThrows(IllegalArgumentException.class, () -> Svt.exact(new double[] {1, Double.NaN}, 0, 1, 2, 1));
    assertThrows(IllegalArgumentException.class, () -> Svt.exact(x, 0, 2, 3, -1));
    assertThrows(IllegalArgumentException.class, () -> Svt.exact(x, 0, 0, 3, 1));
  }
}
