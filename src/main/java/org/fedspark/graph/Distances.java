package org.fedspark.graph;

/** Squared Euclidean distance, summed in index order so that d(a, b) and d(b, a) are bitwise equal. */
final class Distances {
  private Distances() {}

  static double squared(double[] a, int aFrom, double[] b, int bFrom, int d) {
    double s = 0;
    for (int t = 0; t < d; t++) {
      double diff = a[aFrom + t] - b[bFrom + t];
      s += diff * diff;
    }
    return s;
  }

  static double squared(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("summaries of different lengths: " + a.length + " and " + b.length);
    }
    return squared(a, 0, b, 0, a.length);
  }
}
