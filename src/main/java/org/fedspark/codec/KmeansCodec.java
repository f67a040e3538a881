package org.fedspark.codec;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.fedspark.codec.tv.Kmeans1d;

/**
 * k-level quantization, then the piecewise-constant encoding: every value is replaced by the center
 * of its cluster in the optimal 1-D k-means of the vector's values ({@link Kmeans1d}; Wang and Song,
 * The R Journal 2011), which leaves at most k distinct values, so each run costs ⌈log₂ k⌉ index bits
 * plus its gamma-coded length.
 *
 * <p>Error bound: the squared error Σ(x̂_i − x_i)² is the smallest any quantizer to k levels can reach
 * (it is the k-means cost, and optimal 1-D k-means is exact); each value moves at most to the nearest
 * center, |x̂_i − x_i| ≤ the width of its cluster. A vector with at most k distinct values is
 * unchanged. With float32 table values (codec.piecewise-values) the centers are rounded to float.
 * Non-finite vectors are sent unquantized (so the divergence check sees them).
 */
public final class KmeansCodec implements VectorCodec {
  private static final long serialVersionUID = 1L;
  static final String NAME = "kmeans";

  private final int levels;
  private final int valueWidth;

  public KmeansCodec(int levels, int valueWidth) {
    if (levels < 1) {
      throw new IllegalArgumentException("k-means levels must be >= 1, got " + levels);
    }
    new PiecewiseConstantCodec(valueWidth);
    this.levels = levels;
    this.valueWidth = valueWidth;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int id() {
    return 4;
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public boolean lossless() {
    return false;
  }

  public int levels() {
    return levels;
  }

  @Override
  public byte[] encode(double[] v, CodecContext ctx) {
    return PiecewiseConstantCodec.write(quantize(v, levels), valueWidth);
  }

  @Override
  public double[] decode(int n, ByteBuffer in) {
    return PiecewiseConstantCodec.read(n, in, NAME);
  }

  /** Each value replaced by its optimal k-means center; unchanged if it has ≤ k distinct values or a non-finite one. */
  public static double[] quantize(double[] v, int k) {
    double[] sorted = v.clone();
    Arrays.sort(sorted);
    double[] distinct = new double[v.length];
    double[] counts = new double[v.length];
    int m = 0;
    for (int i = 0; i < sorted.length; i++) {
      double x = sorted[i] + 0.0; // −0.0 and +0.0 are one level
      if (!Double.isFinite(x)) {
        return v.clone();
      }
      if (m > 0 && x == distinct[m - 1]) {
        counts[m - 1]++;
      } else {
        distinct[m] = x;
        counts[m++] = 1;
      }
    }
    if (m <= k) {
      return v.clone();
    }
    distinct = Arrays.copyOf(distinct, m);
    Kmeans1d.Result fit = Kmeans1d.fit(distinct, Arrays.copyOf(counts, m), k);
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      int at = Arrays.binarySearch(distinct, v[i] + 0.0);
      out[i] = fit.centers()[fit.assignment()[at]];
    }
    return out;
  }
}
