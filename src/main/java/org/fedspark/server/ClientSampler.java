package org.fedspark.server;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.fedspark.data.Seeds;

/**
 * Picks the clients of each round: {@code max(1, round(fraction·N))} distinct clients, uniformly without
 * replacement, from a stream seeded by (seed, round) only, so the choice does not depend on anything
 * but the configuration.
 */
public final class ClientSampler {
  private final int numClients;
  private final int perRound;
  private final long seed;

  public ClientSampler(int numClients, double fraction, long seed) {
    if (!(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException("client fraction must be in (0, 1], got " + fraction);
    }
    this.numClients = numClients;
    this.perRound = Math.max(1, (int) Math.round(fraction * numClients));
    this.seed = seed;
  }

  public int perRound() {
    return perRound;
  }

  /** Sorted ids of the clients sampled in {@code round}. */
  public int[] sample(int round) {
    if (perRound == numClients) {
      int[] all = new int[numClients];
      Arrays.setAll(all, i -> i);
      return all;
    }
    SplittableRandom rng = Seeds.stream(seed, round, -1, "sample");
    // Partial Fisher–Yates: the first perRound entries of a uniformly random permutation.
    int[] ids = new int[numClients];
    Arrays.setAll(ids, i -> i);
    for (int i = 0; i < perRound; i++) {
      int j = i + rng.nextInt(numClients - i);
      int t = ids[i];
      ids[i] = ids[j];
      ids[j] = t;
    }
    int[] out = Arrays.copyOf(ids, perRound);
    Arrays.sort(out);
    return out;
  }
}
