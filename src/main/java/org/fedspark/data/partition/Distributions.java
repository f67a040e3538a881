package org.fedspark.data.partition;

import java.util.SplittableRandom;

/**
 * The random draws fedspark's data generation and partitioning use, written so that a given generator
 * state gives bitwise the same numbers on every JVM and machine.
 *
 * <p>Why not {@code Random.nextGaussian} or {@code RandomGenerator}'s defaults: their algorithms are not
 * part of the contract (the JDK 17 default Gaussian is a ziggurat that may change), and {@link Math#log}
 * may differ in the last bit between platforms and between interpreted and compiled code. Everything
 * here is built on {@link SplittableRandom#nextLong()} / {@link SplittableRandom#nextDouble()} (SplitMix64,
 * specified since Java 8) and {@link StrictMath}, which is bitwise specified (fdlibm).
 */
public final class Distributions {
  private Distributions() {}

  /** Uniform integer in {@code [0, bound)} without modulo bias (Lemire 2019, "Fast random integer generation in an interval"). */
  public static int uniformInt(SplittableRandom rng, int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    long m = (rng.nextLong() >>> 32) * bound;
    long low = m & 0xffffffffL;
    if (low < bound) {
      long threshold = (0x100000000L - bound) % bound;
      while (low < threshold) {
        m = (rng.nextLong() >>> 32) * bound;
        low = m & 0xffffffffL;
      }
    }
    return (int) (m >>> 32);
  }

  /** Uniform double in {@code (0, 1]}: safe to take the logarithm of. */
  public static double uniformOpenZero(SplittableRandom rng) {
    return 1.0 - rng.nextDouble();
  }

  /** Standard normal draw by Marsaglia's polar method (one value per call; the spare is discarded). */
  public static double gaussian(SplittableRandom rng) {
    double u;
    double v;
    double s;
    do {
      u = 2 * rng.nextDouble() - 1;
      v = 2 * rng.nextDouble() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    return u * StrictMath.sqrt(-2 * StrictMath.log(s) / s);
  }

  /** {@code exp(N(mu, sigma²))}: numpy's {@code lognormal(mean=mu, sigma=sigma)}. */
  public static double logNormal(SplittableRandom rng, double mu, double sigma) {
    return StrictMath.exp(mu + sigma * gaussian(rng));
  }

  /**
   * The logarithm of a Gamma(shape, 1) draw. Returned in log space because for a small shape (a
   * Dirichlet concentration of 0.01, say) the draw itself underflows to 0 for most clients; normalizing
   * logs (log-sum-exp) keeps a Dirichlet vector well defined however small the concentration is.
   * Marsaglia &amp; Tsang (2000), "A simple method for generating gamma variables", with the boost
   * {@code Gamma(a) = Gamma(a + 1) · U^(1/a)} for {@code a < 1}.
   */
  public static double logGamma(SplittableRandom rng, double shape) {
    if (!(shape > 0) || Double.isInfinite(shape)) {
      throw new IllegalArgumentException("gamma shape must be positive and finite, got " + shape);
    }
    if (shape < 1) {
      return logGamma(rng, shape + 1) + StrictMath.log(uniformOpenZero(rng)) / shape;
    }
    double d = shape - 1.0 / 3.0;
    double c = 1.0 / StrictMath.sqrt(9 * d);
    while (true) {
      double x = gaussian(rng);
      double t = 1 + c * x;
      if (t <= 0) {
        continue;
      }
      double v = t * t * t;
      double u = uniformOpenZero(rng);
      double x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2
          || StrictMath.log(u) < 0.5 * x2 + d * (1 - v + StrictMath.log(v))) {
        return StrictMath.log(d) + StrictMath.log(v);
      }
    }
  }

  /**
   * A Dirichlet(alpha, …, alpha) vector of length {@code k}, computed from log-gamma draws so that it
   * sums to 1 (up to rounding) and has at least one positive entry for any {@code alpha > 0}.
   */
  public static double[] symmetricDirichlet(SplittableRandom rng, double alpha, int k) {
    double[] p = new double[k];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < k; i++) {
      p[i] = logGamma(rng, alpha);
      max = Math.max(max, p[i]);
    }
    double sum = 0;
    for (int i = 0; i < k; i++) {
      p[i] = StrictMath.exp(p[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < k; i++) {
      p[i] /= sum;
    }
    return p;
  }

  /** Fisher–Yates shuffle in place. */
  public static void shuffle(int[] a, SplittableRandom rng) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = uniformInt(rng, i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** {@code 0, 1, …, n−1}. */
  public static int[] range(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }
}
