package org.fedspark.optim;

import java.util.Arrays;

/**
 * A symmetric sparse n × n matrix in compressed sparse row form: row i's entries are
 * {@code values[rowPtr[i], rowPtr[i+1])} at columns {@code colIdx[…]}, columns ascending and distinct.
 * Being symmetric, the same three arrays are also its compressed sparse column form. Immutable and
 * thread-safe; {@link #multiply} touches each stored entry once.
 *
 * <p>Built here as a weighted graph Laplacian ({@link #laplacian}), the operator of graph-fused
 * penalties {@code Σ_{(i,j)∈E} w_ij ‖θ_i − θ_j‖²} (Network Lasso's smooth counterpart, Hallac, Leskovec
 * and Boyd, KDD 2015): {@code Σ_e w_e (x_i − x_j)² = xᵀ L x}.
 */
public final class Csr implements java.io.Serializable {
  private final int n;
  private final int[] rowPtr;
  private final int[] colIdx;
  private final double[] values;

  private Csr(int n, int[] rowPtr, int[] colIdx, double[] values) {
    this.n = n;
    this.rowPtr = rowPtr;
    this.colIdx = colIdx;
    this.values = values;
  }

  /**
   * The weighted Laplacian {@code L = Q·W·Qᵀ} of an undirected graph on nodes {@code 0 … n−1}, where
   * Q is the n × |E| node–edge incidence matrix (column e is {@code e_i − e_j} for edge {@code e =
   * (i, j)}) and {@code W = diag(w)}: {@code L_ii} is the weighted degree {@code Σ_{e∋i} w_e},
   * {@code L_ij = −Σ_{e=(i,j)} w_e}. Repeated edges add their weights; self-loops contribute
   * {@code e_i − e_i = 0} and are skipped. L is symmetric positive semidefinite ({@code xᵀLx = Σ_e w_e
   * (x_i − x_j)² ≥ 0}).
   *
   * @param weights one weight ≥ 0 per edge, or null for all ones
   * @throws IllegalArgumentException on a node outside {@code [0, n)}, mismatched lengths, or a
   *     negative, NaN or infinite weight (L would not be positive semidefinite)
   */
  public static Csr laplacian(int n, int[] from, int[] to, double[] weights) {
    if (n < 0 || from.length != to.length || (weights != null && weights.length != from.length)) {
      throw new IllegalArgumentException("n = " + n + ", " + from.length + " sources, " + to.length
          + " targets, " + (weights == null ? "no" : weights.length) + " weights");
    }
    int[] count = new int[n];
    for (int e = 0; e < from.length; e++) {
      int i = from[e];
      int j = to[e];
      if (i < 0 || i >= n || j < 0 || j >= n) {
        throw new IllegalArgumentException("edge " + e + " = (" + i + ", " + j + ") outside [0, " + n + ")");
      }
      double w = weights == null ? 1.0 : weights[e];
      if (!(w >= 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException("edge " + e + " has weight " + w + "; weights must be finite and >= 0");
      }
      if (i != j) {
        count[i]++;
        count[j]++;
      }
    }
    // Unmerged rows: the diagonal first, then one entry per incident edge.
    int[] start = new int[n + 1];
    for (int i = 0; i < n; i++) {
      start[i + 1] = start[i] + count[i] + 1;
    }
    int[] cols = new int[start[n]];
    double[] vals = new double[start[n]];
    int[] fill = new int[n];
    for (int i = 0; i < n; i++) {
      cols[start[i]] = i;
      fill[i] = start[i] + 1;
    }
    for (int e = 0; e < from.length; e++) {
      int i = from[e];
      int j = to[e];
      if (i == j) {
        continue;
      }
      double w = weights == null ? 1.0 : weights[e];
      vals[start[i]] += w;
      vals[start[j]] += w;
      cols[fill[i]] = j;
      vals[fill[i]++] = -w;
      cols[fill[j]] = i;
      vals[fill[j]++] = -w;
    }
    return fromUnmergedRows(n, start, cols, vals);
  }

  /** Sorts each row by column and adds up repeated columns. */
  private static Csr fromUnmergedRows(int n, int[] start, int[] cols, double[] vals) {
    int[] rowPtr = new int[n + 1];
    int[] outCols = new int[cols.length];
    double[] outVals = new double[cols.length];
    int nnz = 0;
    long[] keys = new long[0];
    for (int i = 0; i < n; i++) {
      int len = start[i + 1] - start[i];
      if (keys.length < len) {
        keys = new long[Math.max(len, 2 * keys.length)];
      }
      for (int p = 0; p < len; p++) {
        keys[p] = ((long) cols[start[i] + p] << 32) | p;
      }
      Arrays.sort(keys, 0, len);
      int last = -1;
      for (int p = 0; p < len; p++) {
        int col = (int) (keys[p] >>> 32);
        double v = vals[start[i] + (int) keys[p]];
        if (col == last) {
          outVals[nnz - 1] += v;
        } else {
          outCols[nnz] = col;
          outVals[nnz++] = v;
          last = col;
        }
      }
      rowPtr[i + 1] = nnz;
    }
    return new Csr(n, rowPtr, Arrays.copyOf(outCols, nnz), Arrays.copyOf(outVals, nnz));
  }

  /** The dimension n. */
  public int size() {
    return n;
  }

  /** Number of stored entries (diagonal included). */
  public int nonZeros() {
    return rowPtr[n];
  }

  /** {@code y[yOff, yOff+n) = A·x[xOff, xOff+n)}. */
  public void multiply(double[] x, int xOff, double[] y, int yOff) {
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int p = rowPtr[i], end = rowPtr[i + 1]; p < end; p++) {
        s += values[p] * x[xOff + colIdx[p]];
      }
      y[yOff + i] = s;
    }
  }

  /** The diagonal entries (0 where none is stored), a new array. */
  public double[] diagonal() {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      for (int p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
        if (colIdx[p] == i) {
          d[i] = values[p];
        }
      }
    }
    return d;
  }

  /**
   * {@code max_i Σ_j |A_ij|}, Gershgorin's bound on the spectral radius. For a Laplacian it is twice
   * the largest weighted degree, so {@code λ_max(L) ≤ 2·max_i d_i}.
   */
  public double maxAbsRowSum() {
    double max = 0;
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
        s += Math.abs(values[p]);
      }
      max = Math.max(max, s);
    }
    return max;
  }

  /** A copy of the row pointers (length n + 1). */
  public int[] rowPtr() {
    return rowPtr.clone();
  }

  /** A copy of the column indices (length {@link #nonZeros()}). */
  public int[] colIdx() {
    return colIdx.clone();
  }

  /** A copy of the stored values (length {@link #nonZeros()}). */
  public double[] values() {
    return values.clone();
  }

  // Package-private views for the solver's inner loop (no copies).
  int[] rowPtrView() {
    return rowPtr;
  }

  int[] colIdxView() {
    return colIdx;
  }

  double[] valuesView() {
    return values;
  }
}
