package org.fedspark.data;

import java.util.Arrays;
import org.fedspark.data.partition.Distributions;

/**
 * A client's own train/test split: a shuffle seeded by (run seed, client id), the first
 * {@code n − t} examples for training and the last {@code t} for testing, as the generator of the
 * FedProx benchmark does per device (Li et al., MLSys 2020: 90/10; how the counts compare is in
 * docs/data.md, section 3). It depends on nothing else, so it is the same in every run, on every
 * partitioning.
 *
 * <p>Test size {@code t = round(testFraction·n)}, but at least 1 test and 1 training example when
 * {@code n ≥ 2}, so that every client can both train and be evaluated. A client with one example keeps
 * it for training. {@code testFraction = 0} means no test split at all.
 */
public final class TrainTestSplit {
  private TrainTestSplit() {}

  /** Number of test examples out of {@code n}. */
  public static int testCount(int n, double testFraction) {
    checkFraction(testFraction);
    if (n < 2 || testFraction == 0) {
      return 0;
    }
    long t = Math.round(testFraction * n);
    return (int) Math.max(1, Math.min(n - 1, t));
  }

  /** Number of training examples out of {@code n}. */
  public static int trainCount(int n, double testFraction) {
    return n - testCount(n, testFraction);
  }

  /** Splits all of a client's examples (in their canonical order) into its {@link ClientData}. */
  public static ClientData split(int clientId, LocalDataset all, double testFraction, long seed) {
    int[][] idx = indices(clientId, all.size(), testFraction, seed);
    return new ClientData(clientId, all.select(idx[0]), all.select(idx[1]));
  }

  /**
   * The split as positions into the client's examples (canonical order): {train positions, test
   * positions}, each in the order {@link #split} puts them. A source that builds its examples from a
   * compact table can build the two halves directly, without materializing the whole client first.
   */
  public static int[][] indices(int clientId, int n, double testFraction, long seed) {
    int test = testCount(n, testFraction);
    int[] order = Distributions.range(n);
    Distributions.shuffle(order, Seeds.random(seed, Seeds.Purpose.SPLIT, clientId));
    return new int[][] {Arrays.copyOfRange(order, 0, n - test), Arrays.copyOfRange(order, n - test, n)};
  }

  static void checkFraction(double testFraction) {
    if (!(testFraction >= 0 && testFraction < 1)) {
      throw new DataException("the test fraction must be in [0, 1), got " + testFraction
          + ": set data.test-fraction to e.g. 0.1 (or 0 for no test split)");
    }
  }
}
