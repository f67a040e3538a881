package org.fedspark.data;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Loads {@link DataSpec.Source#SYNTHETIC}: only client ids go to the executors; each client's data is
 * generated inside its partition from its own seeds ({@link SyntheticGenerator}) and split there, so
 * nothing is materialized on the driver and the result does not depend on the partitioning.
 */
final class SyntheticSource {
  private SyntheticSource() {}

  static FederatedData load(SparkSession spark, DataSpec spec, int numPartitions) {
    DataSpec.SyntheticSpec syn = spec.synthetic();
    SyntheticGenerator.validate(syn);
    if (spec.numFeatures() > 0 && spec.numFeatures() != syn.features()) {
      throw new DataException("data.num-features is " + spec.numFeatures() + " but the synthetic generator makes "
          + syn.features() + " features: set it to 0 or " + syn.features());
    }
    if (spec.numClasses() > 0 && spec.numClasses() != syn.classes()) {
      throw new DataException("data.num-classes is " + spec.numClasses() + " but the synthetic generator makes "
          + syn.classes() + " classes: set it to 0 or " + syn.classes());
    }
    TrainTestSplit.checkFraction(spec.testFraction());
    ClientPartitioner partitioner = new ClientPartitioner(syn.clients(), numPartitions);
    long seed = spec.seed();
    double testFraction = spec.testFraction();
    JavaRDD<ClientData> clients = ClientLayout.clientIds(JavaSparkContext.fromSparkContext(spark.sparkContext()),
        partitioner).mapPartitions(it -> {
          List<ClientData> out = new ArrayList<>();
          for (int c : ClientLayout.sortedIds(it)) {
            out.add(TrainTestSplit.split(c, SyntheticGenerator.generate(syn, seed, c), testFraction, seed));
          }
          return out.iterator();
        }, true);
    String name = syn.iid() ? "synthetic-iid" : "synthetic(" + syn.alpha() + ", " + syn.beta() + ")";
    return Federations.finish(clients, partitioner, name + " / " + syn.clients() + " clients", syn.features(),
        syn.classes());
  }
}
