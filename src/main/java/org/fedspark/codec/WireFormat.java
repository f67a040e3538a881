package org.fedspark.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The byte layout of a {@link Message}; what the engine ships and counts.
 *
 * <pre>
 *   u8  version (=1)
 *   u16 #scalars, then per scalar:  u8 nameLength, name (UTF-8), f64 value
 *   u16 #vectors, then per vector:  u8 nameLength, name (UTF-8), i32 length, codec bytes
 * </pre>
 * Little-endian. {@link Message#EMPTY} encodes to zero bytes: a round in which nothing is sent costs
 * nothing.
 */
public final class WireFormat {
  private static final byte VERSION = 1;

  private WireFormat() {}

  public static byte[] encode(Message m, VectorCodec codec) {
    if (m.isEmpty()) {
      return new byte[0];
    }
    int size = 1 + 2 + 2;
    for (String k : m.scalars().keySet()) {
      size += 1 + nameBytes(k).length + Double.BYTES;
    }
    for (Map.Entry<String, double[]> e : m.vectors().entrySet()) {
      size += 1 + nameBytes(e.getKey()).length + Integer.BYTES + codec.maxEncodedBytes(e.getValue().length);
    }
    ByteBuffer buf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    buf.put(VERSION);
    buf.putShort((short) m.scalars().size());
    for (Map.Entry<String, Double> e : m.scalars().entrySet()) {
      putName(buf, e.getKey());
      buf.putDouble(e.getValue());
    }
    buf.putShort((short) m.vectors().size());
    for (Map.Entry<String, double[]> e : m.vectors().entrySet()) {
      putName(buf, e.getKey());
      buf.putInt(e.getValue().length);
      codec.encode(e.getValue(), buf);
    }
    byte[] out = new byte[buf.position()];
    System.arraycopy(buf.array(), 0, out, 0, out.length);
    return out;
  }

  public static Message decode(byte[] bytes, VectorCodec codec) {
    if (bytes.length == 0) {
      return Message.EMPTY;
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    byte version = buf.get();
    if (version != VERSION) {
      throw new IllegalArgumentException("unknown message version " + version);
    }
    Message.Builder b = Message.builder();
    int ns = Short.toUnsignedInt(buf.getShort());
    for (int i = 0; i < ns; i++) {
      String name = getName(buf);
      b.scalar(name, buf.getDouble());
    }
    int nv = Short.toUnsignedInt(buf.getShort());
    for (int i = 0; i < nv; i++) {
      String name = getName(buf);
      int n = buf.getInt();
      b.vector(name, codec.decode(n, buf));
    }
    if (buf.hasRemaining()) {
      throw new IllegalArgumentException("message has " + buf.remaining() + " trailing bytes");
    }
    return b.build();
  }

  private static byte[] nameBytes(String name) {
    byte[] b = name.getBytes(StandardCharsets.UTF_8);
    if (b.length > 255) {
      throw new IllegalArgumentException("field name longer than 255 bytes: " + name);
    }
    return b;
  }

  private static void putName(ByteBuffer buf, String name) {
    byte[] b = nameBytes(name);
    buf.put((byte) b.length);
    buf.put(b);
  }

  private static String getName(ByteBuffer buf) {
    int len = Byte.toUnsignedInt(buf.get());
    byte[] b = new byte[len];
    buf.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
