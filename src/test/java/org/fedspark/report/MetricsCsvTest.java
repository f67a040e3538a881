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
}
