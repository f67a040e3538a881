package org.fedspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The held-out share ({@code data.holdout-fraction}): the same examples are set aside whatever the
 * partition settings, the held-out run and the rest never share an example, and together they use
 * every one.
 */
class HoldoutTest {
  private static int[] labels(int n) {
    SplittableRandom r = new SplittableRandom(5);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = r.nextInt(10);
    }
    return y;
  }

  private static DataSpec spec(DataSpec.Scheme scheme, int clients, double fraction, boolean use, long seed) {
    Specs s = Specs.of(DataSpec.Source.FASHION_MNIST, "");
    s.seed = seed;
    s.partition(scheme, clients);
    return s.build().withHoldout(new DataSpec.Holdout(fraction, use));
  }

  private static int[] assign(DataSpec spec, int[] y) {
    return Partitioning.assign(Partitioning.partitioner(spec), spec, y, 10);
  }

  @Test
  void theHeldOutShareAndTheRestPartitionTheExamples() {
    int[] y = labels(1000);
    int[] held = assign(spec(DataSpec.Scheme.IID, 1, 0.3, true, 9), y);
    int[] rest = assign(spec(DataSpec.Scheme.DIRICHLET, 20, 0.3, false, 9), y);
    int heldCount = 0;
    for (int i = 0; i < y.length; i++) {
      assertTrue((held[i] >= 0) != (rest[i] >= 0), "example " + i + " must be in exactly one part");
      assertTrue(held[i] <= 0 && rest[i] < 20);
      heldCount += held[i] == 0 ? 1 : 0;
    }
    assertEquals(300, heldCount, "round(0.3 · 1000) examples held out");
    // the draw depends on the seed and the share only, not on the partition settings
    int[] other = assign(spec(DataSpec.Scheme.SHARDS, 5, 0.3, true, 9), y);
    for (int i = 0; i < y.length; i++) {
      assertEquals(held[i] >= 0, other[i] >= 0);
    }
    int[] reseeded = assign(spec(DataSpec.Scheme.IID, 1, 0.3, true, 10), y);
    int same = 0;
    for (int i = 0; i < y.length; i++) {
      same += (held[i] >= 0) == (reseeded[i] >= 0) ? 1 : 0;
    }
    assertTrue(same < 700, "another seed holds out other examples (" + same + " agree)");
  }

  @Test
  void withoutAShareNothingChanges() {
    int[] y = labels(500);
    DataSpec plain = spec(DataSpec.Scheme.DIRICHLET, 10, 0, false, 9);
    assertArrayEquals(Partitioning.partitioner(plain).assign(y, 10, 10,
        Seeds.derive(9, Seeds.Purpose.PARTITION, 0)), assign(plain, y));
  }

  @Test
  void heldOutIsAUniformDrawOfTheRoundedCount() {
    boolean[] h = Partitioning.heldOut(7, 0.5, 1);
    int k = 0;
    for (boolean b : h) {
      k += b ? 1 : 0;
    }
    assertEquals(4, k, "round(3.5) = 4");
    // each example is held out with probability ≈ fraction over many seeds
    int[] hits = new int[10];
    for (long seed = 0; seed < 2000; seed++) {
      boolean[] x = Partitioning.heldOut(10, 0.3, seed);
      for (int i = 0; i < 10; i++) {
        hits[i] += x[i] ? 1 : 0;
      }
    }
    for (int i = 0; i < 10; i++) {
      // 600 expected; the binomial sd is √(2000·0.3·0.7) ≈ 20.5, so ±5 sd is 103
      assertEquals(600, hits[i], 103, "example " + i);
    }
    assertThrows(DataException.class, () -> assign(spec(DataSpec.Scheme.IID, 1, 0.001, true, 9), labels(100)));
  }
}
