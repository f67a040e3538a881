package org.fedspark.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.fedspark.config.ConfigException;
import org.fedspark.config.FedConfig;
import org.fedspark.report.OutputDir;
import org.fedspark.report.RoundMetrics;
import org.fedspark.testing.LocalSparkTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end runs of the engine on a small synthetic federation in local Spark. */
class SimulationTest extends LocalSparkTest {
  @TempDir
  Path tmp;

  /** Small Synthetic(1,1)-like federation: 12 devices, 20 features, 5 classes. */
  private static final String SMALL = String.join("\n",
      "run { name = t, seed = 7, rounds = 12, eval-every = 4, progress = off }",
      "data { source = synthetic, synthetic { alpha = 0.5, beta = 0.5, clients = 12, features = 20, classes = 5 } }",
      "model.type = softmax",
      "train { client-fraction = 0.5, local-epochs = 2, batch-size = 10, lr = 0.05 }");

  private SimulationResult run(String conf, String... overrides) {
    FedConfig cfg = FedConfig.parse(conf, "test", List.of(overrides));
    OutputDir out = new OutputDir(tmp.resolve("out" + System.nanoTime()).toString(), spark.sparkContext().hadoopConfiguration());
    return new Simulation(sc, cfg, out, System.out).run();
  }

  @Test
  void fedAvgLearnsWellAboveChanceAndWritesEveryOutput() throws Exception {
    SimulationResult r = run(SMALL, "algorithm.name=fedavg", "run.rounds=20");
    assertEquals(RunStatus.COMPLETED, r.status());
    assertEquals(List.of(4, 8, 12, 16, 20), r.metrics().stream().map(RoundMetrics::round).toList());
    RoundMetrics last = r.last();
    // 5 classes: chance is 0.2
    assertTrue(last.globalAcc() > 0.5, "global accuracy " + last.globalAcc());
    assertEquals(last.globalAcc(), last.personalizedAccWeighted(), 1e-12, "FedAvg's personalized model is the global one");
    assertTrue(r.metrics().get(0).trainLoss() > last.trainLoss(), "training loss goes down");
    assertEquals(6, last.clientsSampled());
    assertTrue(last.uplinkBytes() > 6L * 8 * (20 * 5 + 5), "uplink counts the encoded deltas");
    assertTrue(last.downlinkBytes() > 6L * 8 * (20 * 5 + 5));

    File dir = new File(java.net.URI.create(r.outputUri()));
    List<String> lines = Files.readAllLines(dir.toPath().resolve("metrics.csv"));
    assertEquals(6, lines.size());
    assertTrue(lines.get(0).startsWith("round,personalized_acc_mean,personalized_acc_weighted"), lines.get(0));
    for (String col : List.of("global_acc", "train_loss", "uplink_bytes", "downlink_bytes", "round_seconds")) {
      assertTrue(Arrays.asList(lines.get(0).split(",")).contains(col), col);
    }
    JsonNode s = new ObjectMapper().readTree(dir.toPath().resolve("summary.json").toFile());
    assertEquals("completed", s.get("status").asText());
    assertEquals(20, s.get("rounds_completed").asInt());
    assertEquals(last.personalizedAccMean(), s.get("last").get("personalized_acc_mean").asDouble(), 1e-15);
    assertTrue(s.get("environment").get("linear_algebra").asText().contains("BLAS"));
    for (String f : List.of("config.conf", "accuracy.png", "loss.png", "report.html")) {
      assertTrue(new File(dir, f).length() > 0, f);
    }
    String[] leftovers = dir.list((d, n) -> n.startsWith(".") || n.startsWith("_"));
    assertEquals(0, leftovers.length, Arrays.toString(leftovers));
  }

  @Test
  void metricsAreIdenticalWhateverThePartitioning() {
    for (String alg : List.of("fedprox", "local")) {
      List<Map<String, Object>> a = comparable(run(SMALL, "algorithm.name=" + alg, "spark.partitions=1"));
      List<Map<String, Object>> b = comparable(run(SMALL, "algorithm.name=" + alg, "spark.partitions=5",
          "run.checkpoint-every=2"));
      assertEquals(a, b, alg);
    }
  }

  /** The metrics without the timing columns: what must not depend on partitioning or cores. */
  static List<Map<String, Object>> comparable(SimulationResult r) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (RoundMetrics m : r.metrics()) {
      Map<String, Object> c = new java.util.LinkedHashMap<>(m.asColumns());
      c.remove("round_seconds");
      c.remove("eval_seconds");
      c.remove("elapsed_seconds");
      out.add(c);
    }
    return out;
  }

  @Test
  void localOnlySendsNothingAndFineTuningPersonalizes() {
    SimulationResult local = run(SMALL, "algorithm.name=local");
    assertEquals(0, local.last().cumUplinkBytes());
    assertEquals(0, local.last().cumDownlinkBytes());
    assertTrue(Double.isNaN(local.last().globalAcc()));
    assertTrue(local.last().personalizedAccMean() > 0.3);

    SimulationResult ft = run(SMALL, "algorithm.name=fedavg-ft");
    SimulationResult avg = run(SMALL, "algorithm.name=fedavg");
    assertEquals(avg.last().globalAcc(), ft.last().globalAcc(), 0.0, "fine-tuning does not change federated training");
    assertFalse(avg.last().personalizedAccMean() == ft.last().personalizedAccMean());
  }

  @Test
  void divergenceStopsTheRunAndKeepsWhatWasWritten() throws Exception {
    SimulationResult r = run(SMALL, "algorithm.name=fedavg", "train.lr=1e30", "run.eval-every=1");
    assertEquals(RunStatus.DIVERGED, r.status());
    assertTrue(r.message().contains("train.lr"), r.message());
    File dir = new File(java.net.URI.create(r.outputUri()));
    JsonNode s = new ObjectMapper().readTree(new File(dir, "summary.json"));
    assertEquals("diverged", s.get("status").asText());
    assertTrue(new File(dir, "config.conf").exists());
  }

  @Test
  void aTrainingLossBeyondRangeIsDivergenceEvenWithoutAGlobalModel() throws Exception {
    // local-only training uploads nothing: only the training loss can reveal the blow-up
    SimulationResult r = run(SMALL, "algorithm.name=local", "train.lr=1e300", "run.eval-every=1");
    assertEquals(RunStatus.DIVERGED, r.status());
    assertTrue(r.message().contains("training loss"), r.message());
    JsonNode s = new ObjectMapper().readTree(new File(new File(java.net.URI.create(r.outputUri())), "summary.json"));
    assertEquals("diverged", s.get("status").asText());
  }

  @Test
  void anEarlierRunsResultsAreNeverOverwrittenUnlessAskedFor() throws Exception {
    String dir = tmp.resolve("same").toString();
    FedConfig cfg = FedConfig.parse(SMALL, "test", List.of("run.rounds=2", "run.eval-every=1"));
    OutputDir out = new OutputDir(dir, spark.sparkContext().hadoopConfiguration());
    assertEquals(RunStatus.COMPLETED, new Simulation(sc, cfg, out, System.out).run().status());
    byte[] before = Files.readAllBytes(Path.of(dir, "metrics.csv"));
    ConfigException e = assertThrows(ConfigException.class, () -> new Simulation(sc, cfg, out, System.out).run());
    assertTrue(e.getMessage().contains("--overwrite"), e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(Path.of(dir, "metrics.csv")), "the refused run touched nothing");
    SimulationResult again = new Simulation(sc, cfg.with(List.of("run.overwrite=true", "run.rounds=1")), out, System.out).run();
    assertEquals(RunStatus.COMPLETED, again.status());
    assertEquals(2, Files.readAllLines(Path.of(dir, "metrics.csv")).size(), "header and round 1 of the new run");
    String conf = Files.readString(Path.of(dir, "config.conf"));
    assertTrue(conf.contains("run.out = \"" + out.uri() + "\""), "config.conf records where the run wrote");
  }
}
