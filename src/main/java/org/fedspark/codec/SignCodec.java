package org.fedspark.codec;

import java.nio.ByteBuffer;

/**
 * Scaled sign (signSGD with error feedback: S. P. Karimireddy, Q. Rebjock, S. Stich and M. Jaggi,
 * "Error Feedback Fixes SignSGD and other Gradient Compression Schemes", ICML 2019): the vector is sent
 * as one bit per coordinate and one scale, C(v) = (‖v‖₁/n) · sign(v) (sign(0) = +1). The scale makes C a
 * δ-approximate compressor, ‖C(v) − v‖² = ‖v‖² − ‖v‖₁²/n ≤ (1 − 1/n)‖v‖² (the identity holds when no
 * coordinate is 0), which is what their error-feedback analysis needs; error feedback is on by default.
 *
 * <pre>  f64 ‖v‖₁/n; ⌈n/8⌉ bytes of sign bits (1 = negative), zero-padded</pre>
 */
public final class SignCodec implements VectorCodec {
  private static final long serialVersionUID = 1L;
  static final String NAME = "sign";

  public static final SignCodec INSTANCE = new SignCodec();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int id() {
    return 7;
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
  public boolean wantsErrorFeedback() {
    return true;
  }

  @Override
  public byte[] encode(double[] v, CodecContext ctx) {
    double l1 = 0;
    BitWriter bits = new BitWriter();
    for (double x : v) {
      l1 += Math.abs(x);
      bits.bit(x < 0);
    }
    byte[] stream = bits.toBytes();
    ByteBuffer out = Bodies.allocate(8 + stream.length);
    out.putDouble(v.length == 0 ? 0 : l1 / v.length);
    out.put(stream);
    return out.array();
  }

  @Override
  public double[] decode(int n, ByteBuffer in) {
    double scale = Bodies.scale(in, NAME);
    BitReader bits = new BitReader(Bodies.bytes(in, (n + 7) / 8, NAME, "sign bits"), NAME);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = bits.bit() ? -scale : scale;
    }
    bits.requireEnd();
    return v;
  }
}
