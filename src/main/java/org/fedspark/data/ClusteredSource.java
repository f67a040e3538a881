package org.fedspark.data;

import org.apache.spark.SparkContext;

/**
 * Loads {@link DataSpec.Source#CLUSTERED}: K groups of clients sharing a group-level model, generated
 * client by client ({@link ClusteredGenerator}).
 */
final class ClusteredSource {
  private ClusteredSource() {}

  static FederatedData load(SparkContext sc, DataSpec spec, int numPartitions) {
    DataSpec.ClusteredSpec cs = spec.clustered();
    ClusteredGenerator.validate(cs);
    String name = "clustered(" + cs.groups() + " groups, shift " + cs.meanShift() + ")";
    return GeneratedFederation.load(sc, spec, numPartitions, cs.clients(), cs.features(), cs.classes(),
        "the clustered generator (data.clustered.*)", (seed, c) -> ClusteredGenerator.generate(cs, seed, c), name);
  }
}
