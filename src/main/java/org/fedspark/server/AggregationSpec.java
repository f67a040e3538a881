package org.fedspark.server;

import java.io.Serializable;
import java.util.Set;

/**
 * How the engine combines the clients' uploads before the server sees them.
 *
 * <p>Every vector not listed in {@code collect} is summed, weighted by the update's scalar
 * {@code weightScalar} (1 when absent): {@code Σ_i w_i v_i}, computed with {@link ReproducibleSum} in a
 * Spark {@code treeAggregate}, so the driver receives one vector, not one per client. Vectors listed in
 * {@code collect} are returned per client (for server-side solves that need every column, such as the
 * graph-fused Z step).
 */
public record AggregationSpec(String weightScalar, Set<String> collect) implements Serializable {
  /** Weighted sums of every vector, weights from scalar "weight". */
  public static AggregationSpec weightedSums() {
    return new AggregationSpec("weight", Set.of());
  }
}
