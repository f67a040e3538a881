package org.fedspark.client;

import java.io.Serializable;

/**
 * How the local solver steps: {@code epochs} passes over the client's data in minibatches of
 * {@code batchSize}, step size {@code lr}, and heavy-ball momentum {@code β} in the form PyTorch's SGD
 * uses ({@code m ← β m + g; w ← w − η m}; β = 0 is plain SGD, computed without a momentum buffer).
 */
public record SgdOptions(int epochs, int batchSize, double lr, double momentum) implements Serializable {
  public SgdOptions {
    if (epochs < 0) {
      throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
    }
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
    }
    // 0 is allowed: a decayed step size can underflow to 0 after many rounds (the update is then 0).
    if (!(lr >= 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("lr must be finite and >= 0, got " + lr);
    }
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
    }
  }

  /** The same options with another number of epochs. */
  public SgdOptions withEpochs(int e) {
    return new SgdOptions(e, batchSize, lr, momentum);
  }
}
