package org.fedspark.graph;

import java.util.SplittableRandom;
import org.fedspark.data.partition.Distributions;

/**
 * Recall of an approximate kNN result against exact search: for each of a seeded sample of points
 * (all points when the sample is at least N), the share of its k listed neighbours whose distance is at
 * most the exact k-th nearest distance, averaged. Counting by distance rather than by identity makes
 * ties harmless: a neighbour tied with the exact k-th is as good as the one exact search kept. Cost:
 * one exact scan of N points per sampled point, so a sample of a few hundred is cheap at any N.
 */
public final class KnnRecall {
  private KnnRecall() {}

  /**
   * @param sample number of points checked (≥ N: all)
   * @return the mean recall in [0, 1]
   */
  public static double recall(double[][] points, Neighbors approx, int sample, long seed) {
    int n = points.length;
    int k = approx.k();
    if (approx.numPoints() != n) {
      throw new IllegalArgumentException("neighbour lists for " + approx.numPoints() + " points, but " + n + " points");
    }
    if (sample < 1) {
      throw new IllegalArgumentException("graph.recall-sample must be at least 1 to measure recall, got " + sample);
    }
    int[] rows = Distributions.range(n);
    int m = Math.min(sample, n);
    SplittableRandom rng = new SplittableRandom(seed);
    for (int p = 0; p < m; p++) {
      int q = p + Distributions.uniformInt(rng, n - p);
      int tmp = rows[p];
      rows[p] = rows[q];
      rows[q] = tmp;
    }
    double[] exact = new double[k];
    double total = 0;
    for (int p = 0; p < m; p++) {
      int i = rows[p];
      ExactKnn.row(points, i, k, exact);
      double kth = exact[k - 1];
      int hit = 0;
      for (int j : approx.index()[i]) {
        if (Distances.squared(points[i], points[j]) <= kth) {
          hit++;
        }
      }
      total += (double) hit / k;
    }
    return total / m;
  }
}
