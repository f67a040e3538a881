package org.fedspark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.BlockManager;
import org.apache.spark.storage.BroadcastBlockId;
import org.fedspark.testing.LocalSparkTest;
import org.junit.jupiter.api.Test;

/** The local master's cleaner removes garbage broadcasts from the block manager and from the master's view. */
class LocalContextCleanerTest extends LocalSparkTest {

  @Test
  void replacesSparksCleanerOnALocalMaster() {
    assertInstanceOf(LocalContextCleaner.class, sc.cleaner().get());
    long cleaners = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("Spark Context Cleaner")).count();
    assertEquals(1, cleaners, "Spark's own cleaner was stopped");
  }

  @Test
  void garbageBroadcastsAndTaskBinariesAreRemoved() throws InterruptedException {
    BlockManager bm = SparkEnv.get().blockManager();
    long id = useAndDrop(JavaSparkContext.fromSparkContext(sc));
    // The job's task binary is the next broadcast; both become garbage once the job is over.
    List<BroadcastBlockId> pieces = List.of(new BroadcastBlockId(id, "piece0"), new BroadcastBlockId(id + 1, "piece0"));
    for (BroadcastBlockId b : pieces) {
      assertTrue(bm.getStatus(b).isDefined(), b + " stored before it is garbage");
      assertFalse(bm.master().getLocations(b).isEmpty(), "and known to the master");
    }
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (pieces.stream().anyMatch(b -> bm.getStatus(b).isDefined()) && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(20);
    }
    for (BroadcastBlockId b : pieces) {
      assertFalse(bm.getStatus(b).isDefined(), b + " removed from the block manager");
      assertTrue(bm.master().getLocations(b).isEmpty(), b + " removed from the master's view");
      assertFalse(bm.getStatus(new BroadcastBlockId(b.broadcastId(), "")).isDefined(), "and its value");
    }
  }

  /** A broadcast read by a job, with no reference to it left when this returns. */
  private static long useAndDrop(JavaSparkContext jsc) {
    Broadcast<int[]> b = jsc.broadcast(new int[] {1, 2, 3});
    long sum = jsc.parallelize(List.of(1, 2, 3, 4), 2).map(new ReadBroadcast(b)).reduce(Long::sum);
    assertEquals(30, sum);
    return b.id();
  }

  private record ReadBroadcast(Broadcast<int[]> b) implements org.apache.spark.api.java.function.Function<Integer, Long> {
    @Override
    public Long call(Integer x) {
      return (long) x * b.value().length;
    }
  }
}
