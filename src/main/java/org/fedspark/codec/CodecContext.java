package org.fedspark.codec;

import java.io.Serializable;
import java.util.SplittableRandom;
import org.fedspark.data.Seeds;

/**
 * Where a vector is being encoded: run seed, round, client ({@code -1} for what the server sends to
 * every client), direction and vector name. Stochastic codecs (QSGD's random rounding) draw from
 * {@link #rng()}, a stream private to exactly this message, so a run is reproducible to the byte: the
 * same seed gives the same bytes, whatever the partitioning or the order the clients run in.
 */
public record CodecContext(long seed, int round, int clientId, Direction direction, String vector)
    implements Serializable {

  /** Which way the message travels. */
  public enum Direction {
    /** Client to server: a client's update. */
    UPLINK,
    /** Server to the round's sampled clients. */
    DOWNLINK,
    /** Server to every client, for evaluation. */
    EVALUATION
  }

  /** A context for callers without a run (tests, benchmarks): seed 0, round 0, the server. */
  public static CodecContext none(Direction direction) {
    return new CodecContext(0, 0, -1, direction, "");
  }

  /** The same context for the named vector of the message. */
  public CodecContext forVector(String name) {
    return new CodecContext(seed, round, clientId, direction, name);
  }

  /** The random stream of this message and vector. */
  public SplittableRandom rng() {
    return Seeds.stream(seed, round, clientId, "codec/" + direction + "/" + vector);
  }
}
