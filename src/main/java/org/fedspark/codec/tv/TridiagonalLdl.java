package org.fedspark.codec.tv;

/**
 * LDLᵀ factorization of a symmetric positive definite tridiagonal matrix, for repeated O(n) solves
 * (the Thomas algorithm split into a once-per-matrix factorization and a per-right-hand-side sweep).
 * With diagonal m and off-diagonal e (e_i = M_{i,i+1}): D_1 = m_1, ℓ_i = e_{i−1}/D_{i−1},
 * D_i = m_i − ℓ_i e_{i−1}; then M = L·diag(D)·Lᵀ with L unit lower bidiagonal (subdiagonal ℓ). No
 * pivoting is needed because M is positive definite (all D_i &gt; 0; checked).
 */
public final class TridiagonalLdl {
  /** ℓ_i, the subdiagonal of L; {@code multiplier[0] = 0}. Package-private for fused loops. */
  final double[] multiplier;
  /** 1/D_i. */
  final double[] inversePivot;

  private TridiagonalLdl(double[] multiplier, double[] inversePivot) {
    this.multiplier = multiplier;
    this.inversePivot = inversePivot;
  }

  /** Factors the matrix with diagonal {@code diag} (length n) and off-diagonal {@code off} (n − 1). */
  public static TridiagonalLdl factor(double[] diag, double[] off) {
    int n = diag.length;
    if (n == 0 || off.length != n - 1) {
      throw new IllegalArgumentException("need n >= 1 diagonal and n - 1 off-diagonal entries, got "
          + n + " and " + off.length);
    }
    double[] l = new double[n];
    double[] inv = new double[n];
    double pivot = diag[0];
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        l[i] = off[i - 1] / pivot;
        pivot = diag[i] - l[i] * off[i - 1];
      }
      if (!(pivot > 0)) {
        throw new IllegalArgumentException("not positive definite: pivot " + i + " is " + pivot);
      }
      inv[i] = 1 / pivot;
    }
    return new TridiagonalLdl(l, inv);
  }

  /**
   * I + c·ΛᵀΛ for Λ of size d (1 on the diagonal, −1 above): ΛᵀΛ has diagonal (1, 2, …, 2) and −1 off
   * the diagonal, because ‖Λu‖² = Σ_{i&lt;d}(u_i − u_{i+1})² + u_d² counts u_1² once and every other
   * u_j² twice. This is the matrix of the ADMM y-step.
   */
  public static TridiagonalLdl shiftedLambdaGram(int d, double c) {
    Finite.requireNonNegative(c, "c");
    double[] diag = new double[d];
    double[] off = new double[Math.max(d - 1, 0)];
    for (int i = 0; i < d; i++) {
      diag[i] = 1 + (i == 0 ? c : 2 * c);
    }
    java.util.Arrays.fill(off, -c);
    return factor(diag, off);
  }

  /** Dimension n. */
  public int size() {
    return inversePivot.length;
  }

  /** Overwrites {@code v} with M⁻¹v. */
  public void solveInPlace(double[] v) {
    int n = size();
    if (v.length != n) {
      throw new IllegalArgumentException("vector has length " + v.length + ", matrix " + n);
    }
    for (int i = 1; i < n; i++) {
      v[i] -= multiplier[i] * v[i - 1];
    }
    v[n - 1] *= inversePivot[n - 1];
    for (int i = n - 2; i >= 0; i--) {
      v[i] = v[i] * inversePivot[i] - multiplier[i + 1] * v[i + 1];
    }
  }
}
