package org.fedspark.server;

import java.util.Map;
import java.util.SortedMap;
import org.fedspark.codec.Message;

/**
 * The combined uploads of one round, as {@link AggregationSpec} asked.
 *
 * @param numUpdates clients that uploaded a non-empty message
 * @param totalWeight Σ_i w_i over those clients
 * @param weightedSums per vector name, Σ_i w_i v_i
 * @param scalarSums per scalar name, Σ_i s_i (unweighted)
 * @param collected per client id, the vectors named in {@link AggregationSpec#collect()}
 */
public record RoundAggregate(
    int numUpdates,
    double totalWeight,
    Map<String, double[]> weightedSums,
    Map<String, Double> scalarSums,
    SortedMap<Integer, Message> collected) {

  /** Σ_i w_i v_i / Σ_i w_i for the named vector. */
  public double[] weightedMean(String name) {
    double[] s = weightedSums.get(name);
    if (s == null) {
      throw new IllegalArgumentException("no aggregated vector '" + name + "'; have " + weightedSums.keySet());
    }
    double[] out = new double[s.length];
    for (int i = 0; i < s.length; i++) {
      out[i] = s[i] / totalWeight;
    }
    return out;
  }
}
