package org.fedspark.codec;

import java.io.Serializable;
import java.nio.ByteBuffer;

/**
 * Encodes one vector of a {@link Message} for the wire: every compressor of this package (float32,
 * piecewise-constant, k-means levels, top-k, QSGD, scaled sign) is one. {@link WireFormat} writes the
 * codec's {@link #id()} and {@link #version()} before the body, so bytes say which codec made them,
 * and a decoder refuses another codec's bytes by name instead of misreading them.
 *
 * <p>A body is self-delimiting: {@link #decode} reads exactly what {@link #encode} wrote, from the
 * buffer's position. A codec's parameters (k, levels) travel in its body when decoding needs them,
 * so any instance of a codec decodes any body it wrote. Non-finite inputs come back non-finite, so the
 * engine's divergence check still sees them after a lossy codec.
 */
public interface VectorCodec extends Serializable {

  /** The name in the configuration and outputs, e.g. {@code float64}, {@code topk}. */
  String name();

  /** Wire id, 1…255, unique per codec ({@link Codecs}). */
  int id();

  /** Version of the body layout; bumped when it changes. */
  int version();

  /** Whether decode(encode(v)) == v bit for bit for every v. */
  boolean lossless();

  /**
   * Whether a client should keep what this codec drops and add it to its next update (error
   * feedback): on for biased compressors (top-k, sign), whose dropped mass otherwise never arrives.
   */
  default boolean wantsErrorFeedback() {
    return false;
  }

  /** The body for {@code v}. */
  byte[] encode(double[] v, CodecContext ctx);

  /**
   * Reads a body of a vector of length {@code n} at the buffer's position (little-endian) and
   * advances past it.
   *
   * @throws CodecException if the body is truncated or not one this codec writes
   */
  double[] decode(int n, ByteBuffer in);
}
