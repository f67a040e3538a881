package org.fedspark.data;

import org.fedspark.data.partition.LabelPartitioner;
import org.fedspark.data.partition.LabelPartitioners;

/** Turns {@link DataSpec#partition()} into a partitioner, with user-facing errors for bad settings. */
final class Partitioning {
  private Partitioning() {}

  /** The partitioner the spec asks for; {@code spec.partition().clients()} is checked to be positive. */
  static LabelPartitioner partitioner(DataSpec spec) {
    DataSpec.PartitionSpec ps = spec.partition();
    if (ps == null || ps.scheme() == null) {
      throw new DataException("the data has no client column, so it must be split into clients: set"
          + " partition.scheme (iid, dirichlet, shards, quantity-skew) and partition.clients");
    }
    if (ps.clients() <= 0) {
      throw new DataException("partition.clients must be at least 1, got " + ps.clients());
    }
    try {
      return LabelPartitioners.of(ps);
    } catch (IllegalArgumentException e) {
      throw new DataException("invalid partition settings: " + e.getMessage(), e);
    }
  }

  /**
   * Runs the partitioner on the labels with the spec's partition stream: the client of each example, or
   * −1 for an example this run does not use. With a held-out share ({@link DataSpec#holdout()}) the
   * partitioner sees only the part this run uses (the held-out examples with {@code use}, the rest
   * otherwise); the other part's examples get −1.
   */
  static int[] assign(LabelPartitioner partitioner, DataSpec spec, int[] labels, int numClasses) {
    long stream = Seeds.derive(spec.seed(), Seeds.Purpose.PARTITION, 0);
    DataSpec.Holdout h = spec.holdout();
    if (!h.active()) {
      return partitioner.assign(labels, numClasses, spec.partition().clients(), stream);
    }
    boolean[] held = heldOut(labels.length, h.fraction(), spec.seed());
    int used = 0;
    for (boolean b : held) {
      used += b == h.use() ? 1 : 0;
    }
    if (used == 0) {
      throw new DataException("data.holdout-fraction = " + h.fraction() + " leaves no example for this run ("
          + (h.use() ? "the held-out share" : "the rest") + " of " + labels.length + " examples is empty)");
    }
    int[] sub = new int[used];
    int[] rowOf = new int[used];
    for (int i = 0, j = 0; i < labels.length; i++) {
      if (held[i] == h.use()) {
        sub[j] = labels[i];
        rowOf[j++] = i;
      }
    }
    int[] subClient = partitioner.assign(sub, numClasses, spec.partition().clients(), stream);
    int[] out = new int[labels.length];
    java.util.Arrays.fill(out, -1);
    for (int j = 0; j < used; j++) {
      out[rowOf[j]] = subClient[j];
    }
    return out;
  }

  /** The partitioner's description, with the part of a held-out split this run uses. */
  static String describe(LabelPartitioner partitioner, DataSpec spec) {
    DataSpec.Holdout h = spec.holdout();
    if (!h.active()) {
      return partitioner.describe();
    }
    String share = new java.math.BigDecimal(100 * h.fraction()).round(new java.math.MathContext(4)).stripTrailingZeros()
        .toPlainString() + "%";
    return partitioner.describe() + (h.use() ? " of the held-out " + share : " of the rest after holding out " + share);
  }

  /**
   * Which of {@code n} examples are held out: the first {@code round(fraction·n)} of a uniformly random
   * permutation (Fisher–Yates) drawn from the run seed alone, so that a pretraining run on the
   * held-out share and a fine-tuning run on the rest agree on it whatever their other settings.
   */
  static boolean[] heldOut(int n, double fraction, long seed) {
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    java.util.SplittableRandom rng = Seeds.random(seed, Seeds.Purpose.HOLDOUT, 0);
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    boolean[] held = new boolean[n];
    long k = Math.round(fraction * n);
    for (int i = 0; i < k; i++) {
      held[perm[i]] = true;
    }
    return held;
  }
}
