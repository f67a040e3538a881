package org.fedspark.graph;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.fedspark.data.partition.Distributions;

/**
 * Approximate k nearest neighbours for large N: a forest of random-projection trees gives candidates,
 * then neighbour-of-neighbour refinement improves them.
 *
 * <ol>
 *   <li><b>Trees</b> (Dasgupta &amp; Freund, "Random projection trees and low dimensional manifolds",
 *       STOC 2008): each node draws a Gaussian direction w and splits its points at the median of
 *       {@code wᵀx} (ties by index, so every split halves the node, even with duplicate points), until
 *       a leaf has at most {@code leafSize} points. Points of the same leaf are candidates of each other;
 *       each extra tree is an independent chance that a true neighbour shares a leaf.</li>
 *   <li><b>Refinement</b> (Dong, Moses &amp; Li, "Efficient k-nearest neighbor graph construction for
 *       generic similarity measures", WWW 2011): "a neighbour of my neighbour is likely my neighbour";
 *       each round offers every point the current neighbours of its neighbours.</li>
 * </ol>
 * Every distance is exact, so the result is a subset of true distances: recall (the share of the
 * exact k nearest found, {@link KnnRecall}) is the only approximation. Cost: about
 * {@code N·(trees·leafSize + refine·k²)·D} plus {@code trees·N·log(N)·D} for the projections, and
 * memory N·k plus one tree's index permutation. Deterministic for a given seed.
 */
public final class RpForestKnn {
  private RpForestKnn() {}

  /**
   * @param trees number of trees (graph.trees)
   * @param leafSize largest leaf (graph.leaf-size); must exceed k for a leaf to offer k candidates
   * @param refine rounds of neighbour-of-neighbour refinement (graph.refine-iterations)
   * @param seed seed of the projection directions
   */
  public static Neighbors search(double[][] points, int k, int trees, int leafSize, int refine, long seed) {
    int n = Knn.check(points, k);
    if (trees < 1) {
      throw new IllegalArgumentException("graph.trees must be at least 1, got " + trees);
    }
    if (leafSize <= k) {
      throw new IllegalArgumentException("graph.leaf-size (" + leafSize + ") must exceed graph.k (" + k
          + "): a leaf must hold a point's k candidates");
    }
    if (refine < 0) {
      throw new IllegalArgumentException("graph.refine-iterations must be >= 0, got " + refine);
    }
    KnnHeaps heaps = new KnnHeaps(n, k);
    SplittableRandom rng = new SplittableRandom(seed);
    for (int t = 0; t < trees; t++) {
      buildTree(points, leafSize, rng.split(), heaps);
    }
    for (int r = 0; r < refine; r++) {
      refine(points, heaps, k);
    }
    return heaps.toNeighbors();
  }

  /** One tree: split ranges of a permutation of 0..N−1 until leaves are small, then offer leaf pairs. */
  private static void buildTree(double[][] points, int leafSize, SplittableRandom rng, KnnHeaps heaps) {
    int n = points.length;
    int d = points[0].length;
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    double[] proj = new double[n];
    double[] w = new double[d];
    ArrayDeque<int[]> todo = new ArrayDeque<>();
    todo.push(new int[] {0, n});
    while (!todo.isEmpty()) {
      int[] range = todo.pop();
      int lo = range[0];
      int hi = range[1];
      if (hi - lo <= leafSize) {
        offerLeaf(points, perm, lo, hi, heaps);
        continue;
      }
      for (int t = 0; t < d; t++) {
        w[t] = Distributions.gaussian(rng);
      }
      for (int p = lo; p < hi; p++) {
        double[] x = points[perm[p]];
        double s = 0;
        for (int t = 0; t < d; t++) {
          s += w[t] * x[t];
        }
        proj[perm[p]] = s;
      }
      Integer[] sorted = new Integer[hi - lo];
      for (int p = lo; p < hi; p++) {
        sorted[p - lo] = perm[p];
      }
      Arrays.sort(sorted, (a, b) -> proj[a] != proj[b] ? Double.compare(proj[a], proj[b]) : Integer.compare(a, b));
      for (int p = lo; p < hi; p++) {
        perm[p] = sorted[p - lo];
      }
      int mid = (lo + hi) >>> 1;
      todo.push(new int[] {mid, hi});
      todo.push(new int[] {lo, mid});
    }
  }

  private static void offerLeaf(double[][] points, int[] perm, int lo, int hi, KnnHeaps heaps) {
    for (int p = lo; p < hi; p++) {
      int i = perm[p];
      for (int q = p + 1; q < hi; q++) {
        offerPair(points, i, perm[q], heaps);
      }
    }
  }

  /** Offers the pair to both endpoints (each only if new to it), computing the distance at most once. */
  private static void offerPair(double[][] points, int i, int j, KnnHeaps heaps) {
    boolean toI = !heaps.contains(i, j);
    boolean toJ = !heaps.contains(j, i);
    if (!toI && !toJ) {
      return;
    }
    double d = Distances.squared(points[i], points[j]);
    if (toI) {
      heaps.offer(i, j, d);
    }
    if (toJ) {
      heaps.offer(j, i, d);
    }
  }

  /** One round: every point is offered its neighbours' neighbours, from a snapshot of the lists. */
  private static void refine(double[][] points, KnnHeaps heaps, int k) {
    Neighbors snap = heaps.toNeighbors();
    for (int i = 0; i < points.length; i++) {
      for (int j : snap.index()[i]) {
        for (int l : snap.index()[j]) {
          if (l != i) {
            offerPair(points, i, l, heaps);
          }
        }
      }
    }
  }
}
