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

  /** Runs the partitioner on the labels with the spec's partition stream. */
  static int[] assign(LabelPartitioner partitioner, DataSpec spec, int[] labels, int numClasses) {
    return partitioner.assign(labels, numClasses, spec.partition().clients(),
        Seeds.derive(spec.seed(), Seeds.Purpose.PARTITION, 0));
  }
}
