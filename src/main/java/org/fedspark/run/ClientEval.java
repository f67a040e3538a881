package org.fedspark.run;

import java.io.Serializable;

/**
 * One client's evaluation on its own test split: of its personalized model and, when the algorithm has
 * one, of the global model ({@code hasGlobal}).
 */
public record ClientEval(int clientId, long testCount, double personalLossSum, long personalCorrect,
    boolean hasGlobal, double globalLossSum, long globalCorrect) implements Serializable {

  public double personalAccuracy() {
    return testCount == 0 ? Double.NaN : (double) personalCorrect / testCount;
  }
}
