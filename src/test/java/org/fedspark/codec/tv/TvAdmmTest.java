package org.fedspark.codec.tv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TvAdmmTest {

  /** Dense Gaussian elimination with partial pivoting: the independent check of the y-step solve. */
  static double[] denseSolve(double[][] m, double[] rhs) {
    int n = rhs.length;
    double[][] a = new double[n][];
    for (int i = 0; i < n; i++) {
      a[i] = java.util.Arrays.copyOf(m[i], n + 1);
      a[i][n] = rhs[i];
    }
    for (int c = 0; c < n; c++) {
      int p = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(a[r][c]) > Math.abs(a[p][c])) {
          p = r;
        }
      }
      double[] t = a[c];
      a[c] = a[p];
      a[p] = t;
      for (int r = c + 1; r < n; r++) {
        double f = a[r][c] / a[c][c];
        for (int k = c; k <= n; k++) {
          a[r][k] -= f * a[c][k];
        }
      }
    }
    double[] x = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      double s = a[i][n];
      for (int k = i + 1; k < n; k++) {
        s -= a[i][k] * x[k];
      }
      x[i] = s / a[i][i];
    }
    return x;
  }

  static double[][] denseLambda(int d) {
    double[][] l = new double[d][d];
    for (int i = 0; i < d; i++) {
      l[i][i] = 1;
      if (i + 1 < d) {
        l[i][i + 1] = -1;
      }
    }
    return l;
  }

  static double[] times(double[][] m, double[] v, boolean transpose) {
    int n = v.length;
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        r[i] += (transpose ? m[j][i] : m[i][j]) * v[j];
      }
    }
    return r;
  }

  @Test
  void tridiagonalSolveMatchesDenseElimination() {
    SplittableRandom rng = new SplittableRandom(21);
    for (int trial = 0; trial < 50; trial++) {
      int n = 1 + rng.nextInt(30);
      double c = Math.exp(rng.nextDouble(-5, 8));
      TridiagonalLdl f = TridiagonalLdl.shiftedLambdaGram(n, c);
      double[][] lam = denseLambda(n);
      double[][] m = new double[n][n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          double g = 0;
          for (int k = 0; k < n; k++) {
            g += lam[k][i] * lam[k][j];
          }
          m[i][j] = (i == j ? 1 : 0) + c * g;
        }
      }
      double[] b = new double[n];
      for (int i = 0; i < n; i++) {
        b[i] = rng.nextGaussian();
      }
      double[] expected = denseSolve(m, b);
      double[] x = b.clone();
      f.solveInPlace(x);
      // Condition number of I + cΛᵀΛ is at most 1 + 4c; both solvers are backward stable.
      double tol = 1e-14 * (1 + 4 * c) * n;
      for (int i = 0; i < n; i++) {
        assertEquals(expected[i], x[i], tol * (1 + Math.abs(expected[i])), "n=" + n + " c=" + c + " i=" + i);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> TridiagonalLdl.factor(new double[] {1, 1}, new double[] {2}));
  }

  /**
   * The ADMM written in the original y-variables straight from the derivation (r-step, y-step solved by
   * dense elimination, ω-step, y⁰ = b, ω⁰ = 0) must give the same iterates as the shifted u-form of
   * {@link TvAdmm}: y_J − x_t = u_J for every J.
   */
  @Test
  void iteratesEqualTheUnshiftedDerivationWithDenseAlgebra() {
    SplittableRandom rng = new SplittableRandom(22);
    int d = 9;
    double eta = 0.3;
    double gamma = 0.8;
    double kappa = 2.5;
    double rho = kappa / (eta * gamma);
    double[] x = new double[d];
    double[] g = new double[d];
    for (int i = 0; i < d; i++) {
      x[i] = rng.nextGaussian();
      g[i] = 3 * rng.nextGaussian();
    }
    double[][] lam = denseLambda(d);
    double[][] m = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        double s = 0;
        for (int k = 0; k < d; k++) {
          s += lam[k][i] * lam[k][j];
        }
        m[i][j] = (i == j ? 1 : 0) + eta * gamma * rho * s;
      }
    }
    double[] b = new double[d];
    double[] a = new double[d];
    for (int i = 0; i < d; i++) {
      b[i] = x[i] - eta * g[i];
      a[i] = -eta * g[i];
    }
    double[] lx = times(lam, x, false);
    double[] y = b.clone();
    double[] omega = new double[d];
    for (int j = 1; j <= 40; j++) {
      double[] ly = times(lam, y, false);
      double[] r = new double[d];
      for (int i = 0; i < d; i++) {
        double v = ly[i] - omega[i] / rho - lx[i];
        r[i] = lx[i] + Math.signum(v) * Math.max(Math.abs(v) - 1 / rho, 0);
      }
      double[] q = new double[d];
      for (int i = 0; i < d; i++) {
        q[i] = omega[i] + rho * r[i];
      }
      double[] ltq = times(lam, q, true);
      double[] rhs = new double[d];
      for (int i = 0; i < d; i++) {
        rhs[i] = b[i] + eta * gamma * ltq[i];
      }
      y = denseSolve(m, rhs);
      ly = times(lam, y, false);
      for (int i = 0; i < d; i++) {
        omega[i] += rho * (r[i] - ly[i]);
      }
      double[] u = new double[d];
      new TvAdmm(TvAdmm.Options.fixed(kappa, j)).solve(a, eta * gamma, u);
      for (int i = 0; i < d; i++) {
        // y carries x_t (|x| ~ 1) through 40 iterations; 1e-12 leaves room for that rounding only.
        assertEquals(y[i] - x[i], u[i], 1e-12, "iteration " + j + " entry " + i);
      }
    }
  }

  /** The error to the exact solution shrinks with the iterations and falls below 1e-8 (relative). */
  @Test
  void convergesToTheExactSolution() {
    SplittableRandom rng = new SplittableRandom(23);
    for (int trial = 0; trial < 6; trial++) {
      int d = 40 + rng.nextInt(60);
      double[] a = TvDenoiseTest.signal(rng, d, trial % 3);
      double lambda = trial % 2 == 0 ? 0.5 : 2;
      double[] exact = new TvDenoise().pinned(a, lambda, new double[d]);
      double scale = 0;
      for (double v : exact) {
        scale = Math.max(scale, Math.abs(v));
      }
      assertTrue(scale > 0);
      final double norm = scale;
      int[] checkpoints = {10, 100, 1000, 5000, 20000};
      double[] errors = new double[checkpoints.length];
      new TvAdmm(TvAdmm.Options.fixed(3, checkpoints[checkpoints.length - 1])).solve(a, lambda, new double[d], (it, u) -> {
        for (int c = 0; c < checkpoints.length; c++) {
          if (checkpoints[c] == it) {
            double e = 0;
            for (int i = 0; i < d; i++) {
              e = Math.max(e, Math.abs(u[i] - exact[i]));
            }
            errors[c] = e / norm;
          }
        }
        return true;
      });
      for (int c = 1; c < errors.length; c++) {
        assertTrue(errors[c] <= errors[c - 1], "trial " + trial + " errors " + java.util.Arrays.toString(errors));
      }
      assertTrue(errors[0] > 1e-4, "too easy a case: " + errors[0]);
      assertTrue(errors[errors.length - 1] <= 1e-8, "trial " + trial + " errors " + java.util.Arrays.toString(errors));
    }
  }

  /** With a tolerance the iteration stops early, and its residual test is met at the stated level. */
  @Test
  void toleranceStopsWithSmallResidualsAndSmallError() {
    SplittableRandom rng = new SplittableRandom(24);
    double[] a = TvDenoiseTest.signal(rng, 200, 1);
    double lambda = 1;
    double[] exact = new TvDenoise().pinned(a, lambda, new double[200]);
    double[] u = new double[200];
    TvAdmm.Report rep = new TvAdmm(new TvAdmm.Options(10, 100_000, 1e-10)).solve(a, lambda, u);
    assertTrue(rep.converged(), rep.toString());
    assertTrue(rep.iterations() < 100_000);
    double err = 0;
    double scale = 0;
    for (int i = 0; i < 200; i++) {
      err = Math.max(err, Math.abs(u[i] - exact[i]));
      scale = Math.max(scale, Math.abs(exact[i]));
    }
    assertTrue(err <= 1e-7 * scale, "error " + err + " after " + rep);
  }

  @Test
  void rejectsBadInput() {
    TvAdmm admm = new TvAdmm(TvAdmm.Options.fixed(1, 10));
    assertThrows(IllegalArgumentException.class, () -> admm.solve(new double[] {Double.NaN}, 1, new double[1]));
    assertThrows(IllegalArgumentException.class, () -> admm.solve(new double[] {1}, 0, new double[1]));
    assertThrows(IllegalArgumentException.class, () -> new TvAdmm.Options(0, 10, 0));
    assertThrows(IllegalArgumentException.class, () -> new TvAdmm.Options(1, 0, 0));
  }
}
