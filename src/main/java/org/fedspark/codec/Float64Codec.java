package org.fedspark.codec;

import java.nio.ByteBuffer;

/** Lossless: 8 bytes per value, little-endian IEEE 754 doubles (what an uncompressed upload costs). */
public final class Float64Codec implements VectorCodec {
  private static final long serialVersionUID = 1L;

  public static final Float64Codec INSTANCE = new Float64Codec();

  @Override
  public String name() {
    return "float64";
  }

  @Override
  public int maxEncodedBytes(int n) {
    return Math.multiplyExact(n, Double.BYTES);
  }

  @Override
  public void encode(double[] v, ByteBuffer out) {
    out.asDoubleBuffer().put(v);
    out.position(out.position() + v.length * Double.BYTES);
  }

  @Override
  public double[] decode(int n, ByteBuffer in) {
    double[] v = new double[n];
    in.asDoubleBuffer().get(v);
    in.position(in.position() + n * Double.BYTES);
    return v;
  }
}
