package org.fedspark.graph;

import java.util.Arrays;

/**
 * An undirected weighted similarity network as an edge list: edge e joins {@code from[e] < to[e]} with
 * weight {@code weights[e]}, edges sorted by (from, to), no duplicates and no self-loops. Memory is
 * O(edges) ≤ N·k, never N².
 */
public record KnnGraph(int numNodes, int[] from, int[] to, double[] weights) implements java.io.Serializable {
  /** How the directed kNN relation becomes undirected edges. */
  public enum Symmetrization {
    /** Symmetric kNN: an edge when either endpoint is among the other's k nearest (degree ≥ k). */
    UNION,
    /** Mutual kNN: an edge when each is among the other's k nearest (degree ≤ k; may isolate points). */
    MUTUAL
  }

  /** Edge weights. */
  public enum Weighting {
    /**
     * {@code exp(−d²/σ²)}, with σ² the median of the N·k squared kNN distances: a heat kernel whose scale
     * adapts to the data (a typical neighbour pair gets weight 1/e); all 1 when that median is 0.
     */
    GAUSSIAN,
    /** Every edge weighs 1. */
    UNIT
  }

  public KnnGraph {
    if (from.length != to.length || from.length != weights.length) {
      throw new IllegalArgumentException("from, to and weights must have the same length");
    }
  }

  /** The kNN graph of neighbour lists. */
  public static KnnGraph of(Neighbors nb, Symmetrization mode, Weighting weighting) {
    int n = nb.numPoints();
    int k = nb.k();
    long[] sorted = new long[n * k];
    int p = 0;
    for (int i = 0; i < n; i++) {
      for (int q = 0; q < k; q++) {
        int j = nb.index()[i][q];
        sorted[p++] = (long) Math.min(i, j) * n + Math.max(i, j);
      }
    }
    Arrays.sort(sorted);
    double sigma2 = weighting == Weighting.GAUSSIAN ? medianKnnDistance2(nb) : 0;
    int[] from = new int[sorted.length];
    int[] to = new int[sorted.length];
    double[] w = new double[sorted.length];
    int e = 0;
    for (int s = 0; s < sorted.length; ) {
      int t = s;
      while (t < sorted.length && sorted[t] == sorted[s]) {
        t++;
      }
      int count = t - s; // 1 (one direction) or 2 (both)
      if (mode == Symmetrization.UNION || count == 2) {
        int a = (int) (sorted[s] / n);
        int b = (int) (sorted[s] % n);
        from[e] = a;
        to[e] = b;
        w[e] = weighting == Weighting.UNIT || sigma2 == 0 ? 1.0 : Math.exp(-distance2(nb, a, b) / sigma2);
        e++;
      }
      s = t;
    }
    return new KnnGraph(n, Arrays.copyOf(from, e), Arrays.copyOf(to, e), Arrays.copyOf(w, e));
  }

  /** σ² of {@link Weighting#GAUSSIAN}: median of all N·k listed squared distances. */
  static double medianKnnDistance2(Neighbors nb) {
    int n = nb.numPoints();
    int k = nb.k();
    double[] all = new double[n * k];
    for (int i = 0; i < n; i++) {
      System.arraycopy(nb.dist2()[i], 0, all, i * k, k);
    }
    return MedianBandwidth.median(all, all.length);
  }

  /** The squared distance of a listed pair (from whichever endpoint lists the other). */
  private static double distance2(Neighbors nb, int a, int b) {
    for (int q = 0; q < nb.k(); q++) {
      if (nb.index()[a][q] == b) {
        return nb.dist2()[a][q];
      }
    }
    for (int q = 0; q < nb.k(); q++) {
      if (nb.index()[b][q] == a) {
        return nb.dist2()[b][q];
      }
    }
    throw new IllegalStateException("pair " + a + "-" + b + " is not in the neighbour lists");
  }

  public int numEdges() {
    return from.length;
  }

  /** Number of edges at each node. */
  public int[] degrees() {
    int[] deg = new int[numNodes];
    for (int e = 0; e < from.length; e++) {
      deg[from[e]]++;
      deg[to[e]]++;
    }
    return deg;
  }

  /** Share of edges whose endpoints have the same ground-truth group (NaN for no edges). */
  public double withinGroupShare(int[] groups) {
    checkGroups(groups);
    int within = 0;
    for (int e = 0; e < from.length; e++) {
      if (groups[from[e]] == groups[to[e]]) {
        within++;
      }
    }
    return from.length == 0 ? Double.NaN : (double) within / from.length;
  }

  /**
   * The within-group share a graph with edges between uniformly random pairs would have,
   * {@code Σ_g n_g(n_g − 1) / (N(N − 1))}: the baseline a similarity network must beat.
   */
  public static double randomWithinGroupShare(int[] groups) {
    int n = groups.length;
    java.util.Map<Integer, Integer> sizes = new java.util.HashMap<>();
    for (int g : groups) {
      sizes.merge(g, 1, Integer::sum);
    }
    double pairs = 0;
    for (int s : sizes.values()) {
      pairs += (double) s * (s - 1);
    }
    return pairs / ((double) n * (n - 1));
  }

  private void checkGroups(int[] groups) {
    if (groups.length != numNodes) {
      throw new IllegalArgumentException("groups for " + groups.length + " clients, graph has " + numNodes);
    }
  }
}
