package org.fedspark.run;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.Dependency;
import org.apache.spark.NarrowDependency;
import org.apache.spark.Partition;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;

/**
 * A job over some partitions of {@code parent} on a local master, run as one task per thread whose
 * tasks take the partitions from one queue, largest work first, as each finishes the last: Graham's
 * list scheduling in the longest-processing-time-first order, done as the job runs.
 *
 * <p>Why, beside {@link TaskGroups} (the same order, fixed before the job): a task's time is not its
 * clients' examples alone. Clients of equal size differ by their batches' last partial batch and their
 * fixed costs, and on two cores a task shares its core with the scheduler's, the result getter's and the
 * compiler's threads, so groups of equal planned work ended 1.1–1.3 ms apart on average in rounds of
 * 10–12 ms (Spark's event log of {@code bench} on {@code fmnist-fedavg.conf}), and the round waits for
 * the later one. A queue
 * lets the task that is ahead take the next partition; the plain-JVM floor of {@code bench} balances
 * its clients the same way (a fork-join pool's work stealing).
 *
 * <p>Which task computes which partition then depends on timing, so this is only for jobs whose
 * results do not: the exact, order-independent folds of a stateless round ({@link RoundAccumulator})
 * and an evaluation's per-client results (sorted by client afterwards). It never caches a partition,
 * and a job over it has no shuffle, so Spark runs one of its slots twice only as a new attempt of a
 * task that failed or was killed (a local master with retries, {@code local[N,F]}, or a killed
 * attempt, which Spark queues again); that attempt first computes again every partition its earlier
 * attempts took (whose results Spark dropped with them), then takes from the queue, so every parent
 * partition is counted once, by a successful attempt. It must be the last RDD of its job, computed
 * once per slot and stage (not, say, unioned with itself). Executors in other JVMs could not share the
 * queue, hence local masters only.
 *
 * <p>The queue lives in this JVM, keyed by a token unique to this RDD in the JVM (RDD and stage ids
 * start again in every Spark context) and by the stage attempt, from the first task that asks for it
 * until {@link #forget} (after the job). A task of a failed or cancelled job that reaches its
 * partition after that finds its RDD forgotten and computes nothing.
 */
final class PartitionQueue<T> extends RDD<T> {
  private static final long serialVersionUID = 1L;

  /** The queue of one stage attempt of one job over a {@code PartitionQueue}. */
  private record Key(long token, int stage, int stageAttempt) {}

  private static final ConcurrentHashMap<Key, Claims> QUEUES = new ConcurrentHashMap<>();
  private static final AtomicLong TOKENS = new AtomicLong();
  /** Tokens of the queues made and not yet forgotten. */
  private static final java.util.Set<Long> LIVE = ConcurrentHashMap.newKeySet();

  /** Who took what: the next position in the order, and the parent partitions each task slot took. */
  private static final class Claims {
    private final AtomicInteger next = new AtomicInteger();
    private final List<List<Integer>> taken = new ArrayList<>();

    Claims(int slots) {
      for (int i = 0; i < slots; i++) {
        taken.add(new ArrayList<>());
      }
    }

    /** The next parent partition in {@code order} for {@code slot}, or -1 when none is left. */
    int take(int slot, int[] order) {
      int i = next.getAndIncrement();
      if (i >= order.length) {
        return -1;
      }
      synchronized (taken) {
        taken.get(slot).add(order[i]);
      }
      return order[i];
    }

    int[] takenBy(int slot) {
      synchronized (taken) {
        return taken.get(slot).stream().mapToInt(Integer::intValue).toArray();
      }
    }
  }

  private final RDD<T> parent;
  /** This RDD's queues' key, unique in the JVM. */
  private final long token = TOKENS.incrementAndGet();
  /** Parent partitions with work, by decreasing work (ties: lower index first). */
  private final int[] order;
  /**
   * The parent's partitions, taken on the driver: a deserialized RDD may not be able to list its own
   * (a parallelized collection's data stays on the driver), so tasks find them here, as Spark's
   * {@code CoalescedRDD} keeps its parents' partitions in its own.
   */
  private final Partition[] parentPartitions;
  private final int slots;
  /** Where the tasks run (a Spark task location), or null to let the scheduler ask the parents. */
  private final String location;

  private PartitionQueue(RDD<T> parent, int[] order, int slots, String location) {
    super(parent.context(), deps(parent, order), parent.elementClassTag());
    this.parent = parent;
    this.order = order;
    this.parentPartitions = parent.partitions();
    this.slots = slots;
    this.location = location;
    LIVE.add(token);
  }

  /**
   * {@code parent}'s partitions with positive {@code work} (one entry per partition), as
   * {@code min(slots, partitions with work)} tasks that take them from one queue, largest first,
   * preferring to run at {@code location} (or anywhere, if null).
   */
  static <T> PartitionQueue<T> of(RDD<T> parent, long[] work, int slots, String location) {
    if (slots < 1) {
      throw new IllegalArgumentException("need at least one slot, got " + slots);
    }
    if (work.length != parent.getNumPartitions()) {
      throw new IllegalArgumentException("work for " + work.length + " partitions, the RDD has " + parent.getNumPartitions());
    }
    int[] order = TaskGroups.longestFirst(work);
    return new PartitionQueue<>(parent, order, Math.min(slots, order.length), location);
  }

  /** Drops the queues of the jobs that ran over {@code queue}; the engine calls it once its job returned. */
  static void forget(PartitionQueue<?> queue) {
    LIVE.remove(queue.token);
    QUEUES.keySet().removeIf(k -> k.token() == queue.token);
  }

  /** Queues not forgotten yet (for tests). */
  static int pending() {
    return QUEUES.size();
  }

  /** Every task may compute any of the partitions with work. */
  @SuppressWarnings("unchecked")
  private static <T> scala.collection.immutable.Seq<Dependency<?>> deps(RDD<T> parent, int[] order) {
    List<Object> all = new ArrayList<>();
    Arrays.stream(order).sorted().forEach(all::add);
    scala.collection.immutable.Seq<Object> parents = scala.jdk.javaapi.CollectionConverters.asScala(all).toList();
    NarrowDependency<T> dep = new NarrowDependency<T>(parent) {
      private static final long serialVersionUID = 1L;

      @Override
      public scala.collection.immutable.Seq<Object> getParents(int partitionId) {
        return parents;
      }
    };
    return (scala.collection.immutable.Seq<Dependency<?>>) (Object) scala.jdk.javaapi.CollectionConverters
        .asScala(List.<Dependency<?>>of(dep)).toList();
  }

  /** One task slot. */
  private record Slot(int index) implements Partition {
    @Override
    public int hashCode() {
      return index;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Slot s && s.index == index;
    }
  }

  @Override
  public Partition[] getPartitions() {
    Partition[] parts = new Partition[slots];
    for (int i = 0; i < slots; i++) {
      parts[i] = new Slot(i);
    }
    return parts;
  }

  @Override
  public scala.collection.immutable.Seq<String> getPreferredLocations(Partition split) {
    List<String> at = location == null ? List.of() : List.of(location);
    return scala.jdk.javaapi.CollectionConverters.asScala(at).toList();
  }

  @Override
  public scala.collection.Iterator<T> compute(Partition split, TaskContext context) {
    int slot = split.index();
    Key key = new Key(token, context.stageId(), context.stageAttemptNumber());
    Claims claims = LIVE.contains(token) ? QUEUES.computeIfAbsent(key, k -> new Claims(slots)) : null;
    // Made, then looked: forgotten meanwhile (its job failed or was cancelled), it is nobody's.
    if (claims == null || !LIVE.contains(token)) {
      QUEUES.remove(key);
      return scala.collection.Iterator$.MODULE$.empty();
    }
    // A retried attempt first computes what its failed attempts took (Spark dropped their results).
    int[] again = context.attemptNumber() > 0 ? claims.takenBy(slot) : new int[0];
    Iterator<T> all = new Iterator<>() {
      private int redone;
      private scala.collection.Iterator<T> current = scala.collection.Iterator$.MODULE$.empty();

      @Override
      public boolean hasNext() {
        while (!current.hasNext()) {
          int p = redone < again.length ? again[redone++] : claims.take(slot, order);
          if (p < 0) {
            return false;
          }
          current = parent.iterator(parentPartitions[p], context);
        }
        return true;
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
    return scala.jdk.javaapi.CollectionConverters.asScala(all);
  }
}
