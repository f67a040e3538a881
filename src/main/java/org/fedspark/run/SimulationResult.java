package org.fedspark.run;

import java.util.List;
import java.util.Map;
import org.fedspark.report.RoundMetrics;

/**
 * The outcome of a run: its status, one metrics row per evaluated round, the summary written to
 * {@code summary.json} and where the outputs are.
 */
public record SimulationResult(RunStatus status, String message, List<RoundMetrics> metrics,
    Map<String, Object> summary, String outputUri) {

  /** The last evaluated round's metrics. */
  public RoundMetrics last() {
    if (metrics.isEmpty()) {
      throw new IllegalStateException("no round was evaluated");
    }
    return metrics.get(metrics.size() - 1);
  }
}
