package org.fedspark.codec.tv;

import java.util.Arrays;

/**
 * Optimal weighted k-means in one dimension by dynamic programming (H. Wang and M. Song,
 * "Ckmeans.1d.dp: optimal k-means clustering in one dimension by dynamic programming", The R Journal
 * 3(2), 2011). Minimizes Σ_i w_i (x_i − c_{cluster(i)})² exactly, e.g. to quantize the distinct levels
 * of a piecewise constant update (weights = how often each level occurs) to k values.
 *
 * <p>Why it is exact: in one dimension an optimal clustering is contiguous in sorted order, so with
 * C(j, i) the cost of one cluster of sorted points j…i−1, D_m(i) = min_j D_{m−1}(j) + C(j, i) over the
 * first i points and m clusters. The optimal j is nondecreasing in i (C satisfies the quadrangle
 * inequality; Grønlund et al., "Fast exact k-means, k-medians and Bregman divergence clustering in 1D",
 * 2017), so each row is computed by divide and conquer in O(n log n): O(k·n·log n) in all, plus the
 * sort. C comes from prefix sums of w, wx, wx² of the values shifted by their weighted mean (which keeps
 * the cancellation in Σwx² − (Σwx)²/Σw small); the reported centers and cost are then recomputed from
 * the chosen clusters by the two-pass formula.
 */
public final class Kmeans1d {
  private Kmeans1d() {}

  /**
   * An optimal clustering: centers in ascending order, the cluster of every input value (index into
   * centers), and the weighted within-cluster sum of squares.
   */
  public record Result(double[] centers, int[] assignment, double withinSumOfSquares) {}

  /** Unweighted: every value has weight 1. */
  public static Result fit(double[] x, int k) {
    double[] w = new double[x.length];
    Arrays.fill(w, 1.0);
    return fit(x, w, k);
  }

  /**
   * Optimal k clusters of values {@code x} with positive weights {@code w}; 1 ≤ k ≤ x.length.
   *
   * @throws IllegalArgumentException on NaN/∞ values or weights, non-positive weights, or bad k
   */
  public static Result fit(double[] x, double[] w, int k) {
    int n = x.length;
    if (w.length != n) {
      throw new IllegalArgumentException("x has " + n + " values, w has " + w.length);
    }
    if (k < 1 || k > n) {
      throw new IllegalArgumentException("k is " + k + ", must be in [1, " + n + "]");
    }
    Finite.require(x, "x");
    for (int i = 0; i < n; i++) {
      Finite.requirePositive(w[i], "w[" + i + "]");
    }
    Integer[] boxed = new Integer[n];
    for (int i = 0; i < n; i++) {
      boxed[i] = i;
    }
    Arrays.sort(boxed, (p, q) -> Double.compare(x[p], x[q]));
    double[] xs = new double[n];
    double[] ws = new double[n];
    double totalW = 0;
    double totalWx = 0;
    for (int i = 0; i < n; i++) {
      xs[i] = x[boxed[i]];
      ws[i] = w[boxed[i]];
      totalW += ws[i];
      totalWx += ws[i] * xs[i];
    }
    double shift = totalWx / totalW;
    Prefix prefix = new Prefix(xs, ws, shift);

    int[][] split = new int[k + 1][n + 1];
    double[] prev = new double[n + 1];
    double[] cur = new double[n + 1];
    for (int i = 1; i <= n; i++) {
      prev[i] = prefix.cost(0, i);
    }
    for (int m = 2; m <= k; m++) {
      Arrays.fill(cur, Double.POSITIVE_INFINITY);
      fillRow(prefix, prev, cur, split[m], m, m, n, m - 1, n - 1);
      double[] t = prev;
      prev = cur;
      cur = t;
    }

    int[] sortedCluster = new int[n];
    int end = n;
    for (int m = k; m >= 1; m--) {
      int start = m == 1 ? 0 : split[m][end];
      Arrays.fill(sortedCluster, start, end, m - 1);
      end = start;
    }
    double[] centers = new double[k];
    double[] weight = new double[k];
    for (int i = 0; i < n; i++) {
      centers[sortedCluster[i]] += ws[i] * xs[i];
      weight[sortedCluster[i]] += ws[i];
    }
    for (int c = 0; c < k; c++) {
      centers[c] /= weight[c];
    }
    double cost = 0;
    int[] assignment = new int[n];
    for (int i = 0; i < n; i++) {
      double e = xs[i] - centers[sortedCluster[i]];
      cost += ws[i] * e * e;
      assignment[boxed[i]] = sortedCluster[i];
    }
    return new Result(centers, assignment, cost);
  }

  /**
   * cur[i] = min over j in [jLo, min(jHi, i − 1)] of prev[j] + C(j, i) for i in [iLo, iHi], using that
   * the best j is nondecreasing in i: solve the middle i, then each half within its side of that j.
   */
  private static void fillRow(Prefix prefix, double[] prev, double[] cur, int[] split, int m,
      int iLo, int iHi, int jLo, int jHi) {
    if (iLo > iHi) {
      return;
    }
    int mid = (iLo + iHi) >>> 1;
    int best = jLo;
    double bestCost = Double.POSITIVE_INFINITY;
    for (int j = jLo; j <= Math.min(jHi, mid - 1); j++) {
      double c = prev[j] + prefix.cost(j, mid);
      if (c < bestCost) {
        bestCost = c;
        best = j;
      }
    }
    cur[mid] = bestCost;
    split[mid] = best;
    fillRow(prefix, prev, cur, split, m, iLo, mid - 1, jLo, best);
    fillRow(prefix, prev, cur, split, m, mid + 1, iHi, best, jHi);
  }

  /** Prefix sums of w, w(x − shift), w(x − shift)² for O(1) cluster costs. */
  private static final class Prefix {
    final double[] w;
    final double[] wx;
    final double[] wxx;

    Prefix(double[] xs, double[] ws, double shift) {
      int n = xs.length;
      w = new double[n + 1];
      wx = new double[n + 1];
      wxx = new double[n + 1];
      for (int i = 0; i < n; i++) {
        double y = xs[i] - shift;
        w[i + 1] = w[i] + ws[i];
        wx[i + 1] = wx[i] + ws[i] * y;
        wxx[i + 1] = wxx[i] + ws[i] * y * y;
      }
    }

    /** Σ w(x − mean)² over sorted points j…i−1 = Σwy² − (Σwy)²/Σw (invariant under the shift). */
    double cost(int j, int i) {
      double sw = w[i] - w[j];
      double swx = wx[i] - wx[j];
      return Math.max(0.0, (wxx[i] - wxx[j]) - swx * swx / sw);
    }
  }
}
