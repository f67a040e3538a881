package org.fedspark.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.fedspark.testing.LocalSparkTest;
import org.junit.jupiter.api.Test;

/** Grouping a job's partitions over a local master's threads by their work. */
class TaskGroupsTest extends LocalSparkTest {

  private static long[] loads(TaskGroups g, long[] work) {
    long[] load = new long[g.size()];
    for (int i = 0; i < g.size(); i++) {
      for (int p : g.group(i)) {
        load[i] += work[p];
      }
    }
    return load;
  }

  /** The smallest largest load over every assignment of the partitions with work to {@code slots} groups. */
  private static long bruteForceBest(long[] work, int slots) {
    int[] parts = IntStream.range(0, work.length).filter(p -> work[p] > 0).toArray();
    long best = Long.MAX_VALUE;
    int assignments = (int) Math.pow(slots, parts.length);
    for (int a = 0; a < assignments; a++) {
      long[] load = new long[slots];
      int code = a;
      for (int p : parts) {
        load[code % slots] += work[p];
        code /= slots;
      }
      best = Math.min(best, Arrays.stream(load).max().orElse(0));
    }
    return best;
  }

  @Test
  void everyPartitionWithWorkIsInExactlyOneGroupAndTheLongestIsWithinGrahamsBound() {
    Random r = new Random(11);
    for (int trial = 0; trial < 300; trial++) {
      int n = 1 + r.nextInt(8);
      int slots = 1 + r.nextInt(3);
      long[] work = new long[n];
      for (int p = 0; p < n; p++) {
        work[p] = r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(600);
      }
      TaskGroups g = TaskGroups.of(work, slots);
      int withWork = (int) Arrays.stream(work).filter(w -> w > 0).count();
      assertEquals(Math.min(slots, withWork), g.size(), "one group per slot, none empty");
      List<Integer> seen = new ArrayList<>();
      for (int i = 0; i < g.size(); i++) {
        int[] members = g.group(i);
        assertTrue(members.length > 0);
        int[] sorted = members.clone();
        Arrays.sort(sorted);
        assertArrayEquals(sorted, members, "ascending within a group");
        Arrays.stream(members).forEach(seen::add);
      }
      seen.sort(null);
      assertEquals(IntStream.range(0, n).filter(p -> work[p] > 0).boxed().toList(), seen, "each partition with work once");
      if (withWork > 0) {
        long longest = Arrays.stream(loads(g, work)).max().orElseThrow();
        long best = bruteForceBest(work, slots);
        // Graham (1969): LPT's longest group is at most (4/3 - 1/(3m)) times the optimum
        assertTrue(3.0 * slots * longest <= (4.0 * slots - 1) * best + 1e-9,
            "longest " + longest + " against the optimum " + best + " on " + slots + " slots, work " + Arrays.toString(work));
      }
    }
  }

  @Test
  void theGroupingDependsOnTheWorkAlone() {
    long[] work = {5, 0, 5, 3, 3, 9, 1, 5};
    TaskGroups a = TaskGroups.of(work, 3);
    TaskGroups b = TaskGroups.of(work.clone(), 3);
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.group(i), b.group(i));
    }
    // by hand, largest first, each to the least loaded group (ties to the lower): p5 (9) -> g0; p0 (5) -> g1;
    // p2 (5) -> g2; p7 (5) -> g1 (tie with g2), 10; p3 (3) -> g2, 8; p4 (3) -> g2, 11; p6 (1) -> g0, 10
    assertArrayEquals(new int[] {5, 6}, a.group(0));
    assertArrayEquals(new int[] {0, 7}, a.group(1));
    assertArrayEquals(new int[] {2, 3, 4}, a.group(2));
    assertThrows(IllegalArgumentException.class, () -> TaskGroups.of(work, 0));
  }

  @Test
  void aGroupedRddRunsOneTaskPerGroupOverItsPartitionsInOrder() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    JavaRDD<Integer> rdd = jsc.parallelize(IntStream.range(0, 12).boxed().toList(), 6); // partition p holds 2p, 2p+1
    long[] work = {1, 0, 4, 2, 2, 1};
    TaskGroups g = TaskGroups.of(work, 2);
    List<List<Integer>> perTask = JavaRDD.fromRDD(TaskGroups.apply(rdd.rdd(), g), rdd.classTag()).glom().collect();
    assertEquals(2, perTask.size());
    for (int i = 0; i < 2; i++) {
      List<Integer> expected = new ArrayList<>();
      for (int p : g.group(i)) {
        expected.add(2 * p);
        expected.add(2 * p + 1);
      }
      assertEquals(expected, perTask.get(i), "group " + i);
    }
    assertEquals(List.of(), perTask.stream().flatMap(List::stream).filter(x -> x == 2 || x == 3).toList(),
        "a partition without work is not computed");
  }

  @Test
  void groupsPlacedOnAnExecutorTellSparkSoWithoutAskingWhereTheirParentsAre() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    JavaRDD<Integer> rdd = jsc.parallelize(IntStream.range(0, 8).boxed().toList(), 4);
    org.apache.spark.rdd.RDD<Integer> placed = TaskGroups.apply(rdd.rdd(), TaskGroups.of(new long[] {1, 1, 1, 1}, 2)
        .at("executor_127.0.0.1_driver"));
    org.apache.spark.rdd.RDD<Integer> unplaced = TaskGroups.apply(rdd.rdd(), TaskGroups.of(new long[] {1, 1, 1, 1}, 2));
    for (int g = 0; g < 2; g++) {
      assertEquals(List.of("executor_127.0.0.1_driver"),
          scala.jdk.javaapi.CollectionConverters.asJava(placed.preferredLocations(placed.partitions()[g])));
      assertTrue(unplaced.preferredLocations(unplaced.partitions()[g]).isEmpty());
    }
    assertEquals(8, JavaRDD.fromRDD(placed, rdd.classTag()).count(), "and it runs there");
  }
}
