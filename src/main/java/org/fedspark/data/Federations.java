package org.fedspark.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;

/**
 * The common last step of every source: persist the clients, materialize them once, check the layout
 * the rest of fedspark relies on, and record the per-client counts.
 */
final class Federations {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Federations.class);
  private Federations() {}

  /**
   * @param clients one {@link ClientData} per id, made by a {@code mapPartitions(…, true)} over an RDD
   *     partitioned by {@code partitioner}
   */
  static FederatedData finish(JavaRDD<ClientData> clients, ClientPartitioner partitioner, String name,
      int numFeatures, int numClasses) {
    return finish(clients, partitioner, name, numFeatures, numClasses, null);
  }

  /** @param clientNames the data's name of each client id, or null when clients are numbered */
  static FederatedData finish(JavaRDD<ClientData> clients, ClientPartitioner partitioner, String name,
      int numFeatures, int numClasses, String[] clientNames) {
    clients.persist(StorageLevel.MEMORY_AND_DISK());
    JavaRDD<int[]> described = clients.mapPartitionsWithIndex(Federations::describe, true);
    // on a local master one task per thread, each building its share of the partitions
    described = JavaRDD.fromRDD(org.fedspark.run.TaskGroups.onLocalThreads(described.rdd(),
        partitioner.clientsPerPartition()), described.classTag());
    List<int[]> rows = new ArrayList<>(described.collect());
    rows.sort(java.util.Comparator.comparingInt(r -> r[0]));
    int n = partitioner.numClients();
    if (rows.size() != n) {
      throw new IllegalStateException("built " + rows.size() + " clients, expected " + n);
    }
    int[] train = new int[n];
    int[] test = new int[n];
    for (int c = 0; c < n; c++) {
      int[] r = rows.get(c);
      if (r[0] != c || r[1] != partitioner.partitionOf(c) || r[4] != numFeatures) {
        throw new IllegalStateException("client layout broken at position " + c + ": id " + r[0]
            + " in partition " + r[1] + " with " + r[4] + " features");
      }
      train[c] = r[2];
      test[c] = r[3];
    }
    if (!clients.rdd().partitioner().isDefined()) {
      throw new IllegalStateException("client RDD lost its partitioner");
    }
    return new FederatedData(clients, partitioner,
        new DatasetInfo(name, numFeatures, numClasses, train, test, clientNames));
  }

  /**
   * Logs a warning naming how many clients have no test example and the first few (id and name),
   * when the split comes from the data (own split column, LEAF test files): those clients train but
   * are left out of the personalized-accuracy means, and a user should know that.
   *
   * @return the message, or null when every client has test data
   */
  static String warnWithoutTest(DatasetInfo info, String source) {
    java.util.List<Integer> ids = info.clientsWithoutTest();
    if (ids.isEmpty()) {
      return null;
    }
    StringBuilder examples = new StringBuilder();
    for (int i = 0; i < Math.min(5, ids.size()); i++) {
      int c = ids.get(i);
      examples.append(i == 0 ? "" : ", ").append(c);
      if (info.clientNames() != null) {
        examples.append(" '").append(info.clientNames()[c]).append('\'');
      }
    }
    String msg = ids.size() + " of " + info.numClients() + " clients have no test example in " + source + " (e.g. "
        + examples + (ids.size() > 5 ? ", ..." : "") + "): they train, but are left out of the personalized-accuracy"
        + " means";
    LOG.warn(msg);
    return msg;
  }

  private static Iterator<int[]> describe(int partition, Iterator<ClientData> it) {
    List<int[]> out = new ArrayList<>();
    it.forEachRemaining(cd -> out.add(
        new int[] {cd.clientId(), partition, cd.train().size(), cd.test().size(), cd.numFeatures()}));
    return out.iterator();
  }
}
