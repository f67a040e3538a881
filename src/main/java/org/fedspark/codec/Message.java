package org.fedspark.codec;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A message between the server and one client, before encoding: named vectors (model parameters,
 * updates) and named scalars (example counts, losses). Names keep algorithms readable ("delta",
 * "weight") and make the wire format self-describing.
 *
 * <p>Messages cross the simulated network only as bytes ({@link WireFormat}), so the bytes counted for
 * uplink and downlink are the bytes a real deployment would send with the same codec.
 */
public final class Message implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The message that carries nothing; it encodes to zero bytes and counts as "nothing sent". */
  public static final Message EMPTY = new Message(Map.of(), Map.of());

  private final Map<String, double[]> vectors;
  private final Map<String, Double> scalars;

  private Message(Map<String, double[]> vectors, Map<String, Double> scalars) {
    this.vectors = Collections.unmodifiableMap(vectors);
    this.scalars = Collections.unmodifiableMap(scalars);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Map<String, double[]> vectors() {
    return vectors;
  }

  public Map<String, Double> scalars() {
    return scalars;
  }

  public boolean isEmpty() {
    return vectors.isEmpty() && scalars.isEmpty();
  }

  /** The vector with this name; fails with the names present when it is missing. */
  public double[] vector(String name) {
    double[] v = vectors.get(name);
    if (v == null) {
      throw new IllegalArgumentException("message has no vector '" + name + "'; it has " + vectors.keySet());
    }
    return v;
  }

  /** The scalar with this name; fails with the names present when it is missing. */
  public double scalar(String name) {
    Double v = scalars.get(name);
    if (v == null) {
      throw new IllegalArgumentException("message has no scalar '" + name + "'; it has " + scalars.keySet());
    }
    return v;
  }

  /** Builds a message; insertion order is the wire order. */
  public static final class Builder {
    private final Map<String, double[]> vectors = new LinkedHashMap<>();
    private final Map<String, Double> scalars = new LinkedHashMap<>();

    public Builder vector(String name, double[] v) {
      vectors.put(name, v);
      return this;
    }

    public Builder scalar(String name, double v) {
      scalars.put(name, v);
      return this;
    }

    public Message build() {
      return new Message(new LinkedHashMap<>(vectors), new LinkedHashMap<>(scalars));
    }
  }
}
