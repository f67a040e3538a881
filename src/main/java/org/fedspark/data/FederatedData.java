package org.fedspark.data;

import org.apache.spark.api.java.JavaRDD;

/**
 * A loaded federation: one {@link ClientData} per client with ids {@code 0 … N−1}, partitioned by
 * {@link #partitioner()} and, inside each partition, sorted by client id. The RDD is persisted by the
 * loader: it is read every round.
 */
public record FederatedData(JavaRDD<ClientData> clients, ClientPartitioner partitioner, DatasetInfo info) {}
