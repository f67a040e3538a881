package org.fedspark.codec;

import java.util.Arrays;

/**
 * Writes bits most-significant first, and Elias-gamma codes (P. Elias, "Universal codeword sets and
 * representations of the integers", IEEE Trans. Inf. Theory 21(2), 1975): a positive integer x as
 * ⌊log₂ x⌋ zeros followed by x in binary, 2⌊log₂ x⌋ + 1 bits, so small run lengths and index gaps
 * cost few bits without a fixed width chosen in advance.
 */
final class BitWriter {
  private byte[] bytes = new byte[64];
  private long bitCount;

  void bit(boolean one) {
    int byteIndex = (int) (bitCount >>> 3);
    if (byteIndex == bytes.length) {
      bytes = Arrays.copyOf(bytes, bytes.length * 2);
    }
    if (one) {
      bytes[byteIndex] |= (byte) (0x80 >>> (bitCount & 7));
    }
    bitCount++;
  }

  /** The low {@code width} bits of {@code value}, most significant first; width in [0, 32]. */
  void bits(long value, int width) {
    for (int i = width - 1; i >= 0; i--) {
      bit(((value >>> i) & 1) != 0);
    }
  }

  /** Elias gamma code of {@code x} ≥ 1. */
  void gamma(long x) {
    if (x < 1) {
      throw new IllegalArgumentException("Elias gamma codes integers >= 1, got " + x);
    }
    int width = 64 - Long.numberOfLeadingZeros(x);
    for (int i = 1; i < width; i++) {
      bit(false);
    }
    bits(x, width);
  }

  /** The bits written, zero-padded to whole bytes. */
  byte[] toBytes() {
    return Arrays.copyOf(bytes, (int) ((bitCount + 7) >>> 3));
  }

  /** Bits needed for an index below {@code m}: ⌈log₂ m⌉ (0 for m ≤ 1). */
  static int indexWidth(int m) {
    return m <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(m - 1);
  }
}
