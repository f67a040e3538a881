package org.fedspark.server;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import org.fedspark.codec.Message;

/**
 * The combined uploads of one round, as {@link AggregationSpec} asked.
 *
 * @param numUpdates clients that uploaded a non-empty message
 * @param totalWeight Σ_i w_i over those clients
 * @param weightedSums per vector name, Σ_i w_i v_i
 * @param scalarSums per scalar name, Σ_i s_i (unweighted)
 * @param collected per client id, the vectors named in {@link AggregationSpec#collect()}
 * @param stragglers sampled clients that straggled this round (did partial work; their uploads are
 *     included above), as the engine drew them
 * @param dropped sampled clients that sent nothing this round (stragglers in drop mode)
 * @param onTime the same combination over the sampled clients that are not stragglers, for servers
 *     that discard partial work (FedAvg as Li et al., MLSys 2020, run it); null when nobody straggled
 */
public record RoundAggregate(
    int numUpdates,
    double totalWeight,
    Map<String, double[]> weightedSums,
    Map<String, Double> scalarSums,
    SortedMap<Integer, Message> collected,
    SortedSet<Integer> stragglers,
    SortedSet<Integer> dropped,
    RoundAggregate onTime) {

  /** A round in which every sampled client completed its work. */
  public RoundAggregate(int numUpdates, double totalWeight, Map<String, double[]> weightedSums,
      Map<String, Double> scalarSums, SortedMap<Integer, Message> collected) {
    this(numUpdates, totalWeight, weightedSums, scalarSums, collected, Collections.emptySortedSet(),
        Collections.emptySortedSet(), null);
  }

  /** This aggregate told who straggled and who dropped, with the combination of the others. */
  public RoundAggregate withStragglers(SortedSet<Integer> stragglerIds, SortedSet<Integer> droppedIds,
      RoundAggregate withoutStragglers) {
    return new RoundAggregate(numUpdates, totalWeight, weightedSums, scalarSums, collected,
        Collections.unmodifiableSortedSet(stragglerIds), Collections.unmodifiableSortedSet(droppedIds), withoutStragglers);
  }

  /** The combination of the clients that completed their work (this one when nobody straggled). */
  public RoundAggregate withoutStragglers() {
    return onTime == null ? this : onTime;
  }

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
