package org.fedspark.report;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Writes arrays in NumPy's {@code .npy} format, version 1.0, so that Python reads them with
 * {@code numpy.load}: the magic string {@code \x93NUMPY}, the version bytes 1 0, a little-endian
 * 16-bit header length, then a Python dict literal {@code {'descr': '<f8', 'fortran_order': False,
 * 'shape': (r, c), }} padded with spaces and a newline so that the data starts at a multiple of 64
 * bytes, then the values in C (row-major) order, little-endian (the format's specification:
 * numpy.lib.format in NumPy's documentation).
 */
public final class Npy {
  private static final int CHUNK = 1 << 16;

  private Npy() {}

  /** {@code values} as a float64 array of shape {@code shape} (whose product must be its length). */
  public static void writeDoubles(OutputStream out, double[] values, long... shape) throws IOException {
    header(out, "<f8", values.length, shape);
    writeRaw(out, values, values.length);
  }

  /** {@code values} as an int32 array of shape {@code shape}. */
  public static void writeInts(OutputStream out, int[] values, long... shape) throws IOException {
    header(out, "<i4", values.length, shape);
    writeRaw(out, values, values.length);
  }

  /** {@code values} as an int64 array of shape {@code shape}. */
  public static void writeLongs(OutputStream out, long[] values, long... shape) throws IOException {
    header(out, "<i8", values.length, shape);
    ByteBuffer buf = ByteBuffer.allocate(8 * CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    for (int from = 0; from < values.length; from += CHUNK) {
      int n = Math.min(CHUNK, values.length - from);
      buf.clear();
      buf.asLongBuffer().put(values, from, n);
      out.write(buf.array(), 0, 8 * n);
    }
  }

  /** The first {@code n} values, little-endian, no header (to write one array from several pieces). */
  public static void writeRaw(OutputStream out, double[] values, int n) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(8 * CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    for (int from = 0; from < n; from += CHUNK) {
      int len = Math.min(CHUNK, n - from);
      buf.clear();
      buf.asDoubleBuffer().put(values, from, len);
      out.write(buf.array(), 0, 8 * len);
    }
  }

  /** The first {@code n} values, little-endian, no header. */
  public static void writeRaw(OutputStream out, int[] values, int n) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(4 * CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    for (int from = 0; from < n; from += CHUNK) {
      int len = Math.min(CHUNK, n - from);
      buf.clear();
      buf.asIntBuffer().put(values, from, len);
      out.write(buf.array(), 0, 4 * len);
    }
  }

  /**
   * Writes the magic string, version and header of an array of {@code count} values of type
   * {@code descr} ({@code <f8}, {@code <i4}, {@code <i8}); the values follow with {@link #writeRaw}.
   */
  public static void header(OutputStream out, String descr, long count, long... shape) throws IOException {
    long product = 1;
    for (long s : shape) {
      if (s < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      product *= s;
    }
    if (product != count) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + product + " values, the array has "
          + count);
    }
    String dims = Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
    String tuple = shape.length == 1 ? "(" + dims + ",)" : "(" + dims + ")";
    StringBuilder h = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + tuple + ", }");
    // magic (6) + version (2) + length (2) + header, ending in '\n', padded to a multiple of 64
    int unpadded = 10 + h.length() + 1;
    h.append(" ".repeat((64 - unpadded % 64) % 64)).append('\n');
    byte[] text = h.toString().getBytes(StandardCharsets.US_ASCII);
    DataOutputStream d = new DataOutputStream(out);
    d.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    d.write(text.length & 0xff);
    d.write(text.length >>> 8);
    d.write(text);
    d.flush();
  }
}
