package org.fedspark.codec.tv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Kmeans1dTest {

  /** Weighted within-cluster sum of squares of sorted points split at the given cut positions, two-pass. */
  static double partitionCost(double[] xs, double[] ws, int[] cuts) {
    double cost = 0;
    for (int c = 0; c + 1 < cuts.length; c++) {
      double sw = 0;
      double swx = 0;
      for (int i = cuts[c]; i < cuts[c + 1]; i++) {
        sw += ws[i];
        swx += ws[i] * xs[i];
      }
      double mean = swx / sw;
      for (int i = cuts[c]; i < cuts[c + 1]; i++) {
        cost += ws[i] * (xs[i] - mean) * (xs[i] - mean);
      }
    }
    return cost;
  }

  /** Minimum over every split of the sorted points into k contiguous nonempty groups. */
  static double bruteForce(double[] xs, double[] ws, int k) {
    int n = xs.length;
    double best = Double.POSITIVE_INFINITY;
    for (int mask = 0; mask < (1 << (n - 1)); mask++) {
      if (Integer.bitCount(mask) != k - 1) {
        continue;
      }
      int[] cuts = new int[k + 1];
      int c = 1;
      for (int b = 0; b < n - 1; b++) {
        if ((mask & (1 << b)) != 0) {
          cuts[c++] = b + 1;
        }
      }
      cuts[k] = n;
      best = Math.min(best, partitionCost(xs, ws, cuts));
    }
    return best;
  }

  @Test
  void matchesBruteForceOverAllContiguousPartitions() {
    SplittableRandom rng = new SplittableRandom(41);
    for (int trial = 0; trial < 400; trial++) {
      int n = 1 + rng.nextInt(11);
      double[] x = new double[n];
      double[] w = new double[n];
      double offset = trial % 4 == 0 ? 1000 : 0; // far from the origin: exercises the shift
      for (int i = 0; i < n; i++) {
        x[i] = offset + (trial % 3 == 0 ? rng.nextInt(4) : rng.nextGaussian() * (rng.nextBoolean() ? 1 : 0.01));
        w[i] = trial % 2 == 0 ? 1 : 1 + rng.nextInt(20);
      }
      int k = 1 + rng.nextInt(n);
      Kmeans1d.Result r = Kmeans1d.fit(x, w, k);
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (p, q) -> Double.compare(x[p], x[q]));
      double[] xs = new double[n];
      double[] ws = new double[n];
      for (int i = 0; i < n; i++) {
        xs[i] = x[order[i]];
        ws[i] = w[order[i]];
      }
      double expected = bruteForce(xs, ws, k);
      assertEquals(expected, r.withinSumOfSquares(), 1e-12 * Math.max(expected, 1e-300) + 1e-300,
          "trial " + trial + " n=" + n + " k=" + k);
      checkConsistent(x, w, r);
    }
  }

  /** Centers are the weighted means of their clusters, ascending, and the cost is theirs. */
  static void checkConsistent(double[] x, double[] w, Kmeans1d.Result r) {
    int k = r.centers().length;
    double[] sw = new double[k];
    double[] swx = new double[k];
    for (int i = 0; i < x.length; i++) {
      sw[r.assignment()[i]] += w[i];
      swx[r.assignment()[i]] += w[i] * x[i];
    }
    double cost = 0;
    for (int c = 0; c < k; c++) {
      assertTrue(sw[c] > 0, "empty cluster " + c);
      assertEquals(swx[c] / sw[c], r.centers()[c], 1e-15 * (1 + Math.abs(r.centers()[c])) * x.length);
      if (c > 0) {
        assertTrue(r.centers()[c] >= r.centers()[c - 1]);
      }
    }
    for (int i = 0; i < x.length; i++) {
      double e = x[i] - r.centers()[r.assignment()[i]];
      cost += w[i] * e * e;
    }
    assertEquals(cost, r.withinSumOfSquares(), 1e-12 * cost + 1e-300);
  }

  /**
   * Larger inputs: no brute force, but an optimum must be a fixed point of Lloyd's step (every point
   * at a nearest center), and adding a cluster can never increase the cost.
   */
  @Test
  void largerInputsAreLloydFixedPointsAndCostFallsWithK() {
    SplittableRandom rng = new SplittableRandom(42);
    double[] x = new double[2000];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextInt(6) + 0.2 * rng.nextGaussian();
    }
    double previous = Double.POSITIVE_INFINITY;
    for (int k = 1; k <= 12; k++) {
      Kmeans1d.Result r = Kmeans1d.fit(x, k);
      double[] ones = new double[x.length];
      Arrays.fill(ones, 1);
      checkConsistent(x, ones, r);
      for (int i = 0; i < x.length; i++) {
        double own = Math.abs(x[i] - r.centers()[r.assignment()[i]]);
        for (double c : r.centers()) {
          assertTrue(own <= Math.abs(x[i] - c) + 1e-12, "point " + i + " not at a nearest center, k=" + k);
        }
      }
      assertTrue(r.withinSumOfSquares() <= previous * (1 + 1e-12));
      previous = r.withinSumOfSquares();
    }
  }

  @Test
  void edgeCases() {
    double[] x = {3, -1, 3, 7, -1};
    Kmeans1d.Result all = Kmeans1d.fit(x, 5);
    assertEquals(0.0, all.withinSumOfSquares(), 0.0);
    Kmeans1d.Result one = Kmeans1d.fit(x, 1);
    assertEquals(2.2, one.centers()[0], 1e-15);
    assertEquals(0.8 * 0.8 * 2 + 3.2 * 3.2 * 2 + 4.8 * 4.8, one.withinSumOfSquares(), 1e-12);
    Kmeans1d.Result three = Kmeans1d.fit(x, 3);
    assertEquals(0.0, three.withinSumOfSquares(), 0.0);
    assertEquals(three.assignment()[0], three.assignment()[2]);
    assertThrows(IllegalArgumentException.class, () -> Kmeans1d.fit(x, 6));
    assertThrows(IllegalArgumentException.class, () -> Kmeans1d.fit(x, 0));
    assertThrows(IllegalArgumentException.class, () -> Kmeans1d.fit(new double[] {1, Double.NaN}, 1));
    assertThrows(IllegalArgumentException.class, () -> Kmeans1d.fit(new double[] {1, 2}, new double[] {1, 0}, 1));
  }
}
