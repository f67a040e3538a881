package org.fedspark.client;

import java.io.Serializable;

/**
 * What a run of the local solver did.
 *
 * @param meanLoss example-weighted mean of the model's per-batch objective (without proximal or linear
 *     terms) over all steps; NaN when no step ran. Non-finite values are passed through so callers can
 *     detect divergence.
 * @param steps number of updates
 * @param examples number of rows processed, summed over epochs
 */
public record TrainStats(double meanLoss, int steps, long examples) implements Serializable {
  /** No step ran. */
  public static final TrainStats NONE = new TrainStats(Double.NaN, 0, 0);

  /** The example-weighted combination of two runs (e.g. FedRep's head and body phases). */
  public TrainStats plus(TrainStats o) {
    long n = examples + o.examples;
    if (n == 0) {
      return new TrainStats(Double.NaN, steps + o.steps, 0);
    }
    double sum = (examples == 0 ? 0 : meanLoss * examples) + (o.examples == 0 ? 0 : o.meanLoss * o.examples);
    return new TrainStats(sum / n, steps + o.steps, n);
  }
}
