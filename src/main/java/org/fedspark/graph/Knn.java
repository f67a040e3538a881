package org.fedspark.graph;

/** Shared argument checks of the kNN searches. */
final class Knn {
  private Knn() {}

  /** Checks the points (same length, finite) and k (1 ≤ k < N); returns N. */
  static int check(double[][] points, int k) {
    int n = points.length;
    if (n < 2) {
      throw new IllegalArgumentException("a similarity network needs at least 2 clients, got " + n);
    }
    if (k < 1 || k >= n) {
      throw new IllegalArgumentException("graph.k must be between 1 and the number of clients − 1 (" + (n - 1)
          + "), got " + k);
    }
    int d = points[0].length;
    for (int i = 0; i < n; i++) {
      if (points[i].length != d) {
        throw new IllegalArgumentException("summary of client " + i + " has " + points[i].length
            + " values, client 0's has " + d + ": all summaries must have the same length");
      }
      for (double v : points[i]) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("summary of client " + i + " holds " + v
              + ": summaries must be finite (did its warm-up diverge?)");
        }
      }
    }
    return n;
  }
}
