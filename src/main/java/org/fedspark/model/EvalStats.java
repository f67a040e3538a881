package org.fedspark.model;

import java.io.Serializable;

/** Summed loss and number of correct predictions over {@code count} examples. */
public record EvalStats(double lossSum, long correct, long count) implements Serializable {
  public static final EvalStats EMPTY = new EvalStats(0, 0, 0);

  public EvalStats plus(EvalStats o) {
    return new EvalStats(lossSum + o.lossSum, correct + o.correct, count + o.count);
  }

  /** Fraction correct; NaN when there are no examples. */
  public double accuracy() {
    return count == 0 ? Double.NaN : (double) correct / count;
  }

  /** Mean loss; NaN when there are no examples. */
  public double meanLoss() {
    return count == 0 ? Double.NaN : lossSum / count;
  }
}
