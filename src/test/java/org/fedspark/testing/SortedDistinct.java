package org.fedspark.testing;

import java.util.Arrays;

/**
 * The distinct values of an array counted the plain way, as the upload statistics once did: a sorted
 * copy, then neighbours unequal by {@link Double#compare} (so every NaN is one value, and 0.0 and -0.0
 * are two). The reference that {@code DistinctValues} is tested and benchmarked against.
 */
public final class SortedDistinct {
  private SortedDistinct() {}

  public static long count(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    long n = 0;
    for (int i = 0; i < s.length; i++) {
      if (i == 0 || Double.compare(s[i], s[i - 1]) != 0) {
        n++;
      }
    }
    return n;
  }
}
