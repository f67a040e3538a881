package org.fedspark.report;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One evaluated round: a row of {@code metrics.csv}. Every metric is defined once, here:
 *
 * <ul>
 *   <li>{@code personalized_acc_mean}: unweighted mean over clients of each client's accuracy, on its
 *       own test split, of the model it would use (its personalized model; the global model for
 *       FedAvg/FedProx);
 *   <li>{@code personalized_acc_weighted}: the same pooled over all test examples (Σ correct / Σ n);
 *   <li>{@code personalized_acc_std}: population standard deviation of the per-client accuracies;
 *   <li>{@code personalized_acc_worst10}: mean accuracy of the worst 10% of clients (at least one);
 *   <li>{@code personalized_loss}: cross-entropy pooled over all test examples;
 *   <li>{@code global_acc}, {@code global_loss}: the global model on all clients' test splits pooled
 *       (empty for algorithms without a global model);
 *   <li>{@code train_loss}: mean local training objective over the examples the round's participants
 *       processed;
 *   <li>{@code uplink_bytes}, {@code downlink_bytes}: bytes of the round's training messages as encoded
 *       (downlink counts the broadcast once per sampled client); {@code cum_*}: totals up to this round;
 *   <li>{@code round_seconds}: wall time of the training round; {@code eval_seconds}: of the evaluation;
 *       {@code elapsed_seconds}: since the first round started.
 * </ul>
 * All clients are evaluated, not only the sampled ones; values are those at the end of the round.
 *
 * <p>After these come the algorithm's own columns ({@code extra}): the numbers its server reports
 * (objective, solver residuals, ...) and its clients' declared metrics combined over the round's
 * participants; each algorithm documents its own.
 */
public record RoundMetrics(
    int round,
    double personalizedAccMean,
    double personalizedAccWeighted,
    double personalizedAccStd,
    double personalizedAccWorst10,
    double personalizedLoss,
    double globalAcc,
    double globalLoss,
    double trainLoss,
    int clientsSampled,
    long uplinkBytes,
    long downlinkBytes,
    long cumUplinkBytes,
    long cumDownlinkBytes,
    double roundSeconds,
    double evalSeconds,
    double elapsedSeconds,
    Map<String, Double> extra) implements Serializable {

  public RoundMetrics {
    extra = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extra));
  }

  /** A row with no algorithm-specific columns. */
  public RoundMetrics(int round, double personalizedAccMean, double personalizedAccWeighted, double personalizedAccStd,
      double personalizedAccWorst10, double personalizedLoss, double globalAcc, double globalLoss, double trainLoss,
      int clientsSampled, long uplinkBytes, long downlinkBytes, long cumUplinkBytes, long cumDownlinkBytes,
      double roundSeconds, double evalSeconds, double elapsedSeconds) {
    this(round, personalizedAccMean, personalizedAccWeighted, personalizedAccStd, personalizedAccWorst10, personalizedLoss,
        globalAcc, globalLoss, trainLoss, clientsSampled, uplinkBytes, downlinkBytes, cumUplinkBytes, cumDownlinkBytes,
        roundSeconds, evalSeconds, elapsedSeconds, Map.of());
  }

  /** Column name → value, in CSV column order. NaN means "not defined" (written as an empty cell). */
  public Map<String, Object> asColumns() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("round", round);
    m.put("personalized_acc_mean", personalizedAccMean);
    m.put("personalized_acc_weighted", personalizedAccWeighted);
    m.put("personalized_acc_std", personalizedAccStd);
    m.put("personalized_acc_worst10", personalizedAccWorst10);
    m.put("personalized_loss", personalizedLoss);
    m.put("global_acc", globalAcc);
    m.put("global_loss", globalLoss);
    m.put("train_loss", trainLoss);
    m.put("clients_sampled", clientsSampled);
    m.put("uplink_bytes", uplinkBytes);
    m.put("downlink_bytes", downlinkBytes);
    m.put("cum_uplink_bytes", cumUplinkBytes);
    m.put("cum_downlink_bytes", cumDownlinkBytes);
    m.put("round_seconds", roundSeconds);
    m.put("eval_seconds", evalSeconds);
    m.put("elapsed_seconds", elapsedSeconds);
    extra.forEach((k, v) -> {
      if (m.put(k, v) != null) {
        throw new IllegalStateException("metric column '" + k + "' is defined twice");
      }
    });
    return m;
  }
}
