package org.fedspark.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.fedspark.testing.LocalSparkTest;
import org.junit.jupiter.api.Test;

/** Task results handed over in memory on a local master: the same results as Spark's way, nothing left behind. */
class InJvmResultsTest extends LocalSparkTest {

  /** Each task's elements as an array, or a failure when a task holds {@code failOn}. */
  private static final class Gather extends scala.runtime.AbstractFunction2<TaskContext, scala.collection.Iterator<Integer>,
      int[]> implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final int failOn;

    Gather(int failOn) {
      this.failOn = failOn;
    }

    @Override
    public int[] apply(TaskContext ctx, scala.collection.Iterator<Integer> it) {
      java.util.List<Integer> all = new java.util.ArrayList<>();
      scala.jdk.javaapi.CollectionConverters.asJava(it).forEachRemaining(all::add);
      int[] out = all.stream().mapToInt(Integer::intValue).toArray();
      if (IntStream.of(out).anyMatch(x -> x == failOn)) {
        throw new IllegalStateException("task with " + failOn + " fails");
      }
      return out;
    }
  }

  private static final scala.reflect.ClassTag<int[]> INTS = scala.reflect.ClassTag$.MODULE$.apply(int[].class);
  private static final scala.reflect.ClassTag<Long> LONGS = scala.reflect.ClassTag$.MODULE$.apply(Long.class);

  @Test
  void theResultsAreSparksOwnInTaskOrderAndNoneIsLeft() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    JavaRDD<Integer> rdd = jsc.parallelize(IntStream.range(0, 10).boxed().toList(), 4);
    int[][] spark = (int[][]) sc.runJob(rdd.rdd(), new Gather(-1), RoundEngine.partitionIds(4), INTS);
    long job = InJvmResults.newJob();
    try {
      Object ids = sc.runJob(rdd.rdd(), InJvmResults.hand(job, new Gather(-1)), RoundEngine.partitionIds(4), LONGS);
      int[][] handed = (int[][]) InJvmResults.take(job, ids, INTS);
      assertEquals(4, handed.length);
      for (int p = 0; p < 4; p++) {
        assertArrayEquals(spark[p], handed[p], "task " + p);
      }
      assertEquals(0, InJvmResults.pending(), "taken");
      assertThrows(IllegalStateException.class, () -> InJvmResults.take(job, ids, INTS), "a result is taken once");
    } finally {
      InJvmResults.forget(job);
    }
  }

  /** Task 0 returns at once or fails at once; task 1 waits, then fails or returns (and says when it has). */
  private static final class Timed extends scala.runtime.AbstractFunction2<TaskContext, scala.collection.Iterator<Integer>,
      int[]> implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    static final java.util.concurrent.CountDownLatch LATE_DONE = new java.util.concurrent.CountDownLatch(1);
    private final boolean firstFails;

    Timed(boolean firstFails) {
      this.firstFails = firstFails;
    }

    @Override
    public int[] apply(TaskContext ctx, scala.collection.Iterator<Integer> it) {
      if (ctx.partitionId() == 0) {
        if (firstFails) {
          throw new IllegalStateException("task 0 fails");
        }
        return new int[] {0};
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (!firstFails) {
        throw new IllegalStateException("task 1 fails");
      }
      LATE_DONE.countDown();
      return new int[] {1};
    }
  }

  @Test
  void whatAFailedJobOrAttemptLeftIsForgotten() throws InterruptedException {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    JavaRDD<Integer> two = jsc.parallelize(List.of(0, 1), 2);
    // Task 0 leaves its result; task 1 fails half a second later, failing the job: nobody takes the result.
    long failed = InJvmResults.newJob();
    assertThrows(Exception.class, () -> sc.runJob(two.rdd(), InJvmResults.hand(failed, new Timed(false)),
        RoundEngine.partitionIds(2), LONGS));
    assertEquals(1, InJvmResults.pending(), "left by the task that succeeded");
    InJvmResults.forget(failed);
    assertEquals(0, InJvmResults.pending());

    // Task 0 fails the job at once; task 1, still running, leaves its result after the job was forgotten.
    java.util.concurrent.CountDownLatch tasksEnded = new java.util.concurrent.CountDownLatch(2);
    org.apache.spark.scheduler.SparkListener ends = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd e) {
        tasksEnded.countDown();
      }
    };
    sc.addSparkListener(ends);
    try {
      long late = InJvmResults.newJob();
      assertThrows(Exception.class, () -> sc.runJob(two.rdd(), InJvmResults.hand(late, new Timed(true)),
          RoundEngine.partitionIds(2), LONGS));
      InJvmResults.forget(late);
      assertTrue(Timed.LATE_DONE.await(10, java.util.concurrent.TimeUnit.SECONDS), "the late task ran to its end");
      // Spark reports a task's end after its function returned: by then its result was handed over and removed.
      assertTrue(tasksEnded.await(10, java.util.concurrent.TimeUnit.SECONDS), "both tasks ended");
    } finally {
      sc.removeSparkListener(ends);
    }
    assertEquals(0, InJvmResults.pending(), "a forgotten job's late result does not stay");

    // An attempt that left its result and then failed (or was killed) before Spark counted it: nobody takes it.
    long killed = InJvmResults.newJob();
    InJvmResults.hand(killed, new Gather(-1)).apply(org.apache.spark.TaskContext$.MODULE$.empty(),
        scala.jdk.javaapi.CollectionConverters.asScala(List.of(1, 2).iterator()));
    assertEquals(1, InJvmResults.pending());
    InJvmResults.forget(killed);
    assertEquals(0, InJvmResults.pending());
  }
}
