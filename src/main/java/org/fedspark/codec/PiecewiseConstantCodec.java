package org.fedspark.codec;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A vector as runs of equal consecutive values over a small table of its distinct values: what the
 * Λ-regularized update ({@link org.fedspark.codec.tv.LambdaUpdate}) produces, a piecewise-constant
 * vector with few pieces, costs bytes in proportion to its pieces, not its length.
 *
 * <pre>
 *   u8  value width (8: float64, lossless; 4: float32, each value rounded to the nearest float)
 *   u32 m, the number of distinct values; then the m values in ascending order
 *   u32 r, the number of runs; u32 B, the bytes of the bit stream; then B bytes:
 *       per run, its length (Elias gamma, Elias 1975) and its value's index in the table (⌈log₂ m⌉ bits)
 * </pre>
 * A dense vector (no two neighbours equal) costs more than float64; the codec pays off when runs are
 * long or values few. The decoder accepts only the canonical form (strictly ascending table, every
 * value used, neighbouring runs of different values, run lengths summing to n, zero padding), so a
 * damaged body fails instead of decoding to another vector.
 *
 * <p>"Ascending" is the total order of {@link #orderKey}, which agrees with numeric order and keeps
 * −0.0 before +0.0 and every NaN bit pattern apart: with float64 values the codec is lossless to the bit.
 */
public final class PiecewiseConstantCodec implements VectorCodec {
  private static final long serialVersionUID = 1L;
  static final String NAME = "piecewise";

  private final int valueWidth;

  /** @param valueWidth 8 (float64 values, lossless) or 4 (float32 values) */
  public PiecewiseConstantCodec(int valueWidth) {
    if (valueWidth != 4 && valueWidth != 8) {
      throw new IllegalArgumentException("value width must be 4 (float32) or 8 (float64), got " + valueWidth);
    }
    this.valueWidth = valueWidth;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int id() {
    return 3;
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public boolean lossless() {
    return valueWidth == 8;
  }

  @Override
  public byte[] encode(double[] v, CodecContext ctx) {
    return write(v, valueWidth);
  }

  @Override
  public double[] decode(int n, ByteBuffer in) {
    return read(n, in, NAME);
  }

  /**
   * A key whose signed order is numeric order for non-NaN doubles, with −0.0 below +0.0 and distinct
   * keys for distinct bit patterns (the usual sign-magnitude to two's-complement flip).
   */
  static long orderKey(double x) {
    long bits = Double.doubleToRawLongBits(x);
    return bits ^ ((bits >> 63) & Long.MAX_VALUE);
  }

  static double fromKey(long key) {
    return Double.longBitsToDouble(key ^ ((key >> 63) & Long.MAX_VALUE));
  }

  /** The body of {@code v} with values of {@code width} bytes. */
  static byte[] write(double[] v, int width) {
    int n = v.length;
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = orderKey(width == 4 ? (double) (float) v[i] : v[i]);
    }
    long[] table = Arrays.stream(keys).sorted().distinct().toArray();
    int m = table.length;
    int indexWidth = BitWriter.indexWidth(m);
    BitWriter bits = new BitWriter();
    int runs = 0;
    for (int i = 0; i < n; ) {
      int j = i + 1;
      while (j < n && keys[j] == keys[i]) {
        j++;
      }
      bits.gamma(j - i);
      bits.bits(Arrays.binarySearch(table, keys[i]), indexWidth);
      runs++;
      i = j;
    }
    byte[] stream = bits.toBytes();
    ByteBuffer out = Bodies.allocate(1 + 4 + m * width + 4 + 4 + stream.length);
    out.put((byte) width);
    out.putInt(m);
    for (long k : table) {
      Bodies.putValue(out, fromKey(k), width);
    }
    out.putInt(runs);
    out.putInt(stream.length);
    out.put(stream);
    return out.array();
  }

  /** Reads a body written by {@link #write}; {@code codec} names the codec in errors. */
  static double[] read(int n, ByteBuffer in, String codec) {
    int width = Bodies.u8(in, codec, "value width");
    if (width != 4 && width != 8) {
      throw new CodecException(codec + ": value width " + width + ", expected 4 or 8");
    }
    int m = Bodies.count(in, n, codec, "number of distinct values");
    Bodies.need(in, (long) m * width, codec, m + " table values");
    double[] table = new double[m];
    for (int i = 0; i < m; i++) {
      table[i] = Bodies.value(in, width);
      if (i > 0 && orderKey(table[i]) <= orderKey(table[i - 1])) {
        throw new CodecException(codec + ": table values not strictly ascending at " + i);
      }
    }
    int runs = Bodies.count(in, n, codec, "number of runs");
    if ((n == 0) != (m == 0) || runs < m) {
      throw new CodecException(codec + ": " + runs + " runs and " + m + " distinct values cannot make " + n + " values");
    }
    int streamBytes = Bodies.count(in, in.remaining(), codec, "bit stream length");
    BitReader bits = new BitReader(Bodies.bytes(in, streamBytes, codec, "bit stream"), codec);
    int indexWidth = BitWriter.indexWidth(m);
    double[] v = new double[n];
    boolean[] used = new boolean[m];
    int filled = 0;
    long previous = -1;
    for (int r = 0; r < runs; r++) {
      long length = bits.gamma(32);
      long index = bits.bits(indexWidth);
      if (length > n - filled) {
        throw new CodecException(codec + ": runs exceed the vector length " + n);
      }
      if (index >= m || index == previous) {
        throw new CodecException(codec + ": run " + r + " has value index " + index
            + (index == previous ? ", the same as the run before" : ", table has " + m));
      }
      Arrays.fill(v, filled, filled + (int) length, table[(int) index]);
      used[(int) index] = true;
      filled += (int) length;
      previous = index;
    }
    if (filled != n) {
      throw new CodecException(codec + ": runs cover " + filled + " of " + n + " values");
    }
    for (int i = 0; i < m; i++) {
      if (!used[i]) {
        throw new CodecException(codec + ": table value " + i + " is used by no run");
      }
    }
    bits.requireEnd();
    return v;
  }
}
