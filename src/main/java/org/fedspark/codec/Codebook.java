package org.fedspark.codec;

import java.io.Serializable;
import java.util.Map;

/**
 * Which codec encodes each vector of a message: one codec for the direction, and for the vectors that
 * carry parameter blocks (a model, an update) possibly a {@link BlockwiseCodec} that gives each block
 * its own. What a reader expects of each vector, so bytes written by another codec fail naming both.
 */
public record Codebook(VectorCodec codec, Map<String, VectorCodec> byVector) implements Serializable {

  public Codebook {
    byVector = Map.copyOf(byVector);
  }

  /** {@code codec} for every vector. */
  public static Codebook of(VectorCodec codec) {
    return new Codebook(codec, Map.of());
  }

  /** The codec of vector {@code name}. */
  public VectorCodec codecFor(String name) {
    return byVector.getOrDefault(name, codec);
  }

  /** Whether some vector is cut into blocks with their own codecs. */
  public boolean blockwise() {
    return !byVector.isEmpty();
  }

  /** Whether every codec of this book decodes to exactly what was encoded. */
  public boolean lossless() {
    return codec.lossless() && byVector.values().stream().allMatch(VectorCodec::lossless);
  }

  /** Whether some codec of this book wants error feedback ({@link VectorCodec#wantsErrorFeedback}). */
  public boolean wantsErrorFeedback() {
    return codec.wantsErrorFeedback() || byVector.values().stream().anyMatch(VectorCodec::wantsErrorFeedback);
  }

  /** E.g. {@code kmeans} or {@code float64, delta [W:kmeans 7840, b:float32 10]}. */
  public String describe() {
    StringBuilder b = new StringBuilder(codec.name());
    new java.util.TreeMap<>(byVector).forEach((name, c) -> b.append(", ").append(name).append(' ')
        .append(c instanceof BlockwiseCodec bw ? bw.describe() : c.name()));
    return b.toString();
  }
}
