package org.fedspark.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Symmetric (union) vs mutual kNN edges, weights and group shares. */
class KnnGraphTest {
  /**
   * Points 0, 1, 3, 7 on a line, k = 1: nearest neighbours 0→1, 1→0, 3→1, 7→3. Union: {0-1, 1-3, 3-7};
   * mutual: {0-1}. Squared kNN distances 1, 1, 4, 16: median σ² = 2.5.
   */
  @Test
  void smallLineByHand() {
    double[][] x = {{0}, {1}, {3}, {7}};
    Neighbors nb = ExactKnn.search(x, 1);
    KnnGraph union = KnnGraph.of(nb, KnnGraph.Symmetrization.UNION, KnnGraph.Weighting.GAUSSIAN);
    assertArrayEquals(new int[] {0, 1, 2}, union.from());
    assertArrayEquals(new int[] {1, 2, 3}, union.to());
    assertArrayEquals(new double[] {Math.exp(-1 / 2.5), Math.exp(-4 / 2.5), Math.exp(-16 / 2.5)}, union.weights(), 1e-15);
    assertArrayEquals(new int[] {1, 2, 2, 1}, union.degrees());
    KnnGraph mutual = KnnGraph.of(nb, KnnGraph.Symmetrization.MUTUAL, KnnGraph.Weighting.UNIT);
    assertArrayEquals(new int[] {0}, mutual.from());
    assertArrayEquals(new int[] {1}, mutual.to());
    assertArrayEquals(new double[] {1}, mutual.weights());
    assertArrayEquals(new int[] {1, 1, 0, 0}, mutual.degrees());
    int[] groups = {0, 0, 1, 1};
    assertEquals(2.0 / 3, union.withinGroupShare(groups), 1e-15);
    assertEquals(1.0, mutual.withinGroupShare(groups), 0);
    assertEquals((2 + 2) / 12.0, KnnGraph.randomWithinGroupShare(groups), 1e-15);
  }

  /** On random data with ties, the edge sets equal the definitions evaluated with hash sets. */
  @Test
  void edgeSetsMatchTheirDefinitions() {
    double[][] x = KnnExactTest.gridPoints(120, 3, 4);
    int k = 6;
    Neighbors nb = ExactKnn.search(x, k);
    Set<Long> directed = new HashSet<>();
    for (int i = 0; i < x.length; i++) {
      for (int j : nb.index()[i]) {
        directed.add((long) i * x.length + j);
      }
    }
    Set<Long> union = new HashSet<>();
    Set<Long> mutual = new HashSet<>();
    for (int i = 0; i < x.length; i++) {
      for (int j = i + 1; j < x.length; j++) {
        boolean ij = directed.contains((long) i * x.length + j);
        boolean ji = directed.contains((long) j * x.length + i);
        if (ij || ji) {
          union.add((long) i * x.length + j);
        }
        if (ij && ji) {
          mutual.add((long) i * x.length + j);
        }
      }
    }
    KnnGraph gu = KnnGraph.of(nb, KnnGraph.Symmetrization.UNION, KnnGraph.Weighting.UNIT);
    KnnGraph gm = KnnGraph.of(nb, KnnGraph.Symmetrization.MUTUAL, KnnGraph.Weighting.UNIT);
    assertEquals(union, edges(gu, x.length));
    assertEquals(mutual, edges(gm, x.length));
    assertTrue(mutual.size() < union.size(), "ties and hubs make some relations one-sided");
    for (int deg : gu.degrees()) {
      assertTrue(deg >= k);
    }
    for (int deg : gm.degrees()) {
      assertTrue(deg <= k);
    }
    for (int e = 1; e < gu.numEdges(); e++) {
      assertTrue(gu.from()[e - 1] < gu.from()[e] || (gu.from()[e - 1] == gu.from()[e] && gu.to()[e - 1] < gu.to()[e]),
          "edges sorted and unique");
    }
  }

  private static Set<Long> edges(KnnGraph g, int n) {
    Set<Long> s = new HashSet<>();
    for (int e = 0; e < g.numEdges(); e++) {
      assertTrue(g.from()[e] < g.to()[e]);
      s.add((long) g.from()[e] * n + g.to()[e]);
    }
    assertEquals(g.numEdges(), s.size(), "no duplicate edges");
    return s;
  }

  @Test
  void allIdenticalPointsGetUnitWeights() {
    double[][] x = {{1, 1}, {1, 1}, {1, 1}};
    KnnGraph g = KnnGraph.of(ExactKnn.search(x, 2), KnnGraph.Symmetrization.UNION, KnnGraph.Weighting.GAUSSIAN);
    assertArrayEquals(new double[] {1, 1, 1}, g.weights(), 0);
  }
}
