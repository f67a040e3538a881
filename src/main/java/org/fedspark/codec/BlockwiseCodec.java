package org.fedspark.codec;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A vector made of consecutive parameter blocks, each encoded by its own codec: the per-block choice
 * of {@code codec.uplink-blocks} / {@code codec.downlink-blocks} (say k-means levels for a large weight
 * matrix and float32 for its biases, whose few values cost little and matter much). The body lists
 * the parts, each with its codec's id, version and length, so it decodes without knowing the model:
 *
 * <pre>
 *   u16 #parts, then per part: u8 codec id, u8 codec version, i32 length, that codec's body
 * </pre>
 *
 * The part lengths must add up to the vector's length. Each part encodes with the message's context
 * narrowed to {@code vector:block}, so a stochastic codec draws an independent stream per block.
 *
 * <p>An instance built with {@link #of} encodes (and, decoding, insists on exactly its own parts and
 * codecs); {@link #ANY} decodes any well-formed body whose parts are known, non-blockwise codecs.
 */
public final class BlockwiseCodec implements VectorCodec {
  private static final long serialVersionUID = 1L;

  public static final String NAME = "blocks";
  static final int ID = 8;

  /** One block of the vector: its name (for contexts and messages), its length and its codec. */
  public record Part(String block, int length, VectorCodec codec) implements java.io.Serializable {
    public Part {
      if (length < 0) {
        throw new IllegalArgumentException("block '" + block + "' has negative length " + length);
      }
      if (codec instanceof BlockwiseCodec) {
        throw new IllegalArgumentException("block '" + block + "': a blockwise codec cannot nest another");
      }
    }
  }

  /** The decoder of any blockwise body. */
  public static final BlockwiseCodec ANY = new BlockwiseCodec(null);

  /** Null for {@link #ANY}. */
  private final List<Part> parts;

  private BlockwiseCodec(List<Part> parts) {
    this.parts = parts;
  }

  /** A codec for vectors made of {@code parts}, in order. */
  public static BlockwiseCodec of(List<Part> parts) {
    if (parts.isEmpty() || parts.size() > 0xFFFF) {
      throw new IllegalArgumentException("a blockwise codec needs 1 to 65535 parts, got " + parts.size());
    }
    return new BlockwiseCodec(List.copyOf(parts));
  }

  /** The parts, in vector order; empty for {@link #ANY}. */
  public List<Part> parts() {
    return parts == null ? List.of() : parts;
  }

  /** The vector length this codec encodes; −1 for {@link #ANY}. */
  public int length() {
    return parts == null ? -1 : parts.stream().mapToInt(Part::length).sum();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int id() {
    return ID;
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public boolean lossless() {
    return parts != null && parts.stream().allMatch(p -> p.codec().lossless());
  }

  @Override
  public boolean wantsErrorFeedback() {
    return parts != null && parts.stream().anyMatch(p -> p.codec().wantsErrorFeedback());
  }

  @Override
  public byte[] encode(double[] v, CodecContext ctx) {
    if (parts == null) {
      throw new IllegalStateException("BlockwiseCodec.ANY only decodes");
    }
    if (v.length != length()) {
      throw new IllegalArgumentException("vector '" + ctx.vector() + "' has " + v.length + " values, its blocks "
          + describe() + " have " + length());
    }
    List<byte[]> bodies = new ArrayList<>(parts.size());
    int size = 2;
    int at = 0;
    for (Part p : parts) {
      byte[] body = p.codec().encode(Arrays.copyOfRange(v, at, at + p.length()), ctx.forVector(ctx.vector() + ":" + p.block()));
      bodies.add(body);
      size = Math.addExact(size, 6 + body.length);
      at += p.length();
    }
    ByteBuffer out = Bodies.allocate(size);
    out.putShort((short) parts.size());
    for (int i = 0; i < parts.size(); i++) {
      Part p = parts.get(i);
      out.put((byte) p.codec().id()).put((byte) p.codec().version()).putInt(p.length()).put(bodies.get(i));
    }
    return out.array();
  }

  @Override
  public double[] decode(int n, ByteBuffer in) {
    int count = Bodies.u16(in, NAME, "part count");
    if (count == 0) {
      throw new CodecException(NAME + ": no parts");
    }
    if (parts != null && count != parts.size()) {
      throw new CodecException(NAME + ": " + count + " parts, expected " + parts.size() + " " + describe());
    }
    double[] v = new double[n];
    int at = 0;
    for (int i = 0; i < count; i++) {
      int id = Bodies.u8(in, NAME, "codec id of part " + i);
      int version = Bodies.u8(in, NAME, "codec version of part " + i);
      int len = Bodies.count(in, n - at, NAME, "length of part " + i);
      VectorCodec codec;
      if (parts != null) {
        Part p = parts.get(i);
        codec = p.codec();
        if (id != codec.id() || version != codec.version() || len != p.length()) {
          throw new CodecException(NAME + ": part " + i + " (block '" + p.block() + "') is codec id " + id + " version "
              + version + " of length " + len + ", expected '" + codec.name() + "' (id " + codec.id() + ", version "
              + codec.version() + ") of length " + p.length());
        }
      } else {
        if (id == ID) {
          throw new CodecException(NAME + ": part " + i + " is itself blockwise");
        }
        try {
          codec = Codecs.byId(id);
        } catch (CodecException e) {
          throw new CodecException(NAME + ": part " + i + ": " + e.getMessage());
        }
        if (version != codec.version()) {
          throw new CodecException(NAME + ": part " + i + " is '" + codec.name() + "' version " + version
              + ", this build reads version " + codec.version());
        }
      }
      double[] part;
      try {
        part = codec.decode(len, in);
      } catch (CodecException e) {
        throw new CodecException(NAME + ": part " + i + ": " + e.getMessage());
      }
      System.arraycopy(part, 0, v, at, len);
      at += len;
    }
    if (at != n) {
      throw new CodecException(NAME + ": parts cover " + at + " of the vector's " + n + " values");
    }
    return v;
  }

  /** E.g. {@code [W:kmeans 7840, b:float32 10]}. */
  public String describe() {
    if (parts == null) {
      return "[any]";
    }
    StringBuilder b = new StringBuilder("[");
    for (Part p : parts) {
      b.append(b.length() == 1 ? "" : ", ").append(p.block()).append(':').append(p.codec().name()).append(' ').append(p.length());
    }
    return b.append(']').toString();
  }
}
