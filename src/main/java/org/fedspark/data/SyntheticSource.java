package org.fedspark.data;

import org.apache.spark.SparkContext;

/** Loads {@link DataSpec.Source#SYNTHETIC}: FedProx's Synthetic(α, β), generated client by client ({@link SyntheticGenerator}). */
final class SyntheticSource {
  private SyntheticSource() {}

  static FederatedData load(SparkContext sc, DataSpec spec, int numPartitions) {
    DataSpec.SyntheticSpec syn = spec.synthetic();
    SyntheticGenerator.validate(syn);
    String name = syn.iid() ? "synthetic-iid" : "synthetic(" + syn.alpha() + ", " + syn.beta() + ")";
    return GeneratedFederation.load(sc, spec, numPartitions, syn.clients(), syn.features(), syn.classes(),
        "the synthetic generator", (seed, c) -> SyntheticGenerator.generate(syn, seed, c), name);
  }
}
