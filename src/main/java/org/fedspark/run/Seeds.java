package org.fedspark.run;

import java.util.SplittableRandom;

/**
 * Derives every random stream of a run from the run seed and the coordinates of its use (round, client,
 * purpose), never from partition index, thread or call order. That is what makes a run's metrics the
 * same on 1 core or 200.
 */
public final class Seeds {
  private Seeds() {}

  /** A generator for (seed, round, client, purpose); distinct coordinates give independent streams. */
  public static SplittableRandom rng(long seed, int round, int clientId, String purpose) {
    long h = mix(seed);
    h = mix(h ^ (round * 0x9E3779B97F4A7C15L));
    h = mix(h ^ ((clientId + 1L) * 0xC2B2AE3D27D4EB4FL));
    h = mix(h ^ purpose.hashCode());
    return new SplittableRandom(h);
  }

  /** A generator for a driver-side purpose (client sampling, model initialization). */
  public static SplittableRandom rng(long seed, String purpose) {
    return rng(seed, -1, -1, purpose);
  }

  /** Stafford's Mix13 finalizer (as in SplittableRandom): a bijective 64-bit mix. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
