package org.fedspark.run;

import java.io.Serializable;
import org.fedspark.codec.CoordinateOrder;
import org.fedspark.codec.Codebook;
import org.fedspark.codec.WireFormat;
import org.fedspark.server.AggregationSpec;
import org.fedspark.server.ReproducibleSum;
import org.fedspark.server.UpdateAccumulator;

/**
 * What the engine folds over a round's {@link ClientRoundResult}s in one {@code treeAggregate}: the
 * decoded uploads (for the server), the exact count of uploaded bytes, the training loss, the declared
 * client metrics, the values the participants hold, and the lowest client id whose state went
 * non-finite. All parts are order-independent, so the round's numbers do not depend on the
 * partitioning.
 */
final class RoundAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;

  final UpdateAccumulator updates;
  final ReproducibleSum lossSum = new ReproducibleSum(1);
  final ReproducibleSum metricSums;
  final long[] metricCounts;
  long examples;
  long uplinkBytes;
  long valuesHeld;
  /** Values uploaded, and the distinct values and runs of the decoded uploads, summed over uploads. */
  long uploadedValues;
  long uploadDistinct;
  long uploadRuns;
  int uploads;
  int participants;
  int nonFiniteClient = -1;
  String nonFiniteState;

  /** The uploads of the clients that are not stragglers; null when no client straggles this round. */
  final UpdateAccumulator onTime;
  private final int[] stragglers;

  RoundAccumulator(AggregationSpec spec, int numMetrics) {
    this(spec, numMetrics, new int[0]);
  }

  /** @param stragglers sorted ids of this round's stragglers, whose uploads {@link #onTime} leaves out */
  RoundAccumulator(AggregationSpec spec, int numMetrics, int[] stragglers) {
    updates = new UpdateAccumulator(spec);
    onTime = stragglers.length == 0 ? null : new UpdateAccumulator(spec);
    this.stragglers = stragglers;
    metricSums = new ReproducibleSum(Math.max(1, numMetrics));
    metricCounts = new long[numMetrics];
  }

  /** Adds one client's result; its upload is decoded with the codecs of {@code codec} and un-permuted by {@code order}. */
  RoundAccumulator add(ClientRoundResult r, Codebook codec, CoordinateOrder order) {
    if (!r.sampled()) {
      return this;
    }
    participants++;
    uplinkBytes += r.update().length;
    valuesHeld += r.valuesHeld();
    org.fedspark.codec.Message up = WireFormat.decode(r.update(), codec, order);
    updates.add(r.clientId(), up);
    if (onTime != null && java.util.Arrays.binarySearch(stragglers, r.clientId()) < 0) {
      onTime.add(r.clientId(), up);
    }
    if (r.update().length > 0) {
      uploads++;
      uploadedValues += r.upload().values();
      uploadDistinct += r.upload().distinct();
      uploadRuns += r.upload().runs();
    }
    if (r.examples() > 0) {
      lossSum.addAt(0, r.lossSum());
      examples += r.examples();
    }
    for (int i = 0; i < metricCounts.length; i++) {
      double v = r.metrics()[i];
      if (!Double.isNaN(v)) {
        metricSums.addAt(i, v);
        metricCounts[i]++;
      }
    }
    if (r.nonFiniteState() != null) {
      noteNonFinite(r.clientId(), r.nonFiniteState());
    }
    return this;
  }

  RoundAccumulator merge(RoundAccumulator o) {
    updates.merge(o.updates);
    if (onTime != null) {
      onTime.merge(o.onTime);
    }
    lossSum.merge(o.lossSum);
    metricSums.merge(o.metricSums);
    for (int i = 0; i < metricCounts.length; i++) {
      metricCounts[i] += o.metricCounts[i];
    }
    examples += o.examples;
    uplinkBytes += o.uplinkBytes;
    valuesHeld += o.valuesHeld;
    uploads += o.uploads;
    uploadedValues += o.uploadedValues;
    uploadDistinct += o.uploadDistinct;
    uploadRuns += o.uploadRuns;
    participants += o.participants;
    if (o.nonFiniteState != null) {
      noteNonFinite(o.nonFiniteClient, o.nonFiniteState);
    }
    return this;
  }

  private void noteNonFinite(int client, String what) {
    if (nonFiniteState == null || client < nonFiniteClient) {
      nonFiniteClient = client;
      nonFiniteState = what;
    }
  }

  /**
   * Float32 bytes of the uploaded values over the bytes actually uploaded: how much smaller than
   * plain float32 the uploads were (just under 0.5 for float64, with the message headers). NaN if
   * nothing was uploaded.
   */
  double compressionRatio() {
    return uplinkBytes == 0 ? Double.NaN : 4.0 * uploadedValues / uplinkBytes;
  }

  double meanUploadDistinct() {
    return uploads == 0 ? Double.NaN : (double) uploadDistinct / uploads;
  }

  double meanUploadRuns() {
    return uploads == 0 ? Double.NaN : (double) uploadRuns / uploads;
  }

  double trainLoss() {
    return examples == 0 ? Double.NaN : lossSum.get(0) / examples;
  }

  /** Metric {@code i}: the mean over the clients that reported it, or their sum; NaN if none did. */
  double metric(int i, boolean sum) {
    if (metricCounts[i] == 0) {
      return Double.NaN;
    }
    return sum ? metricSums.get(i) : metricSums.get(i) / metricCounts[i];
  }
}
