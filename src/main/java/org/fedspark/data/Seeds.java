package org.fedspark.data;

import java.util.SplittableRandom;

/**
 * Derives every random stream of a run (data loading, client sampling, local SGD order, model
 * initialization) from the run's seed, a purpose and an index (usually a client id, and the round),
 * never from a partition index or from the order Spark runs tasks in. That is what makes a
 * client's data bitwise the same for any number of partitions. A single generator seeded once and
 * consumed in execution order, the usual way simulators are "seeded", gives different numbers as soon
 * as tasks run in another order or a stage draws one number more (docs/data.md, section 1).
 *
 * <p>The mixing function is the SplitMix64 finalizer (Steele, Lea &amp; Flood 2014, "Fast splittable
 * pseudorandom number generators"), applied twice so that nearby seeds and ids give unrelated streams.
 */
public final class Seeds {
  private Seeds() {}

  /** The purpose of a stream. The salts are fixed constants: changing one changes every dataset. */
  public enum Purpose {
    /** Number of samples of a synthetic client. */
    SYNTHETIC_SIZE(0x5a17e5bd3c9f1b01L),
    /** A synthetic client's own model (W_k, b_k). */
    SYNTHETIC_MODEL(0x2c6fe96ee78b6955L),
    /** The one model shared by all clients of the IID synthetic variant. */
    SYNTHETIC_SHARED_MODEL(0x7b0e6d2f9c1a4e33L),
    /** A synthetic client's feature mean v_k. */
    SYNTHETIC_FEATURE_MEAN(0x1d8e4e27c47d124fL),
    /** A synthetic client's samples x and labels y. */
    SYNTHETIC_SAMPLES(0x6a09e667f3bcc909L),
    /** The partitioner (one stream for the whole dataset). */
    PARTITION(0x3c6ef372fe94f82bL),
    /** A client's train/test split. */
    SPLIT(0x510e527fade682d1L),
    /** Clustered federation: the part (W_shared, b_shared) of the labeling model common to all clients. */
    CLUSTERED_SHARED(0x9b05688c2b3e6c1fL),
    /** Clustered federation: a group's part (W_group, b_group) of the labeling model. */
    CLUSTERED_GROUP(0x1f83d9abfb41bd6bL),
    /** Clustered federation: a group's feature mean μ_g. */
    CLUSTERED_GROUP_MEAN(0x5be0cd19137e2179L),
    /** Clustered federation: a client's noise on its labeling model. */
    CLUSTERED_CLIENT(0xcbbb9d5dc1059ed8L),
    /** Clustered federation: a client's number of samples. */
    CLUSTERED_SIZE(0x629a292a367cd507L),
    /** Clustered federation: a client's samples x and labels y. */
    CLUSTERED_SAMPLES(0x9159015a3070dd17L),
    /** The examples set aside before the split into clients ({@code data.holdout-fraction}). */
    HOLDOUT(0x152fecd8f70e5939L);

    private final long salt;

    Purpose(long salt) {
      this.salt = salt;
    }
  }

  /** A 64-bit seed for stream {@code purpose} number {@code index} of run seed {@code seed}. */
  public static long derive(long seed, Purpose purpose, long index) {
    long h = mix64(seed ^ purpose.salt);
    return mix64(h + 0x9e3779b97f4a7c15L * (index + 1));
  }

  /** A generator for stream {@code purpose} number {@code index}. */
  public static SplittableRandom random(long seed, Purpose purpose, long index) {
    return new SplittableRandom(derive(seed, purpose, index));
  }

  /**
   * A generator for an engine or algorithm stream named {@code purpose} (e.g. "sgd", "finetune",
   * "sample"), private to one round and one client ({@code -1} for driver-side streams).
   */
  public static SplittableRandom stream(long seed, int round, int clientId, String purpose) {
    long h = mix64(seed ^ 0x243f6a8885a308d3L);
    h = mix64(h + 0x9e3779b97f4a7c15L * (round + 2L));
    h = mix64(h + 0xc2b2ae3d27d4eb4fL * (clientId + 2L));
    return new SplittableRandom(mix64(h ^ purpose.hashCode()));
  }

  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
