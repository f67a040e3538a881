package org.fedspark.data;

import org.apache.spark.Partitioner;

/**
 * Places client {@code c} of {@code N} in partition {@code floor(c·P/N)}: contiguous, balanced blocks of
 * clients per partition. Several clients share a partition when {@code N > P} (that is how 10,000
 * clients run on a few cores); inside a partition every record still carries its client id, and a
 * client's code is called with that client's records only.
 *
 * <p>Every per-client RDD of a run (data, personal state, per-client server messages) uses this
 * partitioner, so they line up partition by partition and can be combined with {@code zipPartitions}
 * without a shuffle.
 */
public final class ClientPartitioner extends Partitioner {
  private static final long serialVersionUID = 1L;

  private final int numClients;
  private final int numPartitions;

  public ClientPartitioner(int numClients, int numPartitions) {
    if (numClients <= 0 || numPartitions <= 0) {
      throw new IllegalArgumentException("need positive clients and partitions, got " + numClients + ", " + numPartitions);
    }
    this.numClients = numClients;
    this.numPartitions = Math.min(numPartitions, numClients);
  }

  @Override
  public int numPartitions() {
    return numPartitions;
  }

  @Override
  public int getPartition(Object key) {
    int c = (Integer) key;
    if (c < 0 || c >= numClients) {
      throw new IllegalArgumentException("client id " + c + " outside [0, " + numClients + ")");
    }
    return partitionOf(c);
  }

  public int partitionOf(int clientId) {
    return (int) ((long) clientId * numPartitions / numClients);
  }

  /** How many clients each partition holds: the work of a job that visits every client once. */
  public long[] clientsPerPartition() {
    long[] counts = new long[numPartitions];
    for (int c = 0; c < numClients; c++) {
      counts[partitionOf(c)]++;
    }
    return counts;
  }

  public int numClients() {
    return numClients;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClientPartitioner p && p.numClients == numClients && p.numPartitions == numPartitions;
  }

  @Override
  public int hashCode() {
    return 31 * numClients + numPartitions;
  }
}
