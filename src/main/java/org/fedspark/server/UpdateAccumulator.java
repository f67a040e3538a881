package org.fedspark.server;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.fedspark.codec.Message;

/**
 * The running combination of decoded client uploads inside Spark's {@code treeAggregate}: exact,
 * order-independent sums ({@link ReproducibleSum}) of weighted vectors, weights and scalars, plus the
 * per-client vectors the {@link AggregationSpec} asks to collect. {@link #add} and {@link #merge} can be
 * applied in any grouping and give the same result bit for bit.
 */
public final class UpdateAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;

  private final AggregationSpec spec;
  private final Map<String, ReproducibleSum> vectorSums = new TreeMap<>();
  private final Map<String, ReproducibleSum> scalarSums = new TreeMap<>();
  private final ReproducibleSum weight = new ReproducibleSum(1);
  private final TreeMap<Integer, Message> collected = new TreeMap<>();
  private int numUpdates;

  public UpdateAccumulator(AggregationSpec spec) {
    this.spec = spec;
  }

  /** Folds in client {@code clientId}'s decoded upload. */
  public UpdateAccumulator add(int clientId, Message update) {
    if (update.isEmpty()) {
      return this;
    }
    numUpdates++;
    Double wBoxed = update.scalars().get(spec.weightScalar());
    double w = wBoxed == null ? 1.0 : wBoxed;
    weight.addAt(0, w);
    for (Map.Entry<String, Double> e : update.scalars().entrySet()) {
      scalarSums.computeIfAbsent(e.getKey(), k -> new ReproducibleSum(1)).addAt(0, e.getValue());
    }
    Message.Builder keep = null;
    for (Map.Entry<String, double[]> e : update.vectors().entrySet()) {
      if (spec.collect().contains(e.getKey())) {
        keep = keep == null ? Message.builder() : keep;
        keep.vector(e.getKey(), e.getValue());
      } else {
        double[] v = e.getValue();
        vectorSums.computeIfAbsent(e.getKey(), k -> new ReproducibleSum(v.length)).addScaled(v, w);
      }
    }
    if (keep != null) {
      collected.put(clientId, keep.build());
    }
    return this;
  }

  /** Folds in another accumulator (exact; any order). */
  public UpdateAccumulator merge(UpdateAccumulator o) {
    numUpdates += o.numUpdates;
    weight.merge(o.weight);
    mergeInto(vectorSums, o.vectorSums);
    mergeInto(scalarSums, o.scalarSums);
    collected.putAll(o.collected);
    return this;
  }

  private static void mergeInto(Map<String, ReproducibleSum> mine, Map<String, ReproducibleSum> theirs) {
    theirs.forEach((k, v) -> mine.merge(k, v, (a, b) -> {
      a.merge(b);
      return a;
    }));
  }

  /** False when any upload contained NaN, ∞ or an absurdly large value. */
  public boolean isFinite() {
    boolean ok = weight.isFinite();
    for (ReproducibleSum s : vectorSums.values()) {
      ok &= s.isFinite();
    }
    for (ReproducibleSum s : scalarSums.values()) {
      ok &= s.isFinite();
    }
    return ok;
  }

  public RoundAggregate result() {
    Map<String, double[]> sums = new LinkedHashMap<>();
    vectorSums.forEach((k, v) -> sums.put(k, v.toArray(1.0)));
    Map<String, Double> scalars = new LinkedHashMap<>();
    scalarSums.forEach((k, v) -> scalars.put(k, v.get(0)));
    return new RoundAggregate(numUpdates, weight.get(0), Collections.unmodifiableMap(sums),
        Collections.unmodifiableMap(scalars), Collections.unmodifiableSortedMap(collected));
  }
}
