package org.fedspark.data.partition;

import org.fedspark.data.DataSpec;

/** Builds the {@link LabelPartitioner} a {@link DataSpec.PartitionSpec} asks for. */
public final class LabelPartitioners {
  private LabelPartitioners() {}

  public static LabelPartitioner of(DataSpec.PartitionSpec spec) {
    return switch (spec.scheme()) {
      case IID -> new IidPartitioner();
      case DIRICHLET -> new DirichletPartitioner(spec.dirichletAlpha());
      case SHARDS -> new ShardsPartitioner(spec.shardsPerClient());
      case QUANTITY_SKEW -> new QuantitySkewPartitioner(spec.quantitySigma());
    };
  }
}
