package org.fedspark.client;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one client keeps between rounds, in its own partition: named vectors such as its personal
 * blocks, its own model (Ditto, local-only), a mixing weight (APFL), control variates or error-feedback
 * residuals. One concrete type for every algorithm, so the engine can check it for divergence, measure
 * it (values stored per client) and, later, save it, without knowing the algorithm.
 *
 * <p>Immutable: {@link #with} returns a copy, and the vectors are never modified after they are put.
 */
public final class ClientState implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Nothing kept. */
  public static final ClientState EMPTY = new ClientState(Map.of());

  private final Map<String, double[]> vectors;

  private ClientState(Map<String, double[]> vectors) {
    this.vectors = vectors;
  }

  /** A state with one vector. */
  public static ClientState of(String name, double[] v) {
    return EMPTY.with(name, v);
  }

  /** A copy with {@code name} set to {@code v} (not copied: do not modify it afterwards). */
  public ClientState with(String name, double[] v) {
    Map<String, double[]> m = new LinkedHashMap<>(vectors);
    m.put(name, v);
    return new ClientState(Collections.unmodifiableMap(m));
  }

  /** The named vector, or an error listing the names kept. */
  public double[] vector(String name) {
    double[] v = vectors.get(name);
    if (v == null) {
      throw new IllegalArgumentException("client state has no '" + name + "'; it has " + vectors.keySet());
    }
    return v;
  }

  /** The named scalar, stored as a vector of length 1. */
  public double scalar(String name) {
    return vector(name)[0];
  }

  /** A copy with the scalar {@code name} set. */
  public ClientState withScalar(String name, double v) {
    return with(name, new double[] {v});
  }

  public boolean has(String name) {
    return vectors.containsKey(name);
  }

  public Map<String, double[]> vectors() {
    return vectors;
  }

  /** Number of values kept. */
  public long size() {
    long n = 0;
    for (double[] v : vectors.values()) {
      n += v.length;
    }
    return n;
  }

  /** The name of the first vector holding NaN or ±∞, or null when every value is finite. */
  public String firstNonFinite() {
    for (Map.Entry<String, double[]> e : vectors.entrySet()) {
      for (double x : e.getValue()) {
        if (!Double.isFinite(x)) {
          return e.getKey();
        }
      }
    }
    return null;
  }
}
