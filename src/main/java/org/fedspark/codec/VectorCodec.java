package org.fedspark.codec;

import java.io.Serializable;
import java.nio.ByteBuffer;

/**
 * Encodes one vector of a {@link Message} for the wire. Compressing codecs (quantization, or the
 * piecewise-constant updates of the graph-fused personalized method, whose Network Lasso penalty makes
 * neighbouring clients' personal parts equal) plug in here; the engine counts whatever bytes they
 * produce.
 */
public interface VectorCodec extends Serializable {

  /** Short name recorded in outputs, e.g. {@code float64}. */
  String name();

  /** Upper bound on the encoded size of a vector of length {@code n}, to size buffers. */
  int maxEncodedBytes(int n);

  /** Writes {@code v} at the buffer's position. */
  void encode(double[] v, ByteBuffer out);

  /** Reads a vector of length {@code n} written by {@link #encode}. */
  double[] decode(int n, ByteBuffer in);
}
