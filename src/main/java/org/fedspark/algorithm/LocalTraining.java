package org.fedspark.algorithm;

import java.io.Serializable;
import org.fedspark.client.LocalSgd;

/**
 * The local training recipe every client follows: {@code epochs} passes of minibatch SGD with batch
 * size {@code batchSize} and step size {@code lr·lrDecay^(t−1)} in round t (the exponential decay of the
 * FedSLR reference code; 1 keeps it constant). Clients know it from the start, as deployed clients ship
 * with their training configuration, so it is not resent every round.
 */
public record LocalTraining(int epochs, int batchSize, double lr, double lrDecay) implements Serializable {

  /** Step size in round {@code round} (from 1). */
  public double lr(int round) {
    return lr * Math.pow(lrDecay, Math.max(0, round - 1));
  }

  /** SGD options for a round, with FedProx's proximal weight {@code mu} (0 for none). */
  public LocalSgd.Options options(int round, double mu) {
    return new LocalSgd.Options(epochs, batchSize, lr(round), mu);
  }
}
