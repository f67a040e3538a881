package org.fedspark.data;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Loads {@link DataSpec.Source#CLUSTERED}: as the synthetic source, only client ids go to the executors
 * and each client's data is generated inside its partition from its own seeds
 * ({@link ClusteredGenerator}), then split there.
 */
final class ClusteredSource {
  private ClusteredSource() {}

  static FederatedData load(SparkSession spark, DataSpec spec, int numPartitions) {
    DataSpec.ClusteredSpec cs = spec.clustered();
    ClusteredGenerator.validate(cs);
    if (spec.numFeatures() > 0 && spec.numFeatures() != cs.features()) {
      throw new DataException("data.num-features is " + spec.numFeatures() + " but data.clustered.features is "
          + cs.features() + ": set data.num-features to 0 or " + cs.features());
    }
    if (spec.numClasses() > 0 && spec.numClasses() != cs.classes()) {
      throw new DataException("data.num-classes is " + spec.numClasses() + " but data.clustered.classes is "
          + cs.classes() + ": set data.num-classes to 0 or " + cs.classes());
    }
    TrainTestSplit.checkFraction(spec.testFraction());
    ClientPartitioner partitioner = new ClientPartitioner(cs.clients(), numPartitions);
    long seed = spec.seed();
    double testFraction = spec.testFraction();
    JavaRDD<ClientData> clients = ClientLayout.clientIds(JavaSparkContext.fromSparkContext(spark.sparkContext()),
        partitioner).mapPartitions(it -> {
          List<ClientData> out = new ArrayList<>();
          for (int c : ClientLayout.sortedIds(it)) {
            out.add(TrainTestSplit.split(c, ClusteredGenerator.generate(cs, seed, c), testFraction, seed));
          }
          return out.iterator();
        }, true);
    String name = "clustered(" + cs.groups() + " groups, shift " + cs.meanShift() + ") / " + cs.clients() + " clients";
    return Federations.finish(clients, partitioner, name, cs.features(), cs.classes());
  }
}
