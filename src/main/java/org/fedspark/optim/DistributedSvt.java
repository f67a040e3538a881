package org.fedspark.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.Matrix;
import org.apache.spark.mllib.linalg.SingularValueDecomposition;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.linalg.distributed.RowMatrix;
import org.apache.spark.storage.StorageLevel;
import org.fedspark.model.Blas;

/**
 * Singular value thresholding ({@link Svt}) with the SVD computed by Spark MLlib's distributed
 * {@link RowMatrix#computeSVD}, for a matrix-shaped block whose SVD is too heavy for the driver: the
 * rows go to the executors, and MLlib finds the leading right singular vectors as eigenvectors of the
 * Gramian {@code AᵀA}, either with ARPACK's Lanczos iteration driven by distributed products
 * {@code AᵀA·v} (one Spark job per iteration), or, when the matrix is narrow ({@code n < 100}) or the
 * requested rank large ({@code k > n/2}), by forming {@code AᵀA} with one distributed pass and
 * eigendecomposing it on the driver (MLlib's own choice). The driver keeps only n-vectors, the k
 * right singular vectors and, at the end, the kept factors.
 *
 * <p><b>Orientation.</b> The Gramian is n × n for a RowMatrix with n columns, so the block is
 * distributed with its shorter side as the columns: the rows of X when {@code rows ≥ cols}, else the
 * rows of Xᵀ (SVT commutes with transposition, {@code Xᵀ = V·diag(σ)·Uᵀ}).
 *
 * <p><b>Rank growth.</b> As in {@link Svt#randomized}, thresholding needs every singular value above
 * τ; the target rank k starts at {@code initialRank} and doubles until the k-th computed value is ≤ τ,
 * MLlib returns fewer than k (it drops values below {@code rCond·σ_max}), or k reaches n.
 *
 * <p><b>Accuracy.</b> Working on {@code AᵀA} squares the condition number: its eigenvalues carry an
 * absolute error of about {@code ε·σ_max²}, so a singular value σ comes out with an error of about
 * {@code ε·σ_max²/σ}. Values down to {@code 10⁻⁴·σ_max} are still good to about {@code 10⁻¹²·σ_max};
 * values below {@link #RCOND}{@code ·σ_max = 10⁻⁹·σ_max} (where the Gramian cannot resolve them at
 * all, κ² > 10¹⁶) are treated as zero, so a threshold τ below that level keeps only those above it.
 * This is why the driver's {@code dgesdd} (which works on A itself) stays the method for every block
 * it can hold: this path is for size, not accuracy.
 *
 * <p><b>Factors.</b> MLlib returns the right singular vectors V of A (n × k, on the driver); the left
 * ones of the kept values are {@code A·V_r·Σ_r⁻¹} (what MLlib's own {@code computeU} computes as a
 * distributed product), formed here by one product with the block the driver already holds.
 *
 * <p><b>Reproducibility.</b> Spark sums the partial Gramians and products in the order tasks finish,
 * so two runs can differ in the last bits (never in a kept rank unless a singular value lies within
 * rounding of τ); the driver's SVD paths are bitwise reproducible.
 */
public final class DistributedSvt {
  private DistributedSvt() {}

  /** MLlib's {@code rCond}: singular values below {@code RCOND·σ_max} are treated as zero. */
  public static final double RCOND = 1e-9;
  /** MLlib runs ARPACK on the distributed Gramian above this n only with k < n. */
  private static final int MLLIB_LOCAL_MAX_N = 15000;

  /**
   * SVT of the row-major {@code rows × cols} block {@code x[off, …)} by τ, with the SVD from
   * {@link RowMatrix#computeSVD} on {@code sc}'s executors. The input is not modified.
   *
   * @param initialRank first target rank (≥ 1); it doubles until the k-th computed σ is ≤ τ
   * @param partitions number of row partitions of the distributed matrix (≥ 1)
   */
  public static Svt.Result threshold(JavaSparkContext sc, double[] x, int off, int rows, int cols, double tau,
      int initialRank, int partitions) {
    Svt.check(x, off, rows, cols, tau);
    if (initialRank < 1) {
      throw new IllegalArgumentException("initialRank must be >= 1, got " + initialRank);
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
    }
    boolean transposed = cols > rows;
    int m = transposed ? cols : rows; // rows of A
    int n = transposed ? rows : cols; // columns of A: the short side
    List<Vector> list = new ArrayList<>(m);
    for (int i = 0; i < m; i++) {
      double[] row = new double[n];
      for (int j = 0; j < n; j++) {
        row[j] = transposed ? x[off + j * cols + i] : x[off + i * cols + j];
      }
      list.add(Vectors.dense(row));
    }
    JavaRDD<Vector> rdd = sc.parallelize(list, Math.min(partitions, m)).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      RowMatrix a = new RowMatrix(rdd.rdd(), m, n);
      int maxK = n > MLLIB_LOCAL_MAX_N ? n - 1 : n;
      for (int k = Math.min(initialRank, maxK); ; k = Math.min(2 * k, maxK)) {
        SingularValueDecomposition<RowMatrix, Matrix> svd = a.computeSVD(k, false, RCOND);
        double[] s = svd.s().toArray();
        if (s.length == k && s[k - 1] > tau) {
          if (k < maxK) {
            continue; // a singular value above τ may lie beyond the target rank
          }
          if (maxK < n) {
            throw new ArithmeticException("distributed SVT: " + maxK + " singular values of a " + rows + " × " + cols
                + " block lie above τ = " + tau + "; MLlib's distributed SVD cannot compute all " + n
                + " of a matrix this wide: threshold it on the driver");
          }
        }
        return result(x, off, rows, cols, tau, transposed, s, svd.V());
      }
    } finally {
      rdd.unpersist(false);
    }
  }

  /** The kept factors of X from σ and the right singular vectors V (n × k, column-major) of A. */
  private static Svt.Result result(double[] x, int off, int rows, int cols, double tau, boolean transposed,
      double[] s, Matrix v) {
    int n = transposed ? rows : cols;
    int m = transposed ? cols : rows;
    int r = 0;
    while (r < s.length && s[r] > tau) {
      r++;
    }
    double[] vKept = Arrays.copyOf(v.toArray(), n * r); // column-major n × r (MLlib's DenseMatrix layout)
    // Left vectors of A: L = A·V_r·Σ_r⁻¹, m × r. A's row-major memory is X's (A = X) or, for A = Xᵀ,
    // X's row-major memory read column-major; compute column-major L = op(M)·V_r with M = x as the
    // column-major cols × rows matrix Xᵀ.
    double[] left = new double[m * r];
    if (r > 0) {
      // A = X (rows × cols) is Mᵀ; A = Xᵀ is M itself.
      Blas.blas().dgemm(transposed ? "N" : "T", "N", m, r, n, 1.0, x, off, cols, vKept, 0, n, 0.0, left, 0, m);
      for (int j = 0; j < r; j++) {
        for (int i = 0; i < m; i++) {
          left[j * m + i] /= s[j];
        }
      }
    }
    // X = U·diag(σ)·Vᵀ: for A = X, U = L and V = V_A; for A = Xᵀ, U = V_A and V = L.
    double[] uColMajor = transposed ? vKept : left; // rows × r
    double[] vColMajor = transposed ? left : vKept; // cols × r
    double[] u = new double[rows * r]; // row-major rows × r
    for (int j = 0; j < r; j++) {
      for (int i = 0; i < rows; i++) {
        u[i * r + j] = uColMajor[j * rows + i];
      }
    }
    double[] vt = vColMajor.clone(); // column-major cols × r is row-major r × cols
    double[] shrunk = new double[r];
    for (int i = 0; i < r; i++) {
      shrunk[i] = s[i] - tau;
    }
    return new Svt.Result(rows, cols, r, u, shrunk, vt, s, false);
  }
}
