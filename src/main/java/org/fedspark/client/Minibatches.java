package org.fedspark.client;

import java.util.SplittableRandom;
import org.fedspark.data.LocalDataset;

/**
 * Epochs of shuffled minibatches over one client's data, gathered into reused contiguous buffers so a
 * model sees a dense BLAS operand. Each epoch visits the rows in a fresh random order drawn from the
 * given stream (Fisher–Yates from the identity, so the order depends only on the stream's state), in
 * batches of {@code batchSize}, the last one smaller.
 */
public final class Minibatches {
  private final LocalDataset data;
  private final int batch;
  private final SplittableRandom rng;
  private final int[] order;
  /** The current batch: rows {@code x[0, n·d)} and labels {@code y[0, n)}. */
  public final double[] x;
  public final int[] y;
  private int from;
  private int n;

  public Minibatches(LocalDataset data, int batchSize, SplittableRandom rng) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
    }
    this.data = data;
    this.batch = Math.max(1, Math.min(batchSize, data.size()));
    this.rng = rng;
    this.order = new int[data.size()];
    this.x = new double[batch * data.numFeatures()];
    this.y = new int[batch];
    this.from = data.size();
  }

  /** Starts an epoch: draws a new order. */
  public void startEpoch() {
    shuffleIdentity(order, rng);
    from = 0;
    n = 0;
  }

  /** Gathers the next batch of the epoch; false when the epoch is over. */
  public boolean next() {
    from += n;
    if (from >= order.length) {
      return false;
    }
    n = Math.min(batch, order.length - from);
    data.gather(order, from, n, x, y);
    return true;
  }

  /** Rows in the current batch. */
  public int size() {
    return n;
  }

  /**
   * Sets {@code order} to a uniformly random permutation of {@code 0..length-1} (Fisher–Yates). Public
   * so that an export of a run's workload ({@code fedspark bench --pytorch}) can write down exactly the
   * orders the clients train in.
   */
  public static void shuffleIdentity(int[] order, SplittableRandom rng) {
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int i = order.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }
}
