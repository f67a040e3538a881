package org.fedspark.run;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.TaskContext;

/**
 * Task results handed to the driver through memory when the executor is the driver's own JVM (a local
 * master): the job function leaves its result here under the task attempt's id and returns only that
 * id, and the driver takes the results of the attempts Spark reports as successful.
 *
 * <p>Why: Spark serializes every task's result, copies it into the task's status message and
 * deserializes it on a result-getter thread, even when executor and driver share the heap. A round's
 * task returns an exact partial sum of the model's size ({@link RoundAccumulator}: 74 KB serialized on
 * {@code fmnist-fedavg.conf}, 9 bytes per coordinate); writing, copying and reading it back cost about
 * a quarter of a millisecond per task under the C1 compiler, on the same two cores as the clients, and
 * the last task's share of it delays the round's end. Everything else about the job is Spark's: which
 * attempts succeeded (only their ids come back), retries, failures and cancellation.
 *
 * <p>A result left by an attempt that then failed, or by a job that failed, is dropped by
 * {@link #forget} once the job returns. A task of a failed or cancelled job may still be running then
 * (Spark's {@code runJob} throws at the first failure); what it leaves after {@link #forget} it removes
 * again itself, since its job is no longer live.
 */
final class InJvmResults {
  private record Key(long job, long attempt) {}

  private static final ConcurrentHashMap<Key, Object> HELD = new ConcurrentHashMap<>();
  private static final AtomicLong JOBS = new AtomicLong();
  /** Jobs from {@link #newJob} until {@link #forget}. */
  private static final java.util.Set<Long> LIVE = ConcurrentHashMap.newKeySet();

  private InJvmResults() {}

  /** A fresh job number, under which the tasks of one job leave their results. */
  static long newJob() {
    long job = JOBS.incrementAndGet();
    LIVE.add(job);
    return job;
  }

  /** {@code inner} as a job function that leaves its result here and returns the task attempt's id. */
  static <T, U> Hand<T, U> hand(long job, scala.Function2<TaskContext, scala.collection.Iterator<T>, U> inner) {
    return new Hand<>(job, inner);
  }

  /** The results of the attempts {@code attempts} (what the job returned) of job {@code job}, removed, as an array of {@code tag}. */
  static <U> Object take(long job, Object attempts, scala.reflect.ClassTag<U> tag) {
    Long[] ids = (Long[]) attempts;
    Object out = tag.newArray(ids.length);
    for (int i = 0; i < ids.length; i++) {
      Object r = HELD.remove(new Key(job, ids[i]));
      if (r == null) {
        throw new IllegalStateException("job " + job + ": no result from task attempt " + ids[i]);
      }
      java.lang.reflect.Array.set(out, i, r);
    }
    return out;
  }

  /** Drops whatever attempts of job {@code job} left and nobody took (failed attempts, a failed job). */
  static void forget(long job) {
    LIVE.remove(job);
    HELD.keySet().removeIf(k -> k.job() == job);
  }

  /** Results not taken or forgotten yet (for tests). */
  static int pending() {
    return HELD.size();
  }

  /** The job function: runs {@code inner}, leaves its result, returns the attempt's id. */
  static final class Hand<T, U> extends scala.runtime.AbstractFunction2<TaskContext, scala.collection.Iterator<T>, Long>
      implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final long job;
    private final scala.Function2<TaskContext, scala.collection.Iterator<T>, U> inner;

    private Hand(long job, scala.Function2<TaskContext, scala.collection.Iterator<T>, U> inner) {
      this.job = job;
      this.inner = inner;
    }

    @Override
    public Long apply(TaskContext ctx, scala.collection.Iterator<T> it) {
      U result = java.util.Objects.requireNonNull(inner.apply(ctx, it), "a job function's result");
      Key key = new Key(job, ctx.taskAttemptId());
      HELD.put(key, result);
      // Put, then look: a job forgotten meanwhile (it failed or was cancelled while this task ran) never
      // takes this result, and its forget may have run before the put.
      if (!LIVE.contains(job)) {
        HELD.remove(key);
      }
      return ctx.taskAttemptId();
    }
  }
}
