package org.fedspark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.fedspark.config.ConfigException;
import org.fedspark.config.FedConfig;
import org.fedspark.testing.LocalSparkTest;
import org.junit.jupiter.api.Test;

/** The interleaved round benchmark on a tiny workload: every figure is there, and the models agree bit for bit. */
class RoundBenchmarkTest extends LocalSparkTest {
  private static final String TINY = String.join("\n",
      "run { name = b, seed = 3 }",
      "data { source = synthetic, synthetic { alpha = 0.5, beta = 0.5, clients = 10, features = 12, classes = 4 } }",
      "model.type = softmax",
      "train { client-fraction = 0.4, local-epochs = 1, batch-size = 8, lr = 0.05 }");

  @Test
  @SuppressWarnings("unchecked")
  void interleavedRoundsGiveEveryFigureAndIdenticalModels() {
    Map<String, Object> r = new RoundBenchmark(sc, FedConfig.parse(TINY, "test", List.of())).run(8, 3);
    assertEquals(true, r.get("models_identical"));
    assertEquals(8, r.get("pairs"));
    assertEquals(5, r.get("steady_pairs"));
    assertEquals(4, r.get("clients_per_round"));
    Map<String, Object> steady = (Map<String, Object>) r.get("steady_seconds");
    Map<String, Object> warm = (Map<String, Object>) r.get("warmup_seconds");
    Map<String, Object> all = (Map<String, Object>) r.get("seconds_per_pair");
    assertEquals(RoundBenchmark.VARIANTS, List.copyOf(steady.keySet()));
    for (String v : RoundBenchmark.VARIANTS) {
      double[] sec = (double[]) all.get(v);
      assertEquals(8, sec.length, v);
      for (double s : sec) {
        assertTrue(s > 0 && s < 60, v + " took " + s + " s");
      }
      Map<String, Object> st = (Map<String, Object>) steady.get(v);
      assertEquals(5, st.get("n"));
      assertEquals(3, ((Map<String, Object>) warm.get(v)).get("n"));
      double median = (Double) st.get("median");
      assertTrue((Double) st.get("p10") <= median && median <= (Double) st.get("p90"), v + " " + st);
      assertTrue((Double) st.get("q1") <= median && median <= (Double) st.get("q3"), v + " " + st);
      // the steady median is the median of the last five times
      double[] last = java.util.Arrays.copyOfRange(sec, 3, 8);
      java.util.Arrays.sort(last);
      assertEquals(last[2], median, 0.0, v);
    }
    Map<String, Object> ratios = (Map<String, Object>) r.get("steady_ratios");
    Map<String, Object> sparkOverFloor = (Map<String, Object>) ratios.get("spark_over_floor_cores");
    double[] spark = java.util.Arrays.copyOfRange((double[]) all.get("spark_round"), 3, 8);
    double[] floor = java.util.Arrays.copyOfRange((double[]) all.get("floor_cores"), 3, 8);
    double[] per = new double[5];
    for (int i = 0; i < 5; i++) {
      per[i] = spark[i] / floor[i];
    }
    java.util.Arrays.sort(per);
    assertEquals(per[2], (Double) sparkOverFloor.get("median_of_pair_ratios"), 1e-12);
    assertTrue(ratios.containsKey("spark_minus_empty_job_over_floor_cores"));
    String table = RoundBenchmark.table(r);
    assertTrue(table.contains("empty Spark job, 1 task") && table.contains("bitwise identical"), table);
  }

  @Test
  void quantilesInterpolateBetweenOrderStatistics() {
    double[] v = {4, 1, 3, 2};
    assertEquals(2.5, RoundBenchmark.Stats.quantile(v, 0.5), 0);
    assertEquals(1.75, RoundBenchmark.Stats.quantile(v, 0.25), 1e-15);
    assertEquals(1.3, RoundBenchmark.Stats.quantile(v, 0.1), 1e-15);
    assertEquals(4, RoundBenchmark.Stats.quantile(v, 1), 0);
  }

  @Test
  void statefulAlgorithmsAndLossyCodecsAreRefused() {
    RoundBenchmark ditto = new RoundBenchmark(sc, FedConfig.parse(TINY, "test", List.of("algorithm.name=ditto")));
    ConfigException e = assertThrows(ConfigException.class, () -> ditto.run(4, 1));
    assertTrue(e.getMessage().startsWith("key 'algorithm.name' = ditto"), e.getMessage());
    RoundBenchmark f32 = new RoundBenchmark(sc, FedConfig.parse(TINY, "test", List.of("codec.uplink=float32")));
    e = assertThrows(ConfigException.class, () -> f32.run(4, 1));
    assertTrue(e.getMessage().startsWith("key 'codec.uplink' = float32"), e.getMessage());
  }
}
