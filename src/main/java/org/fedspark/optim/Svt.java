package org.fedspark.optim;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.fedspark.model.Blas;
import org.netlib.util.intW;

/**
 * Singular value thresholding, the prox of the nuclear norm: {@code prox_{τ‖·‖_*}(X) = U·diag(max(σ −
 * τ, 0))·Vᵀ} for the SVD {@code X = U·diag(σ)·Vᵀ} (Cai, Candès and Shen, "A singular value thresholding
 * algorithm for matrix completion", SIAM J. Optimization 20(4), 2010). The nuclear norm is unitarily
 * invariant, so its prox acts on the singular values only, and there it is the ℓ1 prox (soft
 * threshold) of the non-negative vector σ.
 *
 * <p>Two ways to get the SVD:
 *
 * <ul>
 *   <li>{@link #exact}: LAPACK {@code dgesdd} (divide and conquer), falling back to {@code dgesvd}
 *       (QR iteration) when {@code dgesdd} reports non-convergence ({@code info > 0}).
 *   <li>{@link #randomized}: only the leading singular triplets, by the randomized range finder with
 *       subspace (power) iteration of Halko, Martinsson and Tropp ("Finding structure with
 *       randomness", SIAM Review 53(2), 2011, Algorithms 4.4 and 5.1): {@code Q = orth(A·Ω)} for a
 *       Gaussian Ω with {@code k + p} columns, refined by {@code q} rounds of {@code orth(Aᵀ Q)},
 *       {@code orth(A·…)}; then the exact SVD of the small {@code (k + p) × n} matrix {@code Qᵀ A}.
 *       Thresholding needs every singular value above τ, so the target rank k doubles until the
 *       k-th computed one is ≤ τ (the rule Cai, Candès and Shen use with a partial SVD); every kept
 *       value then has the p oversampling directions beyond it, which is what makes it accurate
 *       (Halko et al., Section 10: the error scales like {@code (σ_{k+p+1}/σ_j)^{2q+1}}). Since the
 *       computed values lie below the true ones, σ's just above τ can in principle hide beyond the
 *       computed range; the power iterations make this unlikely whenever the spectrum decays across τ,
 *       which is the regime where a partial SVD pays off.
 * </ul>
 *
 * <p>{@link #threshold(double[], int, int, int, double)} picks: exact when {@code min(rows, cols) ≤}
 * {@link #EXACT_MAX_DIM}, else randomized, which itself switches to exact once its subspace would
 * exceed a quarter of {@code min(rows, cols)} (then the kept rank is large and a full SVD costs about
 * the same as the repeated passes over X).
 *
 * <p>Layout: fedspark matrices are row-major; LAPACK is column-major. The row-major {@code rows × cols}
 * X is, in memory, the column-major {@code cols × rows} matrix {@code M = Xᵀ}, and SVT commutes with
 * transposition ({@code Xᵀ = V·diag(σ)·Uᵀ}), so everything is computed on M and the result's memory is
 * directly the row-major answer. The factors of M map to those of X by the same identity (see
 * {@link Result}).
 */
public final class Svt {
  private Svt() {}

  /** {@link #threshold(double[], int, int, int, double)} uses the exact SVD up to this smaller dimension. */
  public static final int EXACT_MAX_DIM = 64;
  /** Extra random directions beyond the target rank (Halko et al. recommend 5 to 10). */
  public static final int OVERSAMPLING = 10;
  /** Subspace iterations; each multiplies the error by {@code (σ_{l+1}/σ_k)²}. */
  public static final int POWER_ITERATIONS = 2;
  /** First target rank of the randomized method when no hint is given. */
  public static final int INITIAL_RANK = 8;
  /** Seed of the Gaussian test matrix: runs are reproducible. */
  static final long SEED = 0x5EEDL;

  /** Test hook: forces the {@code dgesvd} fallback, which otherwise runs only on {@code dgesdd} failure. */
  static volatile boolean forceGesvd = false;

  /**
   * A thresholded matrix {@code Y = u·diag(shrunk)·vt} kept in factored form.
   *
   * @param rows rows of X and Y
   * @param cols columns of X and Y
   * @param rank the kept rank r: the number of singular values of X above τ
   * @param u the left singular vectors of X kept, row-major {@code rows × r}
   * @param shrunk {@code σ_i − τ > 0} for the kept values, descending, length r
   * @param vt the right singular vectors of X kept, transposed, row-major {@code r × cols}
   * @param sigma the singular values of X computed, descending: all {@code min(rows, cols)} of them
   *     for the exact SVD, the leading k (the target rank; the last one ≤ τ) for the randomized one,
   *     whose p oversampling values beyond k are less accurate and not reported; for
   *     {@link DistributedSvt} the leading k, fewer when MLlib dropped values below {@code rCond·σ_max}
   * @param exact whether the exact (full, driver) SVD was used
   */
  public record Result(int rows, int cols, int rank, double[] u, double[] shrunk, double[] vt,
      double[] sigma, boolean exact) {

    /** Writes Y, row-major {@code rows × cols}, into {@code out[off, off + rows·cols)}. */
    public void writeTo(double[] out, int off) {
      int m = cols;
      int n = rows;
      if (rank == 0) {
        Arrays.fill(out, off, off + m * n, 0.0);
        return;
      }
      // Column-major view: Yᵀ (m × n) = (vt as column-major m × r)·diag(shrunk)·(u as column-major r × n).
      double[] scaled = Arrays.copyOf(vt, m * rank);
      for (int i = 0; i < rank; i++) {
        double s = shrunk[i];
        for (int a = i * m, end = a + m; a < end; a++) {
          scaled[a] *= s;
        }
      }
      Blas.blas().dgemm("N", "N", m, n, rank, 1.0, scaled, 0, m, u, 0, rank, 0.0, out, off, m);
    }

    /** Y as a new row-major array. */
    public double[] toArray() {
      double[] out = new double[rows * cols];
      writeTo(out, 0);
      return out;
    }
  }

  /** SVT of the row-major {@code rows × cols} block {@code x[off, …)} by τ, exact or randomized as above. */
  public static Result threshold(double[] x, int off, int rows, int cols, double tau) {
    if (Math.min(rows, cols) <= EXACT_MAX_DIM) {
      return exact(x, off, rows, cols, tau);
    }
    return randomized(x, off, rows, cols, tau, INITIAL_RANK, SEED);
  }

  /** SVT through the full SVD ({@code dgesdd}, or {@code dgesvd} if it fails). The input is not modified. */
  public static Result exact(double[] x, int off, int rows, int cols, double tau) {
    check(x, off, rows, cols, tau);
    int m = cols;
    int n = rows;
    Svd svd = fullSvd(Arrays.copyOfRange(x, off, off + m * n), m, n);
    int k = svd.s.length;
    int r = countAbove(svd.s, tau);
    // u of X = first r rows of vt of M (column-major k × n, ld k) compacted to ld r.
    double[] uX = new double[n * r];
    for (int j = 0; j < n; j++) {
      System.arraycopy(svd.vt, j * k, uX, j * r, r);
    }
    // vt of X = first r columns of u of M (column-major m × k): contiguous.
    double[] vtX = Arrays.copyOf(svd.u, m * r);
    return new Result(rows, cols, r, uX, shrink(svd.s, r, tau), vtX, svd.s, true);
  }

  /**
   * SVT through the randomized partial SVD, target rank k starting at {@code initialRank} and doubling
   * until the k-th computed singular value is ≤ τ; switches to {@link #exact} when the subspace
   * would exceed {@code min(rows, cols)/4}. The input is not modified.
   *
   * @param seed seed of the Gaussian test matrices (same seed, same answer)
   */
  public static Result randomized(double[] x, int off, int rows, int cols, double tau, int initialRank, long seed) {
    check(x, off, rows, cols, tau);
    if (initialRank < 1) {
      throw new IllegalArgumentException("initialRank must be >= 1, got " + initialRank);
    }
    int m = cols;
    int n = rows;
    int minDim = Math.min(m, n);
    SplittableRandom rng = new SplittableRandom(seed);
    for (int k = initialRank; ; k *= 2) {
      int l = k + OVERSAMPLING;
      if (4 * l > minDim) {
        return exact(x, off, rows, cols, tau);
      }
      double[] q = rangeFinder(x, off, m, n, l, rng);
      // B = Qᵀ M, l × n.
      double[] b = new double[l * n];
      Blas.blas().dgemm("T", "N", l, n, m, 1.0, q, 0, m, x, off, m, 0.0, b, 0, l);
      Svd small = fullSvd(b, l, n); // u: l × l, vt: l × n (ld l)
      if (small.s[k - 1] > tau) {
        continue; // a singular value above τ may lie beyond the target rank
      }
      int r = countAbove(small.s, tau); // < k: every kept value has p oversampling directions beyond it
      double[] vtX = new double[m * r]; // = U of M = Q·U_B, first r columns
      if (r > 0) {
        Blas.blas().dgemm("N", "N", m, r, l, 1.0, q, 0, m, small.u, 0, l, 0.0, vtX, 0, m);
      }
      double[] uX = new double[n * r];
      for (int j = 0; j < n; j++) {
        System.arraycopy(small.vt, j * l, uX, j * r, r);
      }
      return new Result(rows, cols, r, uX, shrink(small.s, r, tau), vtX, Arrays.copyOf(small.s, k), false);
    }
  }

  /** All singular values of the row-major {@code rows × cols} block, descending ({@code dgesdd}, no vectors). */
  public static double[] singularValues(double[] x, int off, int rows, int cols) {
    check(x, off, rows, cols, 0);
    int m = cols;
    int n = rows;
    int k = Math.min(m, n);
    double[] a = Arrays.copyOfRange(x, off, off + m * n);
    double[] s = new double[k];
    LAPACK lapack = Blas.lapack();
    int[] iwork = new int[8 * k];
    intW info = new intW(0);
    double[] query = new double[1];
    lapack.dgesdd("N", m, n, a, m, s, new double[1], 1, new double[1], 1, query, -1, iwork, info);
    double[] work = new double[Math.max(1, (int) query[0])];
    lapack.dgesdd("N", m, n, a, m, s, new double[1], 1, new double[1], 1, work, work.length, iwork, info);
    if (info.val != 0) {
      throw new ArithmeticException("dgesdd failed, info = " + info.val);
    }
    return s;
  }

  /** Thin SVD {@code A = U·diag(s)·VT} of a column-major m × n matrix (destroyed); u m × k, vt k × n, k = min(m, n). */
  record Svd(double[] u, double[] s, double[] vt) {}

  static Svd fullSvd(double[] a, int m, int n) {
    int k = Math.min(m, n);
    double[] s = new double[k];
    double[] u = new double[m * k];
    double[] vt = new double[k * n];
    LAPACK lapack = Blas.lapack();
    intW info = new intW(0);
    double[] query = new double[1];
    if (!forceGesvd) {
      double[] copy = a.clone(); // dgesdd destroys it; keep a for the fallback
      int[] iwork = new int[8 * k];
      lapack.dgesdd("S", m, n, copy, m, s, u, m, vt, k, query, -1, iwork, info);
      double[] work = new double[Math.max(1, (int) query[0])];
      lapack.dgesdd("S", m, n, copy, m, s, u, m, vt, k, work, work.length, iwork, info);
      if (info.val == 0) {
        return new Svd(u, s, vt);
      }
      if (info.val < 0) {
        throw new IllegalStateException("dgesdd: illegal argument " + (-info.val));
      }
      info.val = 0; // info > 0: divide and conquer did not converge; QR iteration below is more robust
    }
    lapack.dgesvd("S", "S", m, n, a, m, s, u, m, vt, k, query, -1, info);
    double[] work = new double[Math.max(1, (int) query[0])];
    lapack.dgesvd("S", "S", m, n, a, m, s, u, m, vt, k, work, work.length, info);
    if (info.val != 0) {
      throw new ArithmeticException("dgesvd did not converge, info = " + info.val);
    }
    return new Svd(u, s, vt);
  }

  /**
   * Orthonormal m × l basis (column-major) of the range of {@code M·(MᵀM)^q·Ω}, re-orthonormalising
   * after every product so the small singular directions are not lost to rounding (Halko et al.,
   * Algorithm 4.4).
   */
  private static double[] rangeFinder(double[] x, int off, int m, int n, int l, SplittableRandom rng) {
    BLAS blas = Blas.blas();
    double[] omega = new double[n * l];
    for (int i = 0; i < omega.length; i++) {
      omega[i] = rng.nextGaussian();
    }
    double[] y = new double[m * l];
    blas.dgemm("N", "N", m, l, n, 1.0, x, off, m, omega, 0, n, 0.0, y, 0, m);
    orthonormalize(y, m, l);
    double[] z = omega; // reused, n × l
    for (int it = 0; it < POWER_ITERATIONS; it++) {
      blas.dgemm("T", "N", n, l, m, 1.0, x, off, m, y, 0, m, 0.0, z, 0, n);
      orthonormalize(z, n, l);
      blas.dgemm("N", "N", m, l, n, 1.0, x, off, m, z, 0, n, 0.0, y, 0, m);
      orthonormalize(y, m, l);
    }
    return y;
  }

  /** Replaces the column-major m × l matrix (l ≤ m) by the Q of its QR factorisation ({@code dgeqrf} + {@code dorgqr}). */
  private static void orthonormalize(double[] a, int m, int l) {
    LAPACK lapack = Blas.lapack();
    double[] tau = new double[l];
    intW info = new intW(0);
    double[] q1 = new double[1];
    double[] q2 = new double[1];
    lapack.dgeqrf(m, l, a, m, tau, q1, -1, info);
    lapack.dorgqr(m, l, l, a, m, tau, q2, -1, info);
    double[] work = new double[Math.max(1, (int) Math.max(q1[0], q2[0]))];
    lapack.dgeqrf(m, l, a, m, tau, work, work.length, info);
    if (info.val != 0) {
      throw new IllegalStateException("dgeqrf: info = " + info.val);
    }
    lapack.dorgqr(m, l, l, a, m, tau, work, work.length, info);
    if (info.val != 0) {
      throw new IllegalStateException("dorgqr: info = " + info.val);
    }
  }

  private static int countAbove(double[] s, double tau) {
    int r = 0;
    while (r < s.length && s[r] > tau) {
      r++;
    }
    return r;
  }

  private static double[] shrink(double[] s, int r, double tau) {
    double[] out = new double[r];
    for (int i = 0; i < r; i++) {
      out[i] = s[i] - tau;
    }
    return out;
  }

  static void check(double[] x, int off, int rows, int cols, double tau) {
    if (rows < 1 || cols < 1) {
      throw new IllegalArgumentException("matrix must be at least 1 × 1, got " + rows + " × " + cols);
    }
    Prox.checkThreshold(tau);
    Prox.checkFinite(x, off, Math.multiplyExact(rows, cols));
  }
}
