package org.fedspark.run;

import java.lang.reflect.Field;
import org.apache.spark.ContextCleaner;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import scala.Option;

/**
 * Spark's {@link ContextCleaner} with a direct removal of garbage broadcasts, for a local master.
 *
 * <p>Every Spark job broadcasts its task binary (the serialized RDD chain and function), so a run of
 * R rounds leaves about 1.1 R broadcasts for the cleaner. Spark removes each one by messages: the
 * cleaner asks the block manager master, which asks every block manager's storage endpoint, which
 * removes the blocks on a thread of a cached pool and tells the master, each reply a future completed
 * on yet another pool. On a local master the only block manager is this JVM's, and that chain cost
 * about 0.3 s of CPU in a 100-round run of {@code fmnist-fedavg.conf} (Linux {@code perf}: the
 * storage, ask and master threads, about a fifth of it starting the pools' threads), on the two cores the
 * rounds need. This cleaner removes the blocks from the local block manager itself (which still
 * tells the master); it tracks and cleans RDDs, shuffles, accumulators and checkpoints exactly as
 * Spark's does.
 */
final class LocalContextCleaner extends ContextCleaner {

  private LocalContextCleaner(SparkContext sc) {
    super(sc, sc.shuffleDriverComponents());
  }

  @Override
  public void doCleanupBroadcast(long broadcastId, boolean blocking) {
    try {
      SparkEnv.get().blockManager().removeBroadcast(broadcastId, true);
    } catch (RuntimeException e) {
      // Spark's cleaner logs and goes on too: a failed removal leaves blocks, not a wrong result.
      org.slf4j.LoggerFactory.getLogger(LocalContextCleaner.class)
          .warn("could not remove broadcast " + broadcastId, e);
    }
  }

  /**
   * Replaces {@code sc}'s cleaner with this one, if it has one (Spark's
   * {@code spark.cleaner.referenceTracking}) and its executors are this JVM. Called right after the
   * context starts, before anything is registered for cleaning.
   */
  static void install(SparkContext sc) {
    Option<ContextCleaner> current = sc.cleaner();
    if (current.isEmpty() || !sc.isLocal() || current.get() instanceof LocalContextCleaner) {
      return;
    }
    Field field;
    LocalContextCleaner mine;
    try {
      field = SparkContext.class.getDeclaredField("_cleaner");
      field.setAccessible(true);
      mine = new LocalContextCleaner(sc);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return; // another Spark than the one fedspark is built with (spark-submit on a local master): keep its cleaner
    }
    current.get().stop();
    mine.start();
    try {
      field.set(sc, Option.apply(mine));
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
