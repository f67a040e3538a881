package org.fedspark.codec;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The byte layout of a {@link Message}; what the engine ships and counts.
 *
 * <pre>
 *   u8  format version (= 2)
 *   u16 #scalars, then per scalar:  u8 nameLength, name (UTF-8), f64 value
 *   u16 #vectors, then per vector:  u8 nameLength, name (UTF-8), u8 codec id, u8 codec version,
 *                                   i32 length, codec body
 *   u32 CRC-32C of all the bytes before it
 * </pre>
 * Little-endian. {@link Message#EMPTY} encodes to zero bytes: a round in which nothing is sent costs
 * nothing.
 *
 * <p>Why the header: bytes say which codec wrote each vector, so a message decodes on its own
 * ({@link #decode(byte[])}) and a reader expecting another codec fails naming both. Why the checksum:
 * a float body has no redundancy, so a flipped bit would otherwise decode to a different but plausible
 * vector; with it, damaged bytes fail (all but a 2⁻³² fraction of them) before any body is read. With
 * float64 vectors, the format costs 2 bytes per vector and 4 per message more than the raw values and
 * names.
 */
public final class WireFormat {
  private static final byte VERSION = 2;
  /** Longest vector a message may carry (a sanity bound on the length field). */
  static final int MAX_LENGTH = 1 << 28;

  private WireFormat() {}

  /** Encodes with {@code codec} in a context-free way (deterministic codecs, tests). */
  public static byte[] encode(Message m, VectorCodec codec) {
    return encode(m, codec, CodecContext.none(CodecContext.Direction.UPLINK), null);
  }

  /**
   * Encodes every vector with {@code codec} ({@code ctx} names the message; each vector gets its own
   * stream), the vector that {@code order} names in that order (null: natural order).
   */
  public static byte[] encode(Message m, VectorCodec codec, CodecContext ctx, CoordinateOrder order) {
    return encode(m, Codebook.of(codec), ctx, order);
  }

  /**
   * Encodes each vector with its codec in {@code book} ({@code ctx} names the message; each vector gets
   * its own stream), the vector that {@code order} names in that order (null: natural order).
   */
  public static byte[] encode(Message m, Codebook book, CodecContext ctx, CoordinateOrder order) {
    if (m.isEmpty()) {
      return new byte[0];
    }
    // Sizes first, then every byte straight into the one array returned: the bodies are the bulk of a
    // message (a model's worth), and growing a stream, copying it out and copying it again behind the
    // checksum made four copies of each.
    short scalars = count(m.scalars().size(), "scalars");
    List<byte[]> scalarNames = new ArrayList<>(m.scalars().size());
    long size = 1 + 2;
    for (String name : m.scalars().keySet()) {
      byte[] b = nameBytes(name);
      scalarNames.add(b);
      size += 1 + b.length + 8;
    }
    short vectors = count(m.vectors().size(), "vectors");
    size += 2;
    List<byte[]> vectorNames = new ArrayList<>(m.vectors().size());
    List<byte[]> bodies = new ArrayList<>(m.vectors().size());
    List<VectorCodec> codecs = new ArrayList<>(m.vectors().size());
    for (Map.Entry<String, double[]> e : m.vectors().entrySet()) {
      double[] v = e.getValue();
      if (v.length > MAX_LENGTH) {
        throw new IllegalArgumentException("vector '" + e.getKey() + "' has " + v.length + " values, more than " + MAX_LENGTH);
      }
      if (order != null && order.appliesTo(e.getKey(), v.length)) {
        v = order.toWire(v);
      }
      VectorCodec codec = book.codecFor(e.getKey());
      byte[] body = codec.encode(v, ctx.forVector(e.getKey()));
      byte[] name = nameBytes(e.getKey());
      vectorNames.add(name);
      bodies.add(body);
      codecs.add(codec);
      size += 1 + name.length + 1 + 1 + 4 + body.length;
    }
    size += 4;
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("message of " + size + " bytes is too large for one array");
    }
    ByteBuffer out = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
    out.put(VERSION);
    out.putShort(scalars);
    int i = 0;
    for (double value : m.scalars().values()) {
      byte[] name = scalarNames.get(i++);
      out.put((byte) name.length).put(name).putDouble(value);
    }
    out.putShort(vectors);
    i = 0;
    for (double[] v : m.vectors().values()) {
      byte[] name = vectorNames.get(i);
      VectorCodec codec = codecs.get(i);
      out.put((byte) name.length).put(name).put((byte) codec.id()).put((byte) codec.version()).putInt(v.length)
          .put(bodies.get(i));
      i++;
    }
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.position());
    out.putInt((int) crc.getValue());
    return out.array();
  }

  /** Decodes bytes written by any known codec (the header says which). */
  public static Message decode(byte[] bytes) {
    return decode(bytes, (Codebook) null, null);
  }

  /** Decodes bytes that {@code expected} wrote; another codec's bytes fail naming both. */
  public static Message decode(byte[] bytes, VectorCodec expected) {
    return decode(bytes, expected, null);
  }

  /** Decodes bytes written with the codecs of {@code expected}; another codec's bytes fail naming both. */
  public static Message decode(byte[] bytes, Codebook expected) {
    return decode(bytes, expected, null);
  }

  /**
   * Decodes bytes that {@code expected} (null: any known codec) wrote, the vector {@code order} names
   * back from that order.
   *
   * @throws CodecException if the bytes are truncated, damaged, or written by another codec or format
   */
  public static Message decode(byte[] bytes, VectorCodec expected, CoordinateOrder order) {
    return decode(bytes, expected == null ? null : Codebook.of(expected), order);
  }

  /** Decodes bytes written with {@code expected} (null: any known codecs), as {@link #decode(byte[], VectorCodec, CoordinateOrder)}. */
  public static Message decode(byte[] bytes, Codebook expected, CoordinateOrder order) {
    if (bytes.length == 0) {
      return Message.EMPTY;
    }
    if (bytes[0] != VERSION) {
      throw new CodecException("not a message of format version " + VERSION + " (first byte is " + bytes[0] + ")");
    }
    if (bytes.length < 1 + 2 + 2 + 4) {
      throw new CodecException("message truncated: " + bytes.length + " bytes");
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes, 0, bytes.length - 4).order(ByteOrder.LITTLE_ENDIAN);
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (stored != (int) crc.getValue()) {
      throw new CodecException("message damaged or truncated: checksum mismatch (" + bytes.length + " bytes)");
    }
    try {
      buf.get();
      Message.Builder b = Message.builder();
      int ns = Short.toUnsignedInt(buf.getShort());
      for (int i = 0; i < ns; i++) {
        String name = getName(buf);
        b.scalar(name, buf.getDouble());
      }
      int nv = Short.toUnsignedInt(buf.getShort());
      for (int i = 0; i < nv; i++) {
        String name = getName(buf);
        int id = Byte.toUnsignedInt(buf.get());
        int version = Byte.toUnsignedInt(buf.get());
        VectorCodec codec = expected == null ? Codecs.byId(id) : expected.codecFor(name);
        if (id != codec.id() || version != codec.version()) {
          throw new CodecException("vector '" + name + "' was written by codec " + describe(id, version)
              + ", expected '" + codec.name() + "' (id " + codec.id() + ", version " + codec.version() + ")");
        }
        int n = buf.getInt();
        if (n < 0 || n > MAX_LENGTH) {
          throw new CodecException("vector '" + name + "' has length " + n + ", outside [0, " + MAX_LENGTH + "]");
        }
        double[] v;
        try {
          v = codec.decode(n, buf);
        } catch (CodecException e) {
          throw new CodecException("vector '" + name + "': " + e.getMessage());
        }
        if (v.length != n) {
          throw new IllegalStateException("codec " + codec.name() + " decoded " + v.length + " values, expected " + n);
        }
        if (order != null && order.appliesTo(name, n)) {
          v = order.fromWire(v);
        }
        b.vector(name, v);
      }
      if (buf.hasRemaining()) {
        throw new CodecException("message has " + buf.remaining() + " trailing bytes");
      }
      return b.build();
    } catch (BufferUnderflowException e) {
      throw new CodecException("message truncated: a field runs past its " + bytes.length + " bytes");
    }
  }

  private static String describe(int id, int version) {
    try {
      return "'" + Codecs.byId(id).name() + "' (id " + id + ", version " + version + ")";
    } catch (CodecException e) {
      return "with unknown id " + id + " (version " + version + ")";
    }
  }

  private static short count(int n, String what) {
    if (n > 0xFFFF) {
      throw new IllegalArgumentException("a message carries at most 65535 " + what + ", got " + n);
    }
    return (short) n;
  }

  private static byte[] nameBytes(String name) {
    byte[] b = name.getBytes(StandardCharsets.UTF_8);
    if (b.length > 255) {
      throw new IllegalArgumentException("field name longer than 255 bytes: " + name);
    }
    return b;
  }

  private static String getName(ByteBuffer buf) {
    int len = Byte.toUnsignedInt(buf.get());
    byte[] b = new byte[len];
    buf.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
