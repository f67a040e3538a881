package org.fedspark.codec;

import java.io.Serializable;
import java.util.Arrays;

/**
 * An order of the coordinates of one named vector, which sender and receiver both know without
 * sending it (derived from the run seed or from the model both hold). The vector travels in this
 * order: {@code wire[j] = v[perm[j]]}. A piecewise-constant code then sees neighbours in this order,
 * and so does the Λ-regularized update, whose total-variation penalty couples consecutive coordinates.
 */
public record CoordinateOrder(String vector, int[] perm) implements Serializable {

  public CoordinateOrder {
    boolean[] seen = new boolean[perm.length];
    for (int p : perm) {
      if (p < 0 || p >= perm.length || seen[p]) {
        throw new IllegalArgumentException("not a permutation of 0.." + (perm.length - 1));
      }
      seen[p] = true;
    }
  }

  /** Whether this order applies to vector {@code name} of length {@code n}. */
  public boolean appliesTo(String name, int n) {
    if (!vector.equals(name)) {
      return false;
    }
    if (n != perm.length) {
      throw new IllegalArgumentException("coordinate order of '" + vector + "' has " + perm.length
          + " coordinates, the vector has " + n);
    }
    return true;
  }

  /** v in wire order. */
  public double[] toWire(double[] v) {
    double[] w = new double[v.length];
    for (int j = 0; j < w.length; j++) {
      w[j] = v[perm[j]];
    }
    return w;
  }

  /** The inverse of {@link #toWire}. */
  public double[] fromWire(double[] w) {
    double[] v = new double[w.length];
    for (int j = 0; j < w.length; j++) {
      v[perm[j]] = w[j];
    }
    return v;
  }

  /** A uniformly random permutation of n coordinates from {@code rng} (Fisher–Yates). */
  public static int[] shuffled(int n, java.util.SplittableRandom rng) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** The coordinates sorted by ascending {@code values} (ties by index): neighbours have close values. */
  public static int[] sortedBy(double[] values) {
    return java.util.stream.IntStream.range(0, values.length).boxed()
        .sorted((a, b) -> {
          int c = Double.compare(values[a], values[b]);
          return c != 0 ? c : Integer.compare(a, b);
        })
        .mapToInt(Integer::intValue).toArray();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CoordinateOrder c && c.vector.equals(vector) && Arrays.equals(c.perm, perm);
  }

  @Override
  public int hashCode() {
    return vector.hashCode() * 31 + Arrays.hashCode(perm);
  }

  @Override
  public String toString() {
    return "CoordinateOrder[" + vector + ", " + perm.length + " coordinates]";
  }
}
