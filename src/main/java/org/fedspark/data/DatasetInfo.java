package org.fedspark.data;

import java.io.Serializable;

/**
 * Driver-side facts about a federated dataset: its shape and the per-client sample counts (two ints per
 * client, so it stays small at 10,000 clients).
 *
 * @param name a short human-readable description, e.g. "fashion-mnist / dirichlet(0.5)"
 * @param trainCounts training examples of client c at index c
 * @param testCounts test examples of client c at index c
 */
public record DatasetInfo(String name, int numFeatures, int numClasses, int[] trainCounts, int[] testCounts)
    implements Serializable {

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
