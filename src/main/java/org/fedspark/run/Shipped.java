package org.fedspark.run;

import java.io.Serializable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * A value the driver hands the tasks of one job: inside the tasks themselves when it is small, as a
 * broadcast when it is large or must outlive the job.
 *
 * <p>Why not always a broadcast: Spark already broadcasts every stage's task binary (the RDD chain
 * and the job's function), so a small value inside it costs a few more KB of that one broadcast. A
 * broadcast of its own cost the driver 2.1-2.2 ms per round on a local master (measured on
 * {@code fmnist-fedavg.conf}, whose round message is 63 KB): serializing it into blocks, storing them,
 * registering them with the block manager's master, and removing them after the round. Why not
 * always inline: every task deserializes its own copy of what the task binary holds, where a
 * broadcast is read once per executor, so beyond {@link #INLINE_BYTES} (a 32,768-parameter model
 * in float64) a broadcast is what scales. And a value that an RDD's lineage keeps (a stateful round,
 * whose state RDD stays in the next rounds' lineage until its checkpoint) would travel again in every
 * later task: those go by broadcast too.
 */
abstract class Shipped<T> implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Largest value, in bytes, that travels inside the tasks. */
  static final long INLINE_BYTES = 256 << 10;

  private Shipped() {}

  /** The value, on the driver or in a task. */
  abstract T value();

  /** The broadcast that carries the value, or null when it travels inside the tasks. */
  abstract Broadcast<T> broadcast();

  /**
   * {@code value} inside the tasks when {@code inlineAllowed} and its size, {@code bytes} (an
   * estimate: its arrays), is at most {@link #INLINE_BYTES}; else as a new broadcast, which the caller
   * releases.
   */
  static <T> Shipped<T> of(JavaSparkContext jsc, T value, long bytes, boolean inlineAllowed) {
    if (inlineAllowed && bytes <= INLINE_BYTES) {
      return new Inline<>(value);
    }
    return new Broadcasted<>(jsc.broadcast(value));
  }

  private static final class Inline<T> extends Shipped<T> {
    private static final long serialVersionUID = 1L;
    private final T value;

    Inline(T value) {
      this.value = value;
    }

    @Override
    T value() {
      return value;
    }

    @Override
    Broadcast<T> broadcast() {
      return null;
    }
  }

  private static final class Broadcasted<T> extends Shipped<T> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<T> broadcast;

    Broadcasted(Broadcast<T> broadcast) {
      this.broadcast = broadcast;
    }

    @Override
    T value() {
      return broadcast.value();
    }

    @Override
    Broadcast<T> broadcast() {
      return broadcast;
    }
  }
}
