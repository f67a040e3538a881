package org.fedspark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.fedspark.config.FedConfig;
import org.fedspark.report.OutputDir;
import org.fedspark.report.RoundMetrics;
import org.fedspark.testing.LocalSparkTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The personalized peers end to end on a small federation with an MLP: each completes, learns, writes
 * its own metric columns and the values a client holds, and gives the same metrics whatever the
 * partitioning.
 */
class PersonalizedRunsTest extends LocalSparkTest {
  @TempDir
  Path tmp;

  /** 12 devices, 20 features, 5 classes, a 16-unit MLP: W1 16×20, b1 16, W2 5×16, b2 5 = 421 values. */
  private static final String SMALL = String.join("\n",
      "run { name = t, seed = 7, rounds = 8, eval-every = 4, progress = off }",
      "data { source = synthetic, synthetic { alpha = 0.5, beta = 0.5, clients = 12, features = 20, classes = 5 } }",
      "model { type = mlp, hidden = 16 }",
      "train { client-fraction = 0.5, local-epochs = 2, batch-size = 10, lr = 0.05 }");
  private static final int PARAMS = 16 * 20 + 16 + 5 * 16 + 5;
  private static final int HEAD = 5 * 16 + 5;

  private SimulationResult run(String... overrides) {
    FedConfig cfg = FedConfig.parse(SMALL, "test", List.of(overrides));
    OutputDir out = new OutputDir(tmp.resolve("out" + System.nanoTime()).toString(), spark.sparkContext().hadoopConfiguration());
    return new Simulation(sc, cfg, out, System.out).run();
  }

  private static JsonNode summary(SimulationResult r) throws Exception {
    return new ObjectMapper().readTree(new File(java.net.URI.create(r.outputUri())).toPath().resolve("summary.json").toFile());
  }

  private static List<String> header(SimulationResult r) throws Exception {
    Path csv = new File(java.net.URI.create(r.outputUri())).toPath().resolve("metrics.csv");
    return Arrays.asList(Files.readAllLines(csv).get(0).split(","));
  }

  @Test
  void everyPeerRunsLearnsAndReportsItsOwnColumns() throws Exception {
    Map<String, List<String>> columns = Map.of(
        "ditto", List.of("server_lr", "ditto_distance"),
        "fedrep", List.of("server_lr", "head_train_loss"),
        "fedper", List.of("server_lr"),
        "apfl", List.of("server_lr", "apfl_alpha"));
    // values a participant holds: its state between rounds plus the shared values it receives
    Map<String, Double> held = Map.of("ditto", 2.0 * PARAMS, "fedrep", (double) PARAMS, "fedper", (double) PARAMS,
        "apfl", 2.0 * PARAMS + 1);
    for (String alg : List.of("ditto", "fedrep", "fedper", "apfl")) {
      SimulationResult r = run("algorithm.name=" + alg);
      assertEquals(RunStatus.COMPLETED, r.status(), alg);
      RoundMetrics last = r.last();
      assertTrue(last.personalizedAccMean() > 0.35, alg + " personalized accuracy " + last.personalizedAccMean());
      List<String> h = header(r);
      for (String c : columns.get(alg)) {
        assertTrue(h.contains(c), alg + " writes " + c + ": " + h);
        assertTrue(Double.isFinite(last.extra().get(c)), alg + " " + c + " = " + last.extra().get(c));
      }
      assertEquals(held.get(alg), summary(r).get("run").get("params_per_client").asDouble(), 0.0, alg);
      boolean personalHead = alg.equals("fedrep") || alg.equals("fedper");
      assertEquals(personalHead, Double.isNaN(last.globalAcc()), alg + ": a global model exists unless the head is personal");
      if (personalHead) {
        // only the body travels: 6 uploads of (W1, b1) deltas and 6 downloads of them, 8 bytes a value
        long body = PARAMS - HEAD;
        assertTrue(last.uplinkBytes() >= 6 * 8 * body && last.uplinkBytes() < 6 * 8 * (body + 16), alg + " " + last.uplinkBytes());
      }
    }
    double alpha = run("algorithm.name=apfl", "apfl.adaptive-alpha=false").last().extra().get("apfl_alpha");
    assertEquals(0.25, alpha, 0.0, "a fixed mixing weight stays at apfl.alpha");
  }

  @Test
  void metricsAreIdenticalWhateverThePartitioning() {
    for (String alg : List.of("ditto", "fedrep", "apfl")) {
      assertEquals(SimulationTest.comparable(run("algorithm.name=" + alg, "spark.partitions=1")),
          SimulationTest.comparable(run("algorithm.name=" + alg, "spark.partitions=5", "run.checkpoint-every=3")), alg);
    }
  }

  @Test
  void additiveBlocksAndMomentumAndSchedulesRun() {
    SimulationResult r = run("algorithm.name=fedavg", "model.blocks=additive head", "train.momentum=0.5",
        "train.lr-schedule=cosine", "train.lr-min=0.01", "server.lr=0.8", "server.lr-warmup=2");
    assertEquals(RunStatus.COMPLETED, r.status());
    assertTrue(Double.isNaN(r.last().globalAcc()), "personal parts: no single global model");
    assertTrue(r.last().personalizedAccMean() > 0.35, "personalized accuracy " + r.last().personalizedAccMean());
    assertEquals(0.8, r.last().extra().get("server_lr"), 0.0);
  }

}
