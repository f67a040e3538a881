package org.fedspark.graph;

/**
 * One bounded max-heap of the k best candidates per point, in flat arrays (N·k ints and doubles, no
 * per-point objects). A candidate j at squared distance d beats the current worst (j', d') when
 * {@code (d, j) < (d', j')} lexicographically, which makes the kept set independent of the order in
 * which candidates arrive: the k smallest (distance, index) pairs, ties going to the smaller index.
 */
final class KnnHeaps {
  private final int k;
  private final int[] idx;
  private final double[] dist;
  private final int[] size;

  KnnHeaps(int n, int k) {
    this.k = k;
    this.idx = new int[Math.multiplyExact(n, k)];
    this.dist = new double[n * k];
    this.size = new int[n];
  }

  /** Whether point {@code i} already holds candidate {@code j} (O(k): k is small). */
  boolean contains(int i, int j) {
    int base = i * k;
    for (int p = 0; p < size[i]; p++) {
      if (idx[base + p] == j) {
        return true;
      }
    }
    return false;
  }

  /** Offers candidate {@code j} at squared distance {@code d} to point {@code i}; duplicates must be excluded by the caller. */
  void offer(int i, int j, double d) {
    int base = i * k;
    int s = size[i];
    if (s < k) {
      int p = s;
      size[i] = s + 1;
      while (p > 0) {
        int parent = (p - 1) >>> 1;
        if (!worse(d, j, dist[base + parent], idx[base + parent])) {
          break;
        }
        dist[base + p] = dist[base + parent];
        idx[base + p] = idx[base + parent];
        p = parent;
      }
      dist[base + p] = d;
      idx[base + p] = j;
      return;
    }
    if (!worse(dist[base], idx[base], d, j)) {
      return;
    }
    int p = 0;
    while (true) {
      int l = 2 * p + 1;
      if (l >= k) {
        break;
      }
      int r = l + 1;
      int c = r < k && worse(dist[base + r], idx[base + r], dist[base + l], idx[base + l]) ? r : l;
      if (!worse(dist[base + c], idx[base + c], d, j)) {
        break;
      }
      dist[base + p] = dist[base + c];
      idx[base + p] = idx[base + c];
      p = c;
    }
    dist[base + p] = d;
    idx[base + p] = j;
  }

  /** Whether (d1, j1) ranks after (d2, j2). */
  private static boolean worse(double d1, int j1, double d2, int j2) {
    return d1 > d2 || (d1 == d2 && j1 > j2);
  }

  /** The heaps as sorted neighbour lists. */
  Neighbors toNeighbors() {
    int n = size.length;
    int[][] outIdx = new int[n][];
    double[][] outDist = new double[n][];
    for (int i = 0; i < n; i++) {
      if (size[i] != k) {
        throw new IllegalStateException("point " + i + " has " + size[i] + " candidates, expected " + k);
      }
      Integer[] order = new Integer[k];
      for (int p = 0; p < k; p++) {
        order[p] = i * k + p;
      }
      java.util.Arrays.sort(order, (a, b) -> dist[a] != dist[b] ? Double.compare(dist[a], dist[b]) : Integer.compare(idx[a], idx[b]));
      outIdx[i] = new int[k];
      outDist[i] = new double[k];
      for (int p = 0; p < k; p++) {
        outIdx[i][p] = idx[order[p]];
        outDist[i][p] = dist[order[p]];
      }
    }
    return new Neighbors(outIdx, outDist);
  }
}
