package org.fedspark.client;

import java.util.Map;
import org.fedspark.codec.Message;

/**
 * What a client's local work returns: its new state (kept in its partition), the message it uploads
 * ({@link Message#EMPTY} for none), its training statistics, and the values of the metrics its
 * algorithm declares in {@link ClientStrategy#clientMetrics()}.
 */
public record FitResult(ClientState state, Message update, TrainStats stats, Map<String, Double> metrics) {
  public FitResult {
    metrics = Map.copyOf(metrics);
  }

  public FitResult(ClientState state, Message update, TrainStats stats) {
    this(state, update, stats, Map.of());
  }
}
