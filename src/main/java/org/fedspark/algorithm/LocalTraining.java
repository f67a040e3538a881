package org.fedspark.algorithm;

import java.io.Serializable;
import org.fedspark.client.SgdOptions;

/**
 * The local training recipe every client follows: {@code epochs} passes of minibatch SGD with batch
 * size {@code batchSize}, momentum {@code momentum} and the round's step size from {@code lr}.
 * Clients know it from the start, as deployed clients ship with their training configuration, so it is
 * not resent every round.
 */
public record LocalTraining(int epochs, int batchSize, Schedule lr, double momentum) implements Serializable {

  /** Plain SGD with a constant step size. */
  public LocalTraining(int epochs, int batchSize, double lr) {
    this(epochs, batchSize, Schedule.constant(lr), 0.0);
  }

  /** Step size in round {@code round} (from 1). */
  public double lr(int round) {
    return lr.at(round);
  }

  /** Solver options for a round. */
  public SgdOptions options(int round) {
    return new SgdOptions(epochs, batchSize, lr(round), momentum);
  }

  /** Solver options for a round with another number of epochs. */
  public SgdOptions options(int round, int epochCount) {
    return new SgdOptions(epochCount, batchSize, lr(round), momentum);
  }
}
