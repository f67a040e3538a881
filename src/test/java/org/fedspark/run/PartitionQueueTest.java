package org.fedspark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.junit.jupiter.api.Test;

/**
 * A job whose tasks take a parent's partitions from one queue: every partition with work is computed
 * exactly once (by a successful attempt, retries included), none without work is, and the queue is
 * gone after the job. Each test starts its own context: one needs a local master with task retries.
 */
class PartitionQueueTest {

  /** Tags every element with the partition that computed it, and fails the first attempt on {@code failOn}'s elements. */
  private static JavaRDD<int[]> tagged(JavaSparkContext jsc, int partitions, int failOn) {
    return jsc.parallelize(IntStream.range(0, 2 * partitions).boxed().toList(), partitions) // partition p holds 2p, 2p+1
        .map(x -> {
          TaskContext ctx = TaskContext.get();
          if (x / 2 == failOn && ctx.attemptNumber() == 0) {
            throw new IllegalStateException("first attempt fails on partition " + failOn);
          }
          return new int[] {x, ctx.partitionId(), ctx.attemptNumber()};
        });
  }

  private static List<int[]> collect(RDD<int[]> rdd) {
    List<int[]> all = new ArrayList<>();
    for (Object part : (Object[]) rdd.context().runJob(rdd, new Collect(), RoundEngine.partitionIds(rdd.getNumPartitions()),
        scala.reflect.ClassTag$.MODULE$.apply(List.class))) {
      @SuppressWarnings("unchecked")
      List<int[]> l = (List<int[]>) part;
      all.addAll(l);
    }
    return all;
  }

  private static final class Collect extends scala.runtime.AbstractFunction2<TaskContext, scala.collection.Iterator<int[]>,
      List<int[]>> implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public List<int[]> apply(TaskContext ctx, scala.collection.Iterator<int[]> it) {
      List<int[]> out = new ArrayList<>();
      it.foreach(x -> out.add(x));
      return out;
    }
  }

  private static List<Integer> values(List<int[]> rows) {
    return rows.stream().map(r -> r[0]).sorted().toList();
  }

  @Test
  void everyPartitionWithWorkOnceNoneWithoutAndTheLargestFirst() {
    SparkContext sc = SparkSessions.start("fedspark-test", "local[2]", false, Map.of());
    try {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
      JavaRDD<int[]> rdd = tagged(jsc, 6, -1);
      long[] work = {1, 0, 4, 2, 2, 0};
      PartitionQueue<int[]> q = PartitionQueue.of(rdd.rdd(), work, 2, null);
      assertEquals(2, q.getNumPartitions(), "one task per slot");
      for (int job = 0; job < 2; job++) { // a second job over the same RDD gets a queue of its own
        assertEquals(List.of(0, 1, 4, 5, 6, 7, 8, 9), values(collect(q)), "job " + job + ": partitions 1 and 5 have no work");
      }
      PartitionQueue.forget(q);
      assertEquals(0, PartitionQueue.pending(), "forgotten after the jobs");

      // One slot takes the whole queue, in decreasing work (ties: lower partition first): 2, 3, 4, 0.
      PartitionQueue<int[]> one = PartitionQueue.of(rdd.rdd(), work, 1, "executor_127.0.0.1_driver");
      assertEquals(List.of(4, 5, 6, 7, 8, 9, 0, 1), collect(one).stream().map(r -> r[0]).toList());
      assertEquals(List.of("executor_127.0.0.1_driver"),
          scala.jdk.javaapi.CollectionConverters.asJava(one.preferredLocations(one.partitions()[0])));
      PartitionQueue.forget(one);

      // A task of a job that is over (failed or cancelled) and reaches its partition late computes nothing.
      PartitionQueue<Integer> late = PartitionQueue.of(jsc.parallelize(List.of(1, 2, 3), 3).rdd(), new long[] {1, 1, 1}, 1, null);
      assertEquals(3, late.compute(late.partitions()[0], org.apache.spark.TaskContext$.MODULE$.empty()).size());
      PartitionQueue.forget(late);
      assertEquals(0, late.compute(late.partitions()[0], org.apache.spark.TaskContext$.MODULE$.empty()).size());
      assertEquals(0, PartitionQueue.pending(), "and leaves no queue");

      // Never more slots than partitions with work.
      assertEquals(1, PartitionQueue.of(rdd.rdd(), new long[] {0, 0, 3, 0, 0, 0}, 2, null).getNumPartitions());
      assertThrows(IllegalArgumentException.class, () -> PartitionQueue.of(rdd.rdd(), new long[] {1, 1}, 2, null));
      assertThrows(IllegalArgumentException.class, () -> PartitionQueue.of(rdd.rdd(), work, 0, null));
    } finally {
      sc.stop();
    }
  }

  @Test
  void aRetriedTaskComputesAgainWhatItsFailedAttemptTook() {
    // local[2,3]: two threads, a task may fail twice.
    SparkContext sc = SparkSessions.start("fedspark-test", "local[2,3]", false, Map.of());
    try {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
      // One slot: its first attempt takes the whole queue (partitions 0 … 4) and dies on the last one; the
      // retry must compute all five again, since Spark dropped everything the first attempt produced.
      PartitionQueue<int[]> whole = PartitionQueue.of(tagged(jsc, 5, 4).rdd(), new long[] {5, 4, 3, 2, 1}, 1, null);
      List<int[]> again = collect(whole);
      PartitionQueue.forget(whole);
      assertEquals(IntStream.range(0, 10).boxed().toList(), values(again), "each element once");
      assertEquals(List.of(1), again.stream().map(r -> r[2]).distinct().toList(), "all from the retried attempt");

      // Two slots: the first attempt of one dies on partition 3, which its work puts first in the queue.
      long[] work = {3, 2, 2, 9, 1, 1, 1};
      PartitionQueue<int[]> q = PartitionQueue.of(tagged(jsc, 7, 3).rdd(), work, 2, null);
      List<int[]> rows = collect(q);
      PartitionQueue.forget(q);
      assertEquals(IntStream.range(0, 14).boxed().toList(), values(rows), "each element once");
      assertTrue(rows.stream().anyMatch(r -> r[0] == 6 && r[2] == 1), "partition 3 came from a retried attempt");
    } finally {
      sc.stop();
    }
  }
}
