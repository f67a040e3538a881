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
  public int id() {
    return 1;
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public boolean lossless() {
    return true;
  }

  @Override
  public byte[] encode(double[] v, CodecContext ctx) {
    ByteBuffer out = Bodies.allocate(Math.multiplyExact(v.length, Double.BYTES));
    out.asDoubleBuffer().put(v);
    return out.array();
  }

  @Override
  public double[] decode(int n, ByteBuffer in) {
    Bodies.need(in, (long) n * Double.BYTES, name(), n + " values");
    double[] v = new double[n];
    in.asDoubleBuffer().get(v);
    in.position(in.position() + n * Double.BYTES);
    return v;
  }
}
