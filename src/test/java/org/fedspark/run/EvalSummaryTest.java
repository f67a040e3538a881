package org.fedspark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EvalSummaryTest {

  @Test
  void definitionsOfEachMetric() {
    List<ClientEval> evals = List.of(
        new ClientEval(0, 10, 5.0, 9, true, 6.0, 8),   // acc 0.9
        new ClientEval(1, 30, 9.0, 15, true, 12.0, 12), // acc 0.5
        new ClientEval(2, 0, 0, 0, true, 0, 0),        // no test data: ignored
        new ClientEval(3, 20, 2.0, 20, true, 4.0, 10)); // acc 1.0
    EvalSummary s = EvalSummary.of(evals);
    assertEquals((0.9 + 0.5 + 1.0) / 3, s.accMean(), 1e-15);
    assertEquals(44.0 / 60, s.accWeighted(), 1e-15);
    double m = 0.8;
    assertEquals(Math.sqrt(((0.9 - m) * (0.9 - m) + (0.5 - m) * (0.5 - m) + (1.0 - m) * (1.0 - m)) / 3), s.accStd(), 1e-12);
    assertEquals(0.5, s.accWorst10(), 0.0, "worst 10% of 3 clients is the single worst");
    assertEquals(16.0 / 60, s.loss(), 1e-15);
    assertEquals(30.0 / 60, s.globalAcc(), 1e-15);
    assertEquals(22.0 / 60, s.globalLoss(), 1e-15);
  }

  @Test
  void worstTenPercentAveragesTheLowestTenth() {
    List<ClientEval> evals = new ArrayList<>();
    for (int c = 0; c < 40; c++) {
      evals.add(new ClientEval(c, 100, 1, c + 50, false, 0, 0)); // acc 0.50 … 0.89
    }
    Collections.shuffle(evals, new Random(1));
    EvalSummary s = EvalSummary.of(evals);
    assertEquals((0.50 + 0.51 + 0.52 + 0.53) / 4, s.accWorst10(), 1e-12);
    assertTrue(Double.isNaN(s.globalAcc()));
  }

  @Test
  void orderOfClientsDoesNotChangeAnyBit() {
    List<ClientEval> evals = new ArrayList<>();
    Random r = new Random(3);
    for (int c = 0; c < 200; c++) {
      int n = 1 + r.nextInt(50);
      evals.add(new ClientEval(c, n, r.nextDouble() * n, r.nextInt(n + 1), true, r.nextDouble() * n, r.nextInt(n + 1)));
    }
    EvalSummary a = EvalSummary.of(evals);
    Collections.shuffle(evals, new Random(9));
    assertEquals(a, EvalSummary.of(evals));
  }
}
