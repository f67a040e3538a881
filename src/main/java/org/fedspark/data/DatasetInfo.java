package org.fedspark.data;

import java.io.Serializable;

/**
 * Driver-side facts about a federated dataset: its shape and the per-client sample counts (two ints per
 * client, so it stays small at 10,000 clients).
 *
 * @param name a short human-readable description, e.g. "fashion-mnist / dirichlet(0.5)"
 * @param trainCounts training examples of client c at index c
 * @param testCounts test examples of client c at index c
 * @param clientNames the name client c has in the data (its client column value or LEAF user) at index
 *     c, or null when clients are numbered by a partitioner or generator
 */
public record DatasetInfo(String name, int numFeatures, int numClasses, int[] trainCounts, int[] testCounts,
    String[] clientNames) implements Serializable {

  /** A federation whose clients have no names of their own. */
  public DatasetInfo(String name, int numFeatures, int numClasses, int[] trainCounts, int[] testCounts) {
    this(name, numFeatures, numClasses, trainCounts, testCounts, null);
  }

  /**
   * The id-to-name table as CSV ({@code client_id,name}, names quoted when needed), or null when the
   * clients have no names. Written to the run's output as {@code clients.csv}, so that per-client
   * results can be traced back to the users of the data.
   */
  public String clientsCsv() {
    if (clientNames == null) {
      return null;
    }
    StringBuilder sb = new StringBuilder("client_id,name\n");
    for (int c = 0; c < clientNames.length; c++) {
      String n = clientNames[c];
      boolean quote = n.contains(",") || n.contains("\"") || n.contains("\n") || n.contains("\r");
      sb.append(c).append(',').append(quote ? "\"" + n.replace("\"", "\"\"") + "\"" : n).append('\n');
    }
    return sb.toString();
  }

  /**
   * Clients without a test example, which personalized accuracy cannot measure (they are left out of
   * its means); with the dataset's own split or LEAF test files this can happen, so it is reported.
   */
  public java.util.List<Integer> clientsWithoutTest() {
    java.util.List<Integer> ids = new java.util.ArrayList<>();
    for (int c = 0; c < testCounts.length; c++) {
      if (testCounts[c] == 0) {
        ids.add(c);
      }
    }
    return ids;
  }

  public int numClients() {
    return trainCounts.length;
  }

  public long totalTrain() {
    long s = 0;
    for (int c : trainCounts) {
      s += c;
    }
    return s;
  }

  public long totalTest() {
    long s = 0;
    for (int c : testCounts) {
      s += c;
    }
    return s;
  }
}
