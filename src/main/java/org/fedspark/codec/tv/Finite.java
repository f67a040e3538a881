package org.fedspark.codec.tv;

/** Argument checks shared by the kernels: a NaN or ∞ would silently poison every later iterate. */
final class Finite {
  private Finite() {}

  /** Throws {@link IllegalArgumentException} naming the first non-finite entry of {@code v}. */
  static void require(double[] v, String name) {
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        throw new IllegalArgumentException(name + "[" + i + "] is " + v[i] + ", must be finite");
      }
    }
  }

  /** Throws unless {@code x} is finite and {@code >= 0}. */
  static void requireNonNegative(double x, String name) {
    if (!(x >= 0) || x == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException(name + " is " + x + ", must be finite and >= 0");
    }
  }

  /** Throws unless {@code x} is finite and {@code > 0}. */
  static void requirePositive(double x, String name) {
    if (!(x > 0) || x == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException(name + " is " + x + ", must be finite and > 0");
    }
  }
}
