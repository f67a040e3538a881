package org.fedspark.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Vectors that exercise codecs: empty, constant, piecewise, dense, signed zeros, extremes. */
final class CodecTestVectors {
  private CodecTestVectors() {}

  static List<double[]> all(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<double[]> out = new ArrayList<>();
    out.add(new double[0]);
    out.add(new double[] {0.0});
    out.add(new double[] {-0.0, 0.0, -0.0, 0.0});
    out.add(new double[] {3.5, 3.5, 3.5, 3.5, 3.5, 3.5, 3.5});
    out.add(new double[] {Double.MIN_VALUE, -Double.MAX_VALUE, 1e-300, Math.PI, -1.0, 1.0});
    for (int t = 0; t < 20; t++) {
      int n = 1 + rng.nextInt(t < 10 ? 40 : 3000);
      out.add(rng.nextBoolean() ? gaussian(rng, n) : piecewise(rng, n, 1 + rng.nextInt(6)));
    }
    return out;
  }

  static double[] gaussian(SplittableRandom rng, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = gauss(rng) * 0.01;
    }
    return v;
  }

  /** n values in runs of random lengths over {@code levels} random levels. */
  static double[] piecewise(SplittableRandom rng, int n, int levels) {
    double[] table = gaussian(rng, levels);
    double[] v = new double[n];
    int i = 0;
    while (i < n) {
      int len = 1 + rng.nextInt(50);
      double x = table[rng.nextInt(levels)];
      for (int j = i; j < Math.min(n, i + len); j++) {
        v[j] = x;
      }
      i += len;
    }
    return v;
  }

  static double gauss(SplittableRandom rng) {
    double u = rng.nextDouble();
    double w = rng.nextDouble();
    return Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * w);
  }
}
