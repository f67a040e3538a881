package org.fedspark.run;

import java.util.Arrays;
import java.util.List;

/**
 * The statistics of one evaluation over all clients, computed in client-id order on the driver so the
 * numbers are reproducible (see {@link org.fedspark.report.RoundMetrics} for the definitions).
 */
record EvalSummary(double accMean, double accWeighted, double accStd, double accWorst10, double loss,
    double globalAcc, double globalLoss) {

  static EvalSummary of(List<ClientEval> evals) {
    List<ClientEval> sorted = evals.stream().filter(e -> e.testCount() > 0)
        .sorted((a, b) -> Integer.compare(a.clientId(), b.clientId())).toList();
    int n = sorted.size();
    if (n == 0) {
      return new EvalSummary(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double[] acc = new double[n];
    long total = 0;
    long correct = 0;
    long gCorrect = 0;
    double loss = 0;
    double gLoss = 0;
    boolean hasGlobal = false;
    for (int i = 0; i < n; i++) {
      ClientEval e = sorted.get(i);
      acc[i] = e.personalAccuracy();
      total += e.testCount();
      correct += e.personalCorrect();
      loss += e.personalLossSum();
      hasGlobal |= e.hasGlobal();
      gCorrect += e.globalCorrect();
      gLoss += e.globalLossSum();
    }
    double mean = 0;
    for (double a : acc) {
      mean += a;
    }
    mean /= n;
    double var = 0;
    for (double a : acc) {
      var += (a - mean) * (a - mean);
    }
    double[] asc = acc.clone();
    Arrays.sort(asc);
    int k = Math.max(1, (int) Math.ceil(0.1 * n));
    double worst = 0;
    for (int i = 0; i < k; i++) {
      worst += asc[i];
    }
    return new EvalSummary(mean, (double) correct / total, Math.sqrt(var / n), worst / k, loss / total,
        hasGlobal ? (double) gCorrect / total : Double.NaN, hasGlobal ? gLoss / total : Double.NaN);
  }
}
