package org.fedspark.run;

/** The training produced NaN or infinite values; the run stops and keeps what it wrote. */
public final class DivergenceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int round;

  public DivergenceException(int round, String what) {
    super("diverged in round " + round + ": " + what
        + ". Lower train.lr (or raise fedprox.mu / model.weight-decay) and run again; if the features are unscaled"
        + " (|x| in the thousands or more: fedspark warns when it loads such data), standardize them first.");
    this.round = round;
  }

  public int round() {
    return round;
  }
}
