package org.fedspark.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Blocked exact kNN against sorting all pairs, on data with many exact ties and duplicate points. */
class KnnExactTest {
  /** Points with coordinates in {0, 1, 2}: 27 distinct positions for N points, so distances tie a lot. */
  static double[][] gridPoints(int n, int d, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] x = new double[n][d];
    for (double[] row : x) {
      for (int t = 0; t < d; t++) {
        row[t] = rng.nextInt(3);
      }
    }
    return x;
  }

  /** For each i: every j ≠ i sorted by (squared distance, j), first k. */
  static int[][] bruteForce(double[][] x, int k) {
    int[][] out = new int[x.length][];
    for (int i = 0; i < x.length; i++) {
      List<double[]> all = new ArrayList<>();
      for (int j = 0; j < x.length; j++) {
        if (j != i) {
          double d = 0;
          for (int t = 0; t < x[i].length; t++) {
            d += (x[i][t] - x[j][t]) * (x[i][t] - x[j][t]);
          }
          all.add(new double[] {d, j});
        }
      }
      all.sort(Comparator.<double[]>comparingDouble(a -> a[0]).thenComparingDouble(a -> a[1]));
      out[i] = all.subList(0, k).stream().mapToInt(a -> (int) a[1]).toArray();
    }
    return out;
  }

  @Test
  void blockedSearchEqualsSortingAllPairsIncludingTies() {
    // 150 points: blocks of 64, 64 and 22, so diagonal, off-diagonal and ragged blocks all occur.
    for (int d : new int[] {2, 3}) {
      double[][] x = gridPoints(150, d, 10 + d);
      for (int k : new int[] {1, 5, 17, 149}) {
        Neighbors nb = ExactKnn.search(x, k);
        int[][] expected = bruteForce(x, k);
        for (int i = 0; i < x.length; i++) {
          assertArrayEquals(expected[i], nb.index()[i], "d=" + d + " k=" + k + " point " + i);
          for (int q = 0; q < k; q++) {
            double e = Distances.squared(x[i], x[expected[i][q]]);
            assertTrue(e == nb.dist2()[i][q], "distance of neighbour " + q + " of point " + i);
          }
        }
      }
    }
  }

  @Test
  void continuousDataToo() {
    SplittableRandom rng = new SplittableRandom(3);
    double[][] x = new double[200][7];
    for (double[] row : x) {
      for (int t = 0; t < row.length; t++) {
        row[t] = rng.nextDouble();
      }
    }
    Neighbors nb = ExactKnn.search(x, 8);
    int[][] expected = bruteForce(x, 8);
    for (int i = 0; i < x.length; i++) {
      assertArrayEquals(expected[i], nb.index()[i], "point " + i);
    }
  }

  @Test
  void badKNamesTheKey() {
    double[][] x = gridPoints(5, 2, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExactKnn.search(x, 5));
    assertTrue(e.getMessage().contains("graph.k"), e.getMessage());
    double[][] ragged = {{1, 2}, {3}};
    e = assertThrows(IllegalArgumentException.class, () -> ExactKnn.search(ragged, 1));
    assertTrue(e.getMessage().contains("client 1"), e.getMessage());
    double[][] nan = {{1, 2}, {3, Double.NaN}};
    e = assertThrows(IllegalArgumentException.class, () -> ExactKnn.search(nan, 1));
    assertTrue(e.getMessage().contains("client 1"), e.getMessage());
  }
}
