package org.fedspark.run;

/**
 * The number of distinct values added to it, by their bits ({@link Double#doubleToLongBits}, under which two
 * values are equal exactly when {@link Double#compare} says so): an open-addressing hash set of the
 * bits with linear probing, at most half full, indexed by the top bits of the bits times 2⁶⁴/φ
 * (Fibonacci hashing, Knuth, TAOCP vol. 3, 6.4), since an update's bits differ mostly in their low
 * mantissa bits. Why not a sort: the engine measures every upload of a recorded round, 100 uploads of
 * 7,850 values per round at 10,000 clients, and sorting each took about 0.7 ms under the C1 compiler
 * ({@code bin/jmh UploadStatsBench} has both). Zero bits (0.0) mark an empty slot, so 0.0 is counted
 * apart.
 */
public final class DistinctValues {
  private final long[] slots;
  private final int shift;
  private final int capacity;
  private boolean zero;
  private long count;

  /** A set for up to {@code capacity} distinct values besides 0.0. */
  public DistinctValues(int capacity) {
    int bits = Math.max(4, 64 - Long.numberOfLeadingZeros(Math.max(1, 2L * capacity - 1)));
    slots = new long[1 << bits];
    shift = 64 - bits;
    this.capacity = capacity;
  }

  public void add(double value) {
    long b = Double.doubleToLongBits(value);
    if (b == 0) {
      if (!zero) {
        zero = true;
        count++;
      }
      return;
    }
    int mask = slots.length - 1;
    int i = (int) ((b * 0x9E3779B97F4A7C15L) >>> shift);
    while (true) {
      long s = slots[i];
      if (s == b) {
        return;
      }
      if (s == 0) {
        if (count - (zero ? 1 : 0) >= capacity) {
          throw new IllegalStateException("more than " + capacity + " distinct values");
        }
        slots[i] = b;
        count++;
        return;
      }
      i = (i + 1) & mask;
    }
  }

  public long count() {
    return count;
  }
}
