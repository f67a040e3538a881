package org.fedspark.data.partition;

import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Pathological non-IID split of McMahan et al. 2017 ("Communication-efficient learning of deep networks
 * from decentralized data", AISTATS, section 3: sort by label, cut into 200 shards of 300, give each of
 * 100 clients 2 shards): examples sorted by label are cut into {@code S = N·s} shards and every client
 * receives {@code s} shards chosen at random.
 *
 * <p>One refinement keeps the defining property — a client sees at most {@code s} classes — for any
 * class sizes: shards never straddle two classes. The {@code S} shards are apportioned to classes in
 * proportion to their sizes (largest remainder, at least one per non-empty class, at most one per
 * example) and each class's shuffled examples are cut into that many shards of sizes differing by at
 * most one. With balanced classes and {@code S} a multiple of {@code K} this is exactly McMahan's cut.
 * If {@code S} is smaller than the number of non-empty classes no such cut exists; the label-sorted
 * order is then cut into {@code S} consecutive shards and a shard may hold several classes. If there
 * are fewer examples than shards, the surplus shards are empty.
 */
public final class ShardsPartitioner implements LabelPartitioner {
  private final int shardsPerClient;

  public ShardsPartitioner(int shardsPerClient) {
    if (shardsPerClient <= 0) {
      throw new IllegalArgumentException("shards per client must be positive, got " + shardsPerClient);
    }
    this.shardsPerClient = shardsPerClient;
  }

  @Override
  public int[] assign(int[] labels, int numClasses, int numClients, long seed) {
    PartitionMath.checkArguments(labels, numClasses, numClients);
    long totalShards = (long) numClients * shardsPerClient;
    if (totalShards > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(numClients + " clients x " + shardsPerClient + " shards is too many shards");
    }
    int numShards = (int) totalShards;
    SplittableRandom rng = new SplittableRandom(seed);
    int[][] byClass = PartitionMath.examplesByClass(labels, numClasses);
    for (int[] examples : byClass) {
      Distributions.shuffle(examples, rng);
    }
    int[][] shards = cut(byClass, labels.length, numShards);
    int[] shardOrder = Distributions.range(numShards);
    Distributions.shuffle(shardOrder, rng);
    int[] clientOf = new int[labels.length];
    for (int pos = 0; pos < numShards; pos++) {
      int client = pos / shardsPerClient;
      for (int example : shards[shardOrder[pos]]) {
        clientOf[example] = client;
      }
    }
    return clientOf;
  }

  /** Exactly {@code numShards} shards (some possibly empty) covering every example once. */
  private static int[][] cut(int[][] byClass, int n, int numShards) {
    int nonEmpty = 0;
    for (int[] examples : byClass) {
      nonEmpty += examples.length > 0 ? 1 : 0;
    }
    int[][] shards = new int[numShards][];
    Arrays.fill(shards, new int[0]);
    if (numShards < nonEmpty) {
      int[] sorted = new int[n];
      int pos = 0;
      for (int[] examples : byClass) {
        System.arraycopy(examples, 0, sorted, pos, examples.length);
        pos += examples.length;
      }
      for (int s = 0; s < numShards; s++) {
        int from = (int) ((long) s * n / numShards);
        int to = (int) ((long) (s + 1) * n / numShards);
        shards[s] = Arrays.copyOfRange(sorted, from, to);
      }
      return shards;
    }
    int[] perClass = shardsPerClass(byClass, n, Math.min(numShards, n));
    int next = 0;
    for (int k = 0; k < byClass.length; k++) {
      int[] examples = byClass[k];
      int pieces = perClass[k];
      for (int s = 0; s < pieces; s++) {
        int from = (int) ((long) s * examples.length / pieces);
        int to = (int) ((long) (s + 1) * examples.length / pieces);
        shards[next++] = Arrays.copyOfRange(examples, from, to);
      }
    }
    return shards;
  }

  /**
   * Shards per class: proportional to class size, at least 1 for a non-empty class, at most its size,
   * summing to {@code target} (which is at least the number of non-empty classes and at most n).
   */
  private static int[] shardsPerClass(int[][] byClass, int n, int target) {
    int k = byClass.length;
    int[] a = new int[k];
    double[] quota = new double[k];
    long sum = 0;
    for (int c = 0; c < k; c++) {
      int size = byClass[c].length;
      if (size > 0) {
        quota[c] = (double) target * size / n;
        a[c] = (int) Math.min(size, Math.max(1, Math.floor(quota[c])));
        sum += a[c];
      }
    }
    if (sum > target) {
      // The "at least one" floors overshot: take back from the classes holding the most shards.
      PriorityQueue<Integer> most = new PriorityQueue<>((x, y) -> {
        int cmp = Integer.compare(a[y], a[x]);
        return cmp != 0 ? cmp : Integer.compare(x, y);
      });
      for (int c = 0; c < k; c++) {
        if (a[c] > 1) {
          most.add(c);
        }
      }
      while (sum > target) {
        int c = most.poll();
        a[c]--;
        sum--;
        if (a[c] > 1) {
          most.add(c);
        }
      }
    }
    if (sum < target) {
      Integer[] order = new Integer[k];
      for (int c = 0; c < k; c++) {
        order[c] = c;
      }
      Arrays.sort(order, (x, y) -> {
        int cmp = Double.compare(quota[y] - a[y], quota[x] - a[x]);
        return cmp != 0 ? cmp : Integer.compare(x, y);
      });
      while (sum < target) {
        boolean grew = false;
        for (int j = 0; j < k && sum < target; j++) {
          int c = order[j];
          if (a[c] < byClass[c].length) {
            a[c]++;
            sum++;
            grew = true;
          }
        }
        if (!grew) {
          throw new IllegalStateException("cannot place " + target + " shards over " + n + " examples");
        }
      }
    }
    return a;
  }

  @Override
  public String describe() {
    return "shards(" + shardsPerClient + ")";
  }
}
