package org.fedspark.codec;

import java.nio.ByteBuffer;

/**
 * 4 bytes per value: each double rounded to the nearest float (IEEE 754 round-to-nearest-even). Error
 * bound: |x̂ − x| ≤ 2⁻²⁴|x| for |x| in float's normal range (≥ 2⁻¹²⁶, ≤ Float.MAX_VALUE), at most 2⁻¹⁵⁰
 * below it; larger magnitudes become ±∞ (and stop the run as divergence). Half the bytes of float64
 * at a precision well below SGD noise; the reference point of the compression ratio.
 */
public final class Float32Codec implements VectorCodec {
  private static final long serialVersionUID = 1L;

  public static final Float32Codec INSTANCE = new Float32Codec();

  @Override
  public String name() {
    return "float32";
  }

  @Override
  public int id() {
    return 2;
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public boolean lossless() {
    return false;
  }

  @Override
  public byte[] encode(double[] v, CodecContext ctx) {
    ByteBuffer out = Bodies.allocate(Math.multiplyExact(v.length, Float.BYTES));
    for (double x : v) {
      out.putFloat((float) x);
    }
    return out.array();
  }

  @Override
  public double[] decode(int n, ByteBuffer in) {
    Bodies.need(in, (long) n * Float.BYTES, name(), n + " values");
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = in.getFloat();
    }
    return v;
  }
}
