package org.fedspark.graph;

/**
 * Exact k nearest neighbours by blocked brute force: the points are cut into blocks of {@link #BLOCK}
 * rows, every pair of blocks (I, J ≥ I) is visited once, and each distance, computed once, is offered to
 * both endpoints' bounded heaps ({@link KnnHeaps}). Memory N·k; time N²·D/2 multiply-adds, so it is the
 * method of choice up to a few thousand clients (5,000 × 256-dim summaries: about 3·10⁹ operations).
 * Ties are broken by the smaller index, so the result is unique.
 */
public final class ExactKnn {
  /** Rows per block: two blocks of 64 × 256 doubles (256 KB) stay in a core's L2 cache. */
  static final int BLOCK = 64;

  private ExactKnn() {}

  public static Neighbors search(double[][] points, int k) {
    int n = Knn.check(points, k);
    KnnHeaps heaps = new KnnHeaps(n, k);
    for (int bi = 0; bi < n; bi += BLOCK) {
      int iEnd = Math.min(n, bi + BLOCK);
      for (int bj = bi; bj < n; bj += BLOCK) {
        int jEnd = Math.min(n, bj + BLOCK);
        for (int i = bi; i < iEnd; i++) {
          double[] a = points[i];
          for (int j = Math.max(bj, i + 1); j < jEnd; j++) {
            double d = Distances.squared(a, points[j]);
            heaps.offer(i, j, d);
            heaps.offer(j, i, d);
          }
        }
      }
    }
    return heaps.toNeighbors();
  }

  /** The exact k nearest neighbours of the single point {@code i} (a scan over all N). */
  static int[] row(double[][] points, int i, int k, double[] distOut) {
    KnnHeaps one = new KnnHeaps(1, k);
    for (int j = 0; j < points.length; j++) {
      if (j != i) {
        one.offer(0, j, Distances.squared(points[i], points[j]));
      }
    }
    Neighbors nb = one.toNeighbors();
    System.arraycopy(nb.dist2()[0], 0, distOut, 0, k);
    return nb.index()[0];
  }
}
