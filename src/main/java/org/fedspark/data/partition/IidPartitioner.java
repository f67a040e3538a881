package org.fedspark.data.partition;

import java.util.SplittableRandom;

/**
 * IID split: a seeded shuffle of all examples cut into {@code N} consecutive blocks whose sizes differ
 * by at most one. The baseline of McMahan et al. 2017 ("Communication-efficient learning of deep
 * networks from decentralized data", AISTATS), where every client sees the global label mix.
 */
public final class IidPartitioner implements LabelPartitioner {
  @Override
  public int[] assign(int[] labels, int numClasses, int numClients, long seed) {
    PartitionMath.checkArguments(labels, numClasses, numClients);
    int n = labels.length;
    int[] order = Distributions.range(n);
    Distributions.shuffle(order, new SplittableRandom(seed));
    int[] sizes = new int[numClients];
    for (int c = 0; c < numClients; c++) {
      sizes[c] = (int) ((long) (c + 1) * n / numClients - (long) c * n / numClients);
    }
    return PartitionMath.assignBlocks(order, sizes);
  }

  @Override
  public String describe() {
    return "iid";
  }
}
