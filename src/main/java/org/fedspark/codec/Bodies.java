package org.fedspark.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reading and writing codec bodies, with every short read a {@link CodecException} naming the codec. */
final class Bodies {
  private Bodies() {}

  static ByteBuffer allocate(int bytes) {
    return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  static void need(ByteBuffer in, long bytes, String codec, String what) {
    if (in.remaining() < bytes) {
      throw new CodecException(codec + ": truncated body (" + what + " needs " + bytes + " bytes, "
          + in.remaining() + " left)");
    }
  }

  static int u8(ByteBuffer in, String codec, String what) {
    need(in, 1, codec, what);
    return Byte.toUnsignedInt(in.get());
  }

  /** An unsigned 16-bit count. */
  static int u16(ByteBuffer in, String codec, String what) {
    need(in, 2, codec, what);
    return Short.toUnsignedInt(in.getShort());
  }

  /** A count in [0, max]. */
  static int count(ByteBuffer in, long max, String codec, String what) {
    need(in, 4, codec, what);
    int v = in.getInt();
    if (v < 0 || v > max) {
      throw new CodecException(codec + ": " + what + " is " + Integer.toUnsignedString(v) + ", must be in [0, " + max + "]");
    }
    return v;
  }

  static double f64(ByteBuffer in, String codec, String what) {
    need(in, 8, codec, what);
    return in.getDouble();
  }

  static byte[] bytes(ByteBuffer in, int n, String codec, String what) {
    need(in, n, codec, what);
    byte[] b = new byte[n];
    in.get(b);
    return b;
  }

  /** Values stored as float32 ({@code width} 4) or float64 (8). */
  static double value(ByteBuffer in, int width) {
    return width == 4 ? in.getFloat() : in.getDouble();
  }

  static void putValue(ByteBuffer out, double v, int width) {
    if (width == 4) {
      out.putFloat((float) v);
    } else {
      out.putDouble(v);
    }
  }

  /** A scale factor: non-negative, or NaN/+∞ when the input was not finite. */
  static double scale(ByteBuffer in, String codec) {
    double s = f64(in, codec, "scale");
    if (s < 0 || s == Double.NEGATIVE_INFINITY) {
      throw new CodecException(codec + ": negative scale " + s);
    }
    return s;
  }
}
