package org.fedspark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.fedspark.config.FedConfig;
import org.fedspark.report.OutputDir;
import org.fedspark.testing.RealDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FedAvg on the real Fashion-MNIST (Debian's dataset-fashion-mnist, installed by bin/setup): 100
 * clients with Dirichlet(0.5) label skew, 10 per round, softmax regression.
 */
class FashionMnistFedAvgTest {
  @TempDir
  Path tmp;

  @Test
  void fedAvgReachesFarAboveChanceInTwentyRounds() {
    RealDatasets.assumeFashionMnist();
    SparkSession spark = SparkSessions.local(2);
    try {
      FedConfig cfg = FedConfig.parse(String.join("\n",
          "run { rounds = 20, eval-every = 10, progress = off }",
          "data.source = fashion-mnist",
          "partition { scheme = dirichlet, clients = 100, dirichlet-alpha = 0.5 }",
          "model.type = softmax",
          "train { client-fraction = 0.1, local-epochs = 1, batch-size = 32, lr = 0.05 }"), "test", List.of());
      SimulationResult r = new Simulation(spark.sparkContext(), cfg,
          new OutputDir(tmp.toString(), spark.sparkContext().hadoopConfiguration()), System.out).run();
      assertEquals(RunStatus.COMPLETED, r.status());
      assertEquals(100, ((java.util.Map<?, ?>) r.summary().get("dataset")).get("clients"));
      // 10 classes: chance is 0.10; centralized softmax regression reaches about 0.84
      assertTrue(r.last().globalAcc() > 0.65, "global accuracy " + r.last().globalAcc());
      assertTrue(r.last().personalizedAccWorst10() < r.last().personalizedAccMean());
    } finally {
      spark.stop();
    }
  }
}
