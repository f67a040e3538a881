package org.fedspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsCsvTest {
  @Test
  void headerThenOneRowPerRoundWithEmptyCellsForUndefined() {
    RoundMetrics r = new RoundMetrics(5, 0.5, 0.25, 0.1, 0.0, 1.5, Double.NaN, Double.NaN, 0.75, 3, 100, 200, 300, 400,
        1.0, 0.5, 2.0);
    String[] lines = MetricsCsv.render(List.of(r)).split("\n");
    assertEquals(2, lines.length);
    assertEquals("round,personalized_acc_mean,personalized_acc_weighted,personalized_acc_std,personalized_acc_worst10,"
        + "personalized_loss,global_acc,global_loss,train_loss,clients_sampled,uplink_bytes,downlink_bytes,"
        + "cum_uplink_bytes,cum_downlink_bytes,round_seconds,eval_seconds,elapsed_seconds", lines[0]);
    assertEquals("5,0.5,0.25,0.1,0.0,1.5,,,0.75,3,100,200,300,400,1.0,0.5,2.0", lines[1]);
  }

  @Test
  void algorithmColumnsFollowTheStandardOnesAndReadBack() {
    java.util.Map<String, Double> extra = new java.util.LinkedHashMap<>();
    extra.put("objective", 0.125);
    extra.put("admm_iterations", Double.NaN);
    RoundMetrics r = new RoundMetrics(5, 0.5, 0.25, 0.1, 0.0, 1.5, 0.3, 1.25, 0.75, 3, 100, 200, 300, 400, 1.0, 0.5, 2.0,
        extra);
    String csv = MetricsCsv.render(List.of(r));
    String[] lines = csv.split("\n");
    assertEquals(true, lines[0].endsWith(",elapsed_seconds,objective,admm_iterations"), lines[0]);
    assertEquals(true, lines[1].endsWith(",2.0,0.125,"), lines[1]);
    RoundMetrics back = MetricsCsv.read(csv, "metrics.csv").get(0);
    assertEquals(r.asColumns().toString(), back.asColumns().toString());
  }
}
