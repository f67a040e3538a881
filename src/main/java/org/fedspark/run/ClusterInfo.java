package org.fedspark.run;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.fedspark.model.Blas;
import scala.Tuple2;

/**
 * What a run needs to know about the executors it got: how many client partitions to cut by default,
 * and which BLAS each executor computes with.
 *
 * <p><b>Partitions.</b> Spark's default parallelism is the number of executor cores registered so far.
 * On a cluster master, right after the SparkContext starts, that is often none (the figure is then 2),
 * so reading it at once would cut every run into 4 partitions, however many cores follow. The count is
 * therefore taken from the configuration when it fixes the cores ({@code spark.cores.max}, or
 * {@code spark.executor.instances × spark.executor.cores}), and otherwise after the executors have
 * registered: once at least one has and no new one came for half the time the first one took (at
 * least {@link #SETTLE_MILLIS}), at most
 * {@code spark.scheduler.maxRegisteredResourcesWaitingTime} (30 s by default). Results do not depend
 * on the count (reproducible sums), only the spread of work over cores does.
 *
 * <p><b>BLAS.</b> Each executor JVM picks its own BLAS (native when it finds {@code libblas.so.3}, else
 * Java), and two implementations round differently, so a cluster whose executors differ gives results
 * that depend on which executor ran which client. {@link #linearAlgebraByExecutor} asks every executor
 * holding client data.
 */
public final class ClusterInfo {
  private ClusterInfo() {}

  /** Client partitions per thread of a local master (see {@link #fromConf}). */
  static final int PARTITIONS_PER_LOCAL_THREAD = 8;

  /** How long the executor count must stay unchanged before the wait ends. */
  static final long SETTLE_MILLIS = 2000;

  /** A partition count and how it was chosen (recorded in summary.json). */
  public record PartitionChoice(int count, String how) {}

  /**
   * The partition count from the configuration alone, or null when it depends on the executors that
   * register: {@code 2 × spark.cores.max}, else {@code 2 × spark.executor.instances × spark.executor.cores}
   * (without dynamic allocation; executor cores default to 1 as on YARN and Kubernetes), else
   * {@code 2 × spark.default.parallelism}. On a local master: {@value #PARTITIONS_PER_LOCAL_THREAD} per thread.
   *
   * <p>Why: two partitions per core let a cluster's scheduler balance uneven clients across executors
   * and spread a lost executor's partitions over the survivors. On a local master a job runs one task
   * per thread whatever the partitions ({@link TaskGroups}), so finer partitions cost no extra task,
   * and they let each job's work (a round's sampled clients) be split evenly over the threads: on
   * {@code fmnist-fedavg.conf} with 2 threads, 16 partitions instead of 2 took the steady round from
   * 17.9 to 14.0 ms ({@code fedspark bench --pairs 400 --warmup 200}, one invocation each).
   */
  static PartitionChoice fromConf(SparkConf conf, int defaultParallelism) {
    String master = conf.get("spark.master", "local[*]");
    if (SparkSessions.isLocal(master)) {
      return new PartitionChoice(PARTITIONS_PER_LOCAL_THREAD * defaultParallelism, PARTITIONS_PER_LOCAL_THREAD
          + " × default parallelism (" + defaultParallelism + " local threads)");
    }
    if (conf.contains("spark.default.parallelism")) {
      return new PartitionChoice(2 * defaultParallelism, "2 × default parallelism (" + defaultParallelism
          + ", spark.default.parallelism)");
    }
    if (conf.contains("spark.cores.max")) {
      int cores = conf.getInt("spark.cores.max", 1);
      return new PartitionChoice(2 * cores, "2 × spark.cores.max (" + cores + ")");
    }
    boolean dynamic = conf.getBoolean("spark.dynamicAllocation.enabled", false);
    if (conf.contains("spark.executor.instances") && !dynamic) {
      int instances = conf.getInt("spark.executor.instances", 1);
      int cores = conf.getInt("spark.executor.cores", 1);
      return new PartitionChoice(2 * instances * cores, "2 × spark.executor.instances (" + instances
          + ") × spark.executor.cores (" + cores + ")");
    }
    return null;
  }

  /** The default partition count for {@code sc}: from the configuration, or after executors registered. */
  public static PartitionChoice defaultPartitions(SparkContext sc) {
    PartitionChoice fixed = fromConf(sc.getConf(), sc.defaultParallelism());
    if (fixed != null) {
      return fixed;
    }
    long maxWait = sc.getConf().getTimeAsMs("spark.scheduler.maxRegisteredResourcesWaitingTime", "30s");
    long start = System.currentTimeMillis();
    int seen = executors(sc);
    long lastChange = start;
    // Executors the cluster launched together register within a similar delay: after the first, wait for
    // half the time it took (at least SETTLE_MILLIS) without a new one before settling.
    long settle = SETTLE_MILLIS;
    while (System.currentTimeMillis() - start < maxWait
        && (seen == 0 || System.currentTimeMillis() - lastChange < settle)) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      int now = executors(sc);
      if (now != seen) {
        if (seen == 0) {
          settle = Math.max(SETTLE_MILLIS, (System.currentTimeMillis() - start) / 2);
        }
        seen = now;
        lastChange = System.currentTimeMillis();
      }
    }
    int parallelism = sc.defaultParallelism();
    return new PartitionChoice(2 * parallelism, String.format(java.util.Locale.ROOT,
        "2 × default parallelism (%d: the cores of %d executors registered after %.1f s; at least 2)", parallelism, seen,
        (System.currentTimeMillis() - start) / 1e3));
  }

  /** Registered executors: the status tracker lists the driver too. */
  static int executors(SparkContext sc) {
    return Math.max(0, sc.statusTracker().getExecutorInfos().length - 1);
  }

  /**
   * The BLAS/LAPACK each executor holding a partition of {@code rdd} uses ({@link Blas#describe}),
   * as implementation → executor ids (sorted). The job runs one trivial task per partition; on a
   * local master the one executor is the driver's JVM, so its BLAS is the driver's and no job runs.
   */
  public static Map<String, List<String>> linearAlgebraByExecutor(JavaRDD<?> rdd) {
    if (SparkSessions.isLocal(rdd.context().master())) {
      return Map.of(Blas.describe(), List.of(SparkEnv.get().executorId()));
    }
    List<Tuple2<String, String>> seen = rdd.mapPartitions(ClusterInfo::describeHere).collect();
    Map<String, java.util.SortedSet<String>> by = new TreeMap<>();
    for (Tuple2<String, String> t : seen) {
      by.computeIfAbsent(t._2(), k -> new java.util.TreeSet<>()).add(t._1());
    }
    Map<String, List<String>> out = new TreeMap<>();
    by.forEach((k, v) -> out.put(k, new ArrayList<>(v)));
    return out;
  }

  private static Iterator<Tuple2<String, String>> describeHere(Iterator<?> ignored) {
    return List.of(new Tuple2<>(SparkEnv.get().executorId(), Blas.describe())).iterator();
  }
}
