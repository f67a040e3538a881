package org.fedspark.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.SparkContext;

/**
 * A federation made by a generator rather than read from files (Synthetic(α, β), the clustered
 * source): only client ids go to the executors, each client's data is generated inside its partition
 * from its own seeds and split there, so nothing is materialized on the driver and the result does not
 * depend on the partitioning.
 */
final class GeneratedFederation {
  private GeneratedFederation() {}

  /** Makes one client's examples from the run seed and its id alone. */
  interface ClientGenerator extends Serializable {
    LocalDataset generate(long seed, int clientId);
  }

  /**
   * @param generator who makes the data, for messages (e.g. "the synthetic generator")
   * @param name the federation's name in reports
   */
  static FederatedData load(SparkContext sc, DataSpec spec, int numPartitions, int numClients, int features,
      int classes, String generator, ClientGenerator gen, String name) {
    if (spec.numFeatures() > 0 && spec.numFeatures() != features) {
      throw new DataException("data.num-features is " + spec.numFeatures() + " but " + generator + " makes "
          + features + " features: set it to 0 or " + features);
    }
    if (spec.numClasses() > 0 && spec.numClasses() != classes) {
      throw new DataException("data.num-classes is " + spec.numClasses() + " but " + generator + " makes "
          + classes + " classes: set it to 0 or " + classes);
    }
    TrainTestSplit.checkFraction(spec.testFraction());
    ClientPartitioner partitioner = new ClientPartitioner(numClients, numPartitions);
    long seed = spec.seed();
    double testFraction = spec.testFraction();
    JavaRDD<ClientData> clients = ClientLayout.clientIds(JavaSparkContext.fromSparkContext(sc),
        partitioner).mapPartitions(it -> {
          List<ClientData> out = new ArrayList<>();
          for (int c : ClientLayout.sortedIds(it)) {
            out.add(TrainTestSplit.split(c, gen.generate(seed, c), testFraction, seed));
          }
          return out.iterator();
        }, true);
    return Federations.finish(clients, partitioner, name + " / " + numClients + " clients", features, classes);
  }
}
