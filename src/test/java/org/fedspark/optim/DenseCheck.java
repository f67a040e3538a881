package org.fedspark.optim;

import java.util.Arrays;
import org.fedspark.model.Blas;
import org.netlib.util.intW;

/**
 * Dense linear algebra used only as an independent reference in the tests: plain loops for products,
 * LAPACK {@code dsyev} (symmetric eigenvalues, a different algorithm from the SVD routines under test)
 * and {@code dposv} (Cholesky solve).
 */
final class DenseCheck {
  private DenseCheck() {}

  /** Eigenvalues, ascending, of a symmetric n × n matrix (not modified). */
  static double[] symmetricEigenvalues(double[] a, int n) {
    double[] copy = a.clone();
    double[] w = new double[n];
    intW info = new intW(0);
    double[] query = new double[1];
    Blas.lapack().dsyev("N", "U", n, copy, n, w, query, -1, info);
    double[] work = new double[Math.max(1, (int) query[0])];
    Blas.lapack().dsyev("N", "U", n, copy, n, w, work, work.length, info);
    if (info.val != 0) {
      throw new AssertionError("dsyev info " + info.val);
    }
    return w;
  }

  /**
   * Singular values, descending, of the row-major rows × cols matrix, as square roots of the
   * eigenvalues of the smaller Gram matrix (X·Xᵀ or Xᵀ·X, formed with loops). Absolute error about
   * {@code ε·σ_max²/σ}: accurate for the singular values not far below σ_max.
   */
  static double[] singularValuesViaGram(double[] x, int rows, int cols) {
    int k = Math.min(rows, cols);
    double[] g = new double[k * k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        double s = 0;
        if (rows <= cols) {
          for (int c = 0; c < cols; c++) {
            s += x[i * cols + c] * x[j * cols + c];
          }
        } else {
          for (int r = 0; r < rows; r++) {
            s += x[r * cols + i] * x[r * cols + j];
          }
        }
        g[i * k + j] = s;
      }
    }
    double[] ev = symmetricEigenvalues(g, k);
    double[] sv = new double[k];
    for (int i = 0; i < k; i++) {
      sv[i] = Math.sqrt(Math.max(0, ev[k - 1 - i]));
    }
    return sv;
  }

  /** Solves the symmetric positive definite n × n system A x = b by Cholesky ({@code dposv}). */
  static double[] choleskySolve(double[] a, int n, double[] b) {
    double[] f = a.clone();
    double[] x = b.clone();
    intW info = new intW(0);
    Blas.lapack().dposv("U", n, 1, f, n, x, n, info);
    if (info.val != 0) {
      throw new AssertionError("dposv info " + info.val);
    }
    return x;
  }

  static double[] multiply(double[] a, int n, double[] x) {
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0; j < n; j++) {
        s += a[i * n + j] * x[j];
      }
      y[i] = s;
    }
    return y;
  }

  static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  static double maxAbsDiff(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new AssertionError("lengths " + a.length + " and " + b.length);
    }
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  static double maxAbs(double[] a) {
    return Arrays.stream(a).map(Math::abs).max().orElse(0);
  }
}
