package org.fedspark.server;

import java.io.Serializable;

/**
 * An order-independent sum of double vectors, so that aggregated models are bitwise identical whatever
 * the number of cores, partitions or the shape of Spark's aggregation tree.
 *
 * <p>Floating-point addition is not associative: {@code treeAggregate} over 2 or 8 partitions groups the
 * client updates differently and the last bits of the average differ, which then grow over rounds.
 * Here every addend is first cut, deterministically and on its own, to a fixed-point number with 63
 * fractional bits: its magnitude {@code |x| ≈ h + l·2⁻⁶³} with {@code h = ⌊|x|⌋} and
 * {@code 0 ≤ l < 2⁶³} ({@code |x| − h} is exact in binary floating point), added to or subtracted from
 * the running {@code hi + lo·2⁻⁶³}, {@code 0 ≤ lo < 2⁶³}. Integer sums are exact, hence independent of
 * order. The only rounding is the per-addend truncation of the magnitude (below 2⁻⁶³ ≈ 1.1e-19 in
 * absolute value, for either sign) and the final conversion back to double. This is the fixed-point
 * idea of reproducible summation (Demmel &amp; Nguyen, "Fast reproducible floating-point summation",
 * ARITH 2013) in its simplest form, sufficient for model parameters whose magnitudes stay below 2⁶².
 *
 * <p>A non-finite addend, one of magnitude ≥ 2⁶², or a running integer part that would overflow
 * marks the sum as {@linkplain #isFinite() not finite}: a diverged run is detected, never silently
 * wrapped around.
 *
 * <p><b>On the wire.</b> A round's partial sums travel from every task to the driver, so their Java
 * serialization is replaced by a compact one ({@code writeObject}): per element, the integer part as a
 * zig-zag varint and, unless it is zero, the fraction's 8 bytes. A coordinate no client touched costs
 * 1⅛ bytes instead of 16, a touched one of magnitude below 1 costs 9⅛.
 */
public final class ReproducibleSum implements Serializable {
  private static final long serialVersionUID = 3L;
  private static final double TWO_63 = 0x1p63;
  private static final double TWO_M63 = 0x1p-63;
  private static final double LIMIT = 0x1p62;

  private transient long[] hi;
  private transient long[] lo;
  private boolean finite = true;

  public ReproducibleSum(int length) {
    hi = new long[length];
    lo = new long[length];
  }

  public int length() {
    return hi.length;
  }

  /**
   * Adds {@code scale · v} (the product is rounded once per element, the same way every time): element by
   * element what {@link #addAt} does, in one loop without a branch on the sign. Every upload of every round
   * passes through here once per coordinate, and under the launcher's C1 compiler, which inlines no method
   * this long, {@code addAt}'s calls per element ({@code accumulate} or {@code subtract}, then
   * {@code addHi}) and its branch on the value's sign (as often wrong as right on an update) were most of
   * the cost: 94.5 µs per 7,850 elements under C1, against 41.7 µs for this loop
   * ({@code bin/jmh ReproducibleSumBench}).
   *
   * <p>A negative value {@code −(h + l·2⁻⁶³)} is added as {@code (−h − [l ≠ 0]) + (2⁶³ − l)·2⁻⁶³}, its
   * two's complement in the same fixed point; with the fraction's carry folded into the integer part
   * first, the one overflow test on the new integer part is the one {@code subtract} makes in two steps
   * (the subtrahend is not negative, so an intermediate overflow implies a final one). A test compares
   * the two paths bit for bit, the integer part's extremes included.
   */
  public void addScaled(double[] v, double scale) {
    if (v.length != hi.length) {
      throw new IllegalArgumentException("vector length " + v.length + " != sum length " + hi.length);
    }
    if (!finite) {
      return;
    }
    long[] hs = hi;
    long[] ls = lo;
    for (int i = 0; i < v.length; i++) {
      double x = scale * v[i];
      double a = Math.abs(x);
      if (!(a < LIMIT)) {
        finite = false;
        return;
      }
      long h = (long) a;
      long l = (long) ((a - h) * TWO_63);
      long m = Double.doubleToRawLongBits(x) >> 63; // −1 for a negative value (and −0.0, which adds 0 either way)
      long nz = (l | -l) >>> 63; // 1 when the fraction is not 0
      long s = ls[i] + (((l ^ m) - m) & Long.MAX_VALUE); // l, or 2⁶³ − l (0 for l = 0) when negative
      long t = ((h ^ m) - m) - (nz & m) + (s >>> 63); // h, or −h − [l ≠ 0]; plus the carry
      long cur = hs[i];
      long r = cur + t;
      ls[i] = s & Long.MAX_VALUE;
      if (((cur ^ r) & (t ^ r)) < 0) {
        finite = false;
        return;
      }
      hs[i] = r;
    }
  }

  public void add(double[] v) {
    addScaled(v, 1.0);
  }

  /** Adds one value to element {@code i}. */
  public void addAt(int i, double x) {
    double a = Math.abs(x);
    if (!(a < LIMIT) || !finite) {
      finite = false;
      return;
    }
    // For 0 ≤ a < 2⁶² the cast truncates toward zero, i.e. h = ⌊a⌋, and a − h is exact: the same
    // h and l as Math.floor would give, without its call (C1 does not inline it; every round cuts
    // every coordinate of every upload here).
    long h = (long) a;
    long l = (long) ((a - h) * TWO_63);
    if (x >= 0) {
      accumulate(i, h, l);
    } else {
      subtract(i, h, l);
    }
  }

  /** hi[i] + lo[i]·2⁻⁶³ += h + l·2⁻⁶³, with 0 ≤ l < 2⁶³. */
  private void accumulate(int i, long h, long l) {
    long s = lo[i] + l; // both in [0, 2⁶³): the carry shows as the sign bit
    long carry = 0;
    if (s < 0) {
      s &= Long.MAX_VALUE;
      carry = 1;
    }
    lo[i] = s;
    addHi(i, h, carry);
  }

  /** hi[i] + lo[i]·2⁻⁶³ −= h + l·2⁻⁶³, with 0 ≤ l < 2⁶³. */
  private void subtract(int i, long h, long l) {
    long s = lo[i] - l; // in (−2⁶³, 2⁶³): a borrow shows as a negative value
    long borrow = 0;
    if (s < 0) {
      s &= Long.MAX_VALUE; // s + 2⁶³
      borrow = 1;
    }
    lo[i] = s;
    long a = hi[i];
    long d = a - h;
    long r = d - borrow;
    // Two's-complement overflow tests (Hacker's Delight 2-13), as Math.subtractExact makes them.
    if (((a ^ h) & (a ^ d)) < 0 || ((d ^ borrow) & (d ^ r)) < 0) {
      finite = false;
    } else {
      hi[i] = r;
    }
  }

  private void addHi(int i, long h, long carry) {
    long a = hi[i];
    long s = a + h;
    long r = s + carry;
    // Two's-complement overflow tests (Hacker's Delight 2-13), as Math.addExact makes them.
    if (((a ^ s) & (h ^ s)) < 0 || ((s ^ r) & (carry ^ r)) < 0) {
      finite = false;
    } else {
      hi[i] = r;
    }
  }

  /** Adds another sum of the same length into this one (exact). */
  public void merge(ReproducibleSum o) {
    if (o.hi.length != hi.length) {
      throw new IllegalArgumentException("cannot merge sums of length " + o.hi.length + " and " + hi.length);
    }
    finite &= o.finite;
    if (!finite) {
      return;
    }
    // accumulate and addHi, inlined (C1 does not inline them): the driver merges every task's sums.
    long[] hs = hi;
    long[] ls = lo;
    long[] oh = o.hi;
    long[] ol = o.lo;
    for (int i = 0; i < hs.length; i++) {
      long s = ls[i] + ol[i];
      long carry = s >>> 63;
      ls[i] = s & Long.MAX_VALUE;
      long a = hs[i];
      long h = oh[i];
      long sum = a + h;
      long r = sum + carry;
      if (((a ^ sum) & (h ^ sum)) < 0 || ((sum ^ r) & (carry ^ r)) < 0) {
        finite = false;
        return;
      }
      hs[i] = r;
    }
  }

  /** False once a NaN, ∞ or out-of-range value was added. */
  public boolean isFinite() {
    return finite;
  }

  /** Value of element {@code i}; NaN if the sum is not finite. */
  public double get(int i) {
    if (!finite) {
      return Double.NaN;
    }
    return (double) hi[i] + (double) lo[i] * TWO_M63;
  }

  /** The sum times {@code scale}, as doubles (all NaN if not finite). */
  public double[] toArray(double scale) {
    double[] out = new double[hi.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = get(i) * scale;
    }
    return out;
  }

  /**
   * The wire form: the length, a bitmap of the elements whose fraction is not zero, then per element
   * its integer part as a zig-zag LEB128 varint followed, where the bitmap says so, by its fraction's
   * 8 bytes (little-endian), a byte fewer than a varint of a 63-bit fraction. Built in a plain array:
   * under the C1 compiler (bin/fedspark) the first form, varints through a {@code ByteBuffer} call per
   * byte, took 0.27 ms to write and 0.23 ms to read for 7,850 elements (a task's share of a round on
   * fmnist-fedavg.conf, written on the executor and read on the driver), this one 0.07 and 0.09 ms.
   */
  private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
    out.defaultWriteObject();
    int n = hi.length;
    int mapBytes = (n + 7) >>> 3;
    byte[] b = new byte[mapBytes + 18 * n];
    int pos = mapBytes;
    for (int i = 0; i < n; i++) {
      long h = hi[i];
      long z = (h << 1) ^ (h >> 63);
      while ((z & ~0x7FL) != 0) {
        b[pos++] = (byte) ((z & 0x7F) | 0x80);
        z >>>= 7;
      }
      b[pos++] = (byte) z;
      long l = lo[i];
      if (l != 0) {
        b[i >>> 3] |= (byte) (1 << (i & 7));
        b[pos] = (byte) l;
        b[pos + 1] = (byte) (l >>> 8);
        b[pos + 2] = (byte) (l >>> 16);
        b[pos + 3] = (byte) (l >>> 24);
        b[pos + 4] = (byte) (l >>> 32);
        b[pos + 5] = (byte) (l >>> 40);
        b[pos + 6] = (byte) (l >>> 48);
        b[pos + 7] = (byte) (l >>> 56);
        pos += 8;
      }
    }
    out.writeInt(n);
    out.writeInt(pos);
    out.write(b, 0, pos);
  }

  private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
    in.defaultReadObject();
    int n = in.readInt();
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    hi = new long[n];
    lo = new long[n];
    int pos = (n + 7) >>> 3;
    for (int i = 0; i < n; i++) {
      long z = 0;
      int shift = 0;
      byte x;
      do {
        x = b[pos++];
        z |= (long) (x & 0x7F) << shift;
        shift += 7;
      } while (x < 0);
      hi[i] = (z >>> 1) ^ -(z & 1);
      if ((b[i >>> 3] & (1 << (i & 7))) != 0) {
        lo[i] = (b[pos] & 0xFFL) | (b[pos + 1] & 0xFFL) << 8 | (b[pos + 2] & 0xFFL) << 16 | (b[pos + 3] & 0xFFL) << 24
            | (b[pos + 4] & 0xFFL) << 32 | (b[pos + 5] & 0xFFL) << 40 | (b[pos + 6] & 0xFFL) << 48
            | (b[pos + 7] & 0xFFL) << 56;
        pos += 8;
      }
    }
  }
}
