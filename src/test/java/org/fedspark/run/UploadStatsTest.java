package org.fedspark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.fedspark.codec.Message;
import org.fedspark.testing.SortedDistinct;
import org.junit.jupiter.api.Test;

/** An upload's shape: distinct values counted by a hash set of their bits, checked against a sort. */
class UploadStatsTest {

  private static final double[] SPECIAL = {0.0, -0.0, Double.NaN, Double.longBitsToDouble(0x7ff0000000000001L),
      Double.longBitsToDouble(0xfff8000000000000L), Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE,
      -Double.MIN_VALUE, Double.MAX_VALUE, 1.0, -1.0, Math.scalb(1.0, 60), Math.scalb(1.0, 61)};

  @Test
  void theHashSetCountsWhatTheSortCounted() {
    SplittableRandom r = new SplittableRandom(5);
    for (int trial = 0; trial < 500; trial++) {
      int n = r.nextInt(3000);
      int levels = 1 + r.nextInt(trial % 3 == 0 ? 4 : 5000); // piecewise constant, or mostly distinct
      double[] base = new double[levels];
      for (int k = 0; k < levels; k++) {
        base[k] = r.nextInt(4) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : 0.01 * r.nextGaussian();
      }
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        v[i] = base[r.nextInt(levels)];
      }
      DistinctValues set = new DistinctValues(n);
      for (double x : v) {
        set.add(x);
      }
      assertEquals(SortedDistinct.count(v), set.count(), "trial " + trial + ", " + n + " values of " + levels + " levels");
    }
    // Values whose bits agree in their low bits and differ only in the top ones, and the other way round.
    double[] high = new double[1024];
    for (int i = 0; i < high.length; i++) {
      high[i] = Double.longBitsToDouble(((long) i << 52) | 12345L);
    }
    DistinctValues set = new DistinctValues(high.length);
    Arrays.stream(high).forEach(set::add);
    assertEquals(SortedDistinct.count(high), set.count());
  }

  @Test
  void anUploadsShapeOverItsVectorsAndScalars() {
    Message m = Message.builder().scalar("weight", 3).vector("a", new double[] {0.5, 0.5, -0.0, 0.0, 0.0, Double.NaN})
        .vector("b", new double[] {0.5, 2.0, 2.0}).build();
    UploadStats s = UploadStats.of(m, null);
    assertEquals(10, s.values(), "one scalar and nine vector entries");
    assertEquals(5, s.distinct(), "0.5, -0.0, 0.0, NaN, 2.0");
    assertEquals(4 + 2, s.runs(), "a: 0.5 | -0.0 | 0.0 | NaN; b: 0.5 | 2.0");
    assertEquals(new UploadStats(1, 0, 0), UploadStats.of(Message.builder().scalar("weight", 1).build(), null));
  }

  @Test
  void moreDistinctValuesThanItsCapacityIsAnError() {
    DistinctValues set = new DistinctValues(2);
    set.add(0.0); // 0.0 is kept apart and not counted against the capacity
    set.add(1.0);
    set.add(1.0);
    set.add(2.0);
    assertEquals(3, set.count());
    assertThrows(IllegalStateException.class, () -> set.add(3.0));
  }
}
