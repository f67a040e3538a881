package org.fedspark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.fedspark.config.FedConfig;
import org.fedspark.report.OutputDir;
import org.fedspark.report.RoundMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same config and seed give identical metrics on 1 core and on 3 cores (with default partitioning). */
class CoresReproducibilityTest {
  @TempDir
  Path tmp;

  private List<Map<String, Object>> runWith(int cores, String alg) {
    SparkSession spark = SparkSessions.local(cores);
    try {
      FedConfig cfg = FedConfig.parse(String.join("\n",
          "run { seed = 11, rounds = 6, eval-every = 3, progress = off }",
          "data { source = synthetic, synthetic { clients = 10, features = 12, classes = 4 } }",
          "model { type = mlp, hidden = 8 }",
          "algorithm.name = " + alg,
          "train { client-fraction = 0.5, local-epochs = 1, batch-size = 8, lr = 0.05 }"), "test", List.of());
      OutputDir out = new OutputDir(tmp.resolve(alg + cores).toString(), spark.sparkContext().hadoopConfiguration());
      SimulationResult r = new Simulation(spark.sparkContext(), cfg, out, System.out).run();
      List<Map<String, Object>> rows = new ArrayList<>();
      for (RoundMetrics m : r.metrics()) {
        Map<String, Object> c = new LinkedHashMap<>(m.asColumns());
        c.keySet().removeIf(k -> k.endsWith("seconds"));
        rows.add(c);
      }
      return rows;
    } finally {
      spark.stop();
    }
  }

  @Test
  void oneCoreAndThreeCoresAgreeBitForBit() {
    for (String alg : List.of("fedavg", "fedavg-ft")) {
      assertEquals(runWith(1, alg), runWith(3, alg), alg);
    }
  }
}
