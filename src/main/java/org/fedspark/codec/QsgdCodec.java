package org.fedspark.codec;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * QSGD (D. Alistarh, D. Grubic, J. Li, R. Tomioka and M. Vojnovic, "QSGD: Communication-efficient SGD
 * via gradient quantization and encoding", NeurIPS 2017): with s levels, each coordinate becomes
 * ‖v‖₂ · sign(v_i) · ξ_i / s, where ξ_i is |v_i|/‖v‖₂ · s rounded up or down at random with the
 * probabilities that make it unbiased: E[ξ_i] = s|v_i|/‖v‖₂, hence E[Q(v)] = v. The random draws come
 * from the {@link CodecContext}, so the same run seed gives the same bytes.
 *
 * <pre>  f64 ‖v‖₂; u16 s; u32 B; B bytes: per coordinate, ξ_i + 1 in Elias gamma, then a sign bit if ξ_i > 0</pre>
 * (the paper's Elias coding of levels, without its separate position coding: a zero level costs one bit).
 *
 * <p>Error bound: |Q(v)_i − v_i| ≤ ‖v‖₂/s for every i (the value moves to a neighbouring level), and
 * E‖Q(v) − v‖² ≤ min(n/s², √n/s)‖v‖² (the paper's Lemma 3.1).
 */
public final class QsgdCodec implements VectorCodec {
  private static final long serialVersionUID = 1L;
  static final String NAME = "qsgd";
  static final int MAX_LEVELS = 65535;

  private final int levels;

  public QsgdCodec(int levels) {
    if (levels < 1 || levels > MAX_LEVELS) {
      throw new IllegalArgumentException("QSGD levels must be in [1, " + MAX_LEVELS + "], got " + levels);
    }
    this.levels = levels;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int id() {
    return 6;
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
    double sumSq = 0;
    for (double x : v) {
      sumSq += x * x;
    }
    double norm = Math.sqrt(sumSq);
    SplittableRandom rng = ctx.rng();
    BitWriter bits = new BitWriter();
    for (double x : v) {
      int level = 0;
      if (norm > 0 && Double.isFinite(norm)) {
        double r = Math.abs(x) / norm * levels;
        int floor = (int) Math.min(levels, Math.floor(r));
        level = floor < levels && rng.nextDouble() < r - floor ? floor + 1 : floor;
      }
      bits.gamma(level + 1L);
      if (level > 0) {
        bits.bit(x < 0);
      }
    }
    byte[] stream = bits.toBytes();
    ByteBuffer out = Bodies.allocate(8 + 2 + 4 + stream.length);
    out.putDouble(Double.isNaN(sumSq) ? Double.NaN : norm);
    out.putShort((short) levels);
    out.putInt(stream.length);
    out.put(stream);
    return out.array();
  }

  @Override
  public double[] decode(int n, ByteBuffer in) {
    double norm = Bodies.scale(in, NAME);
    int s = Bodies.u16(in, NAME, "levels");
    if (s < 1) {
      throw new CodecException(NAME + ": 0 levels");
    }
    int streamBytes = Bodies.count(in, in.remaining(), NAME, "bit stream length");
    BitReader bits = new BitReader(Bodies.bytes(in, streamBytes, NAME, "level stream"), NAME);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      long level = bits.gamma(17) - 1;
      if (level > s) {
        throw new CodecException(NAME + ": level " + level + " above s = " + s + " at " + i);
      }
      if (level > 0) {
        double x = norm * level / s;
        v[i] = bits.bit() ? -x : x;
      } else {
        v[i] = Double.isFinite(norm) ? 0.0 : Double.NaN;
      }
    }
    bits.requireEnd();
    return v;
  }
}
