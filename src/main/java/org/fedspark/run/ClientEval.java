package org.fedspark.run;

import java.io.Serializable;

/**
 * One client's evaluation on its own test split: of its personalized model and, when the algorithm has
 * one, of the global model ({@code hasGlobal}). {@code ownModel} is false when the personalized model
 * is the global model itself, bit for bit (FedAvg and the other non-personalized methods): then the
 * client has nothing of its own to save ({@link SavedModels}).
 */
public record ClientEval(int clientId, long testCount, double personalLossSum, long personalCorrect,
    boolean hasGlobal, double globalLossSum, long globalCorrect, boolean ownModel) implements Serializable {

  /** A client evaluated with a model of its own (the conservative reading where that is not known). */
  public ClientEval(int clientId, long testCount, double personalLossSum, long personalCorrect, boolean hasGlobal,
      double globalLossSum, long globalCorrect) {
    this(clientId, testCount, personalLossSum, personalCorrect, hasGlobal, globalLossSum, globalCorrect, true);
  }

  public double personalAccuracy() {
    return testCount == 0 ? Double.NaN : (double) personalCorrect / testCount;
  }
}
