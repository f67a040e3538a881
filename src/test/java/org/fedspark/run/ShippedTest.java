package org.fedspark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.fedspark.testing.LocalSparkTest;
import org.junit.jupiter.api.Test;

/** How a value reaches a job's tasks: inside them up to the size limit, else (or when told) by broadcast. */
class ShippedTest extends LocalSparkTest {
  @Test
  void smallValuesTravelInsideTheTasksLargeOrLastingOnesByBroadcast() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    int[] a = {7, 8, 9};
    Shipped<int[]> atLimit = Shipped.of(jsc, a, Shipped.INLINE_BYTES, true);
    Shipped<int[]> overLimit = Shipped.of(jsc, a, Shipped.INLINE_BYTES + 1, true);
    Shipped<int[]> lasting = Shipped.of(jsc, a, 12, false);
    assertNull(atLimit.broadcast(), "a value up to the limit travels inside the tasks");
    assertNotNull(overLimit.broadcast(), "a larger one goes by broadcast");
    assertNotNull(lasting.broadcast(), "so does one the caller must not inline");
    try {
      // Each partition's task reads all three: the values arrive whole either way.
      List<Integer> sums = jsc.parallelize(List.of(0, 1), 2)
          .map(i -> atLimit.value()[i] + overLimit.value()[i] + lasting.value()[i]).collect();
      assertEquals(List.of(21, 24), sums);
    } finally {
      overLimit.broadcast().destroy();
      lasting.broadcast().destroy();
    }
  }
}
