package org.fedspark.run;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.Partition;
import org.apache.spark.rdd.PartitionCoalescer;
import org.apache.spark.rdd.PartitionGroup;
import org.apache.spark.rdd.RDD;

/**
 * The partitions a job needs, spread over a local master's task slots so that each slot gets about
 * the same work: a {@link PartitionCoalescer} for Spark's {@code CoalescedRDD}, whose task for group
 * g computes (or reads from the cache) each of g's partitions in turn.
 *
 * <p>Why: a round's sampled clients seldom split evenly over a few fixed partitions (3 and 7 of 10
 * as often as 5 and 5), and the round waits for its longest task. Cutting the clients into several
 * partitions per thread and grouping, per job, the partitions that hold its work into one group per
 * thread balances the tasks without paying a task's overhead per partition: the job still has one
 * task per thread. The engine uses fixed groups where a partition's result belongs to the task that
 * computed it (a round with client state caches the new states and folds per task) and for loading;
 * a stateless round and an evaluation take their partitions from one queue as the job runs instead
 * ({@link PartitionQueue}), which balances also what the planned work does not foresee.
 *
 * <p>The grouping is the longest-processing-time-first rule (Graham, "Bounds on multiprocessing
 * timing anomalies", SIAM J. Appl. Math. 17(2), 1969): partitions by decreasing work, each to the
 * group with the least work so far; its longest group is within 4/3 of the best possible. Ties go to
 * the lower partition and the lower group, so the grouping is a function of the weights alone. Which
 * partition runs in which task changes no result: a round's sums are exact (ReproducibleSum) and
 * every client's randomness is its own.
 */
public final class TaskGroups implements PartitionCoalescer, Serializable {
  private static final long serialVersionUID = 1L;

  /** Parent partition indices of each group, ascending within a group. */
  private final int[][] groups;
  /** Where every group runs best (a Spark task location), or null to let the scheduler ask the parents. */
  private final String location;

  private TaskGroups(int[][] groups, String location) {
    this.groups = groups;
    this.location = location;
  }

  /**
   * These groups, preferring to run at {@code location} (a Spark task location such as
   * {@code executor_HOST_ID}). Spark's scheduler takes a partition's own preferred location as it is;
   * without one it asks the block manager master where the cached parent partitions are, one
   * round trip per cached RDD of every job (its cache of block locations is cleared at each job). On a
   * local master the answer is always the one executor, so the engine names it.
   */
  TaskGroups at(String location) {
    return new TaskGroups(groups, location);
  }

  /**
   * Groups the partitions with positive {@code work} into at most {@code slots} groups by the
   * longest-processing-time-first rule; partitions with zero work are left out (the job does not need them).
   */
  public static TaskGroups of(long[] work, int slots) {
    if (slots < 1) {
      throw new IllegalArgumentException("need at least one slot, got " + slots);
    }
    int[] order = longestFirst(work);
    int k = Math.min(slots, order.length);
    long[] load = new long[k];
    List<List<Integer>> members = new ArrayList<>(k);
    for (int g = 0; g < k; g++) {
      members.add(new ArrayList<>());
    }
    for (int p : order) {
      int least = 0;
      for (int g = 1; g < k; g++) {
        if (load[g] < load[least]) {
          least = g;
        }
      }
      load[least] += work[p];
      members.get(least).add(p);
    }
    int[][] groups = new int[k][];
    for (int g = 0; g < k; g++) {
      groups[g] = members.get(g).stream().mapToInt(Integer::intValue).sorted().toArray();
    }
    return new TaskGroups(groups, null);
  }

  /**
   * The partitions with positive {@code work}, by decreasing work, ties to the lower partition: the
   * order in which both the fixed groups and {@link PartitionQueue} hand partitions out.
   */
  static int[] longestFirst(long[] work) {
    return java.util.stream.IntStream.range(0, work.length).filter(p -> work[p] > 0).boxed()
        .sorted((a, b) -> work[a] != work[b] ? Long.compare(work[b], work[a]) : Integer.compare(a, b))
        .mapToInt(Integer::intValue).toArray();
  }

  /**
   * {@code rdd} as one partition per group of {@code groups}: a job over it runs one task per group,
   * which computes the group's partitions of {@code rdd} in ascending order.
   */
  public static <T> RDD<T> apply(RDD<T> rdd, TaskGroups groups) {
    return new org.apache.spark.rdd.CoalescedRDD<>(rdd, groups.size(), scala.Option.apply(groups), rdd.elementClassTag());
  }

  /**
   * {@code rdd} grouped by {@code work} (one entry per partition) into one task per thread when it
   * runs on a local master with more partitions than threads; otherwise {@code rdd} itself.
   */
  public static <T> RDD<T> onLocalThreads(RDD<T> rdd, long[] work) {
    org.apache.spark.SparkContext sc = rdd.context();
    int threads = sc.defaultParallelism();
    return sc.isLocal() && work.length > threads ? apply(rdd, of(work, threads)) : rdd;
  }

  /** The number of groups (the job's tasks). */
  int size() {
    return groups.length;
  }

  /** The parent partitions of group {@code g}, ascending. */
  int[] group(int g) {
    return groups[g].clone();
  }

  /**
   * The groups as Spark takes them. Without a location ({@link #at}) the scheduler asks each group's
   * parent partitions where they are cached.
   */
  @Override
  public PartitionGroup[] coalesce(int maxPartitions, RDD<?> parent) {
    Partition[] parts = parent.partitions();
    PartitionGroup[] out = new PartitionGroup[groups.length];
    for (int g = 0; g < groups.length; g++) {
      out[g] = new PartitionGroup(scala.Option.apply(location));
      for (int p : groups[g]) {
        out[g].partitions().$plus$eq(parts[p]);
      }
    }
    return out;
  }
}
