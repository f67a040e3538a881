package org.fedspark.codec;

/**
 * Reads what {@link BitWriter} wrote; every overrun, over-long gamma prefix or nonzero padding is a
 * {@link CodecException}, so a damaged bit stream is never read as numbers.
 */
final class BitReader {
  private final byte[] bytes;
  private final String what;
  private long position;

  BitReader(byte[] bytes, String what) {
    this.bytes = bytes;
    this.what = what;
  }

  boolean bit() {
    if (position >= 8L * bytes.length) {
      throw new CodecException(what + ": bit stream truncated (" + bytes.length + " bytes)");
    }
    int b = bytes[(int) (position >>> 3)] & (0x80 >>> (position & 7));
    position++;
    return b != 0;
  }

  long bits(int width) {
    long v = 0;
    for (int i = 0; i < width; i++) {
      v = (v << 1) | (bit() ? 1 : 0);
    }
    return v;
  }

  /** An Elias gamma code; at most {@code maxWidth} bits of value. */
  long gamma(int maxWidth) {
    int zeros = 0;
    while (!bit()) {
      zeros++;
      if (zeros >= maxWidth) {
        throw new CodecException(what + ": Elias gamma code longer than " + maxWidth + " bits");
      }
    }
    return (1L << zeros) | bits(zeros);
  }

  /** Fails unless only zero padding (less than a byte) is left. */
  void requireEnd() {
    long total = 8L * bytes.length;
    if (total - position >= 8) {
      throw new CodecException(what + ": " + (total - position) / 8 + " unused bytes after the bit stream");
    }
    while (position < total) {
      if (bit()) {
        throw new CodecException(what + ": nonzero padding after the bit stream");
      }
    }
  }
}
