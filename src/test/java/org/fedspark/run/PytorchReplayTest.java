package org.fedspark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fedspark.config.ConfigException;
import org.fedspark.config.FedConfig;
import org.fedspark.report.OutputDir;
import org.fedspark.testing.LocalSparkTest;
import org.fedspark.testing.RealDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported workload replayed by {@code bench/pytorch_fedavg.py} (PyTorch, an implementation that
 * shares no code with fedspark) gives fedspark's accuracies and losses at every evaluated round.
 */
class PytorchReplayTest extends LocalSparkTest {
  static final String PYTHON = "/usr/bin/python3";

  @TempDir
  Path tmp;

  /** Small Synthetic(0.5, 0.5) federation: 12 devices, 20 features, 5 classes; 2 epochs with momentum, weight decay and a decaying step. */
  private static final String SMALL = String.join("\n",
      "run { name = replay, seed = 11, rounds = 9, eval-every = 4, progress = off }",
      "data { source = synthetic, test-fraction = 0.25, synthetic { alpha = 0.5, beta = 0.5, clients = 12, features = 20, classes = 5 } }",
      "model { type = softmax, weight-decay = 0.001 }",
      "server.lr = 0.9",
      "train { client-fraction = 0.5, local-epochs = 2, batch-size = 7, lr = 0.05, lr-schedule = exponential, lr-decay = 0.95, momentum = 0.5 }");

  /** Skips without torch, unless CI or bin/test (FEDSPARK_REQUIRE_DATASETS=1) says it must be there. */
  static void assumeTorch() {
    try {
      PytorchComparison.checkTorch(PYTHON);
    } catch (ConfigException e) {
      if ("1".equals(System.getenv(RealDatasets.REQUIRE)) || System.getenv("CI") != null) {
        fail(e.getMessage());
      }
      abort(e.getMessage());
    }
  }

  @Test
  void pytorchReplaysTheRunToTheLastDigit() throws Exception {
    assumeTorch();
    FedConfig cfg = FedConfig.parse(SMALL, "test", List.of());
    OutputDir runDir = new OutputDir(tmp.resolve("run").toString(), spark.sparkContext().hadoopConfiguration());
    SimulationResult run = new Simulation(sc, cfg, runDir, System.out).run();
    assertEquals(RunStatus.COMPLETED, run.status());
    Path workload = tmp.resolve("workload");
    WorkloadExport.write(sc, cfg, new OutputDir(workload.toString(), spark.sparkContext().hadoopConfiguration()));

    JsonNode result = runScript(workload);
    List<Map<String, Double>> fed = PytorchComparison.columns(run.metrics());
    List<Map<String, Double>> torch = PytorchComparison.pytorchMetrics(result);
    assertEquals(List.of(4.0, 8.0, 9.0), torch.stream().map(m -> m.get("round")).toList());
    assertNull(PytorchComparison.firstMismatch(fed, torch, PytorchComparison.TOLERANCE));
    // the accuracies are counts over the same rows: equal exactly, not only to 1e-6
    for (int i = 0; i < fed.size(); i++) {
      assertEquals(fed.get(i).get("personalized_acc_weighted"), torch.get(i).get("personalized_acc_weighted"));
      assertEquals(fed.get(i).get("personalized_acc_mean"), torch.get(i).get("personalized_acc_mean"), 1e-15);
      assertEquals(fed.get(i).get("personalized_loss"), torch.get(i).get("personalized_loss"),
          1e-9 * fed.get(i).get("personalized_loss"));
    }
    assertTrue(fed.get(2).get("personalized_acc_weighted") > 0.4, "the run learned something (5 classes)");
    assertTrue(result.path("loop_seconds").asDouble() > 0 && result.path("peak_rss_bytes").asLong() > 1 << 20);

    // the check can fail: a changed step size changes the replay's accuracies
    String manifest = Files.readString(workload.resolve("manifest.json"));
    Files.writeString(workload.resolve("manifest.json"), manifest.replace("\"momentum\" : 0.5", "\"momentum\" : 0.0"));
    List<Map<String, Double>> other = PytorchComparison.pytorchMetrics(runScript(workload));
    String mismatch = PytorchComparison.firstMismatch(fed, other, PytorchComparison.TOLERANCE);
    assertNotNull(mismatch);
    assertTrue(mismatch.startsWith("round 4, "), mismatch);
  }

  @Test
  void firstMismatchNamesTheRoundAndColumn() {
    List<Map<String, Double>> a = rows(0.5, 0.6);
    assertNull(PytorchComparison.firstMismatch(a, rows(0.5 + 4e-7, 0.6), 1e-6));
    String m = PytorchComparison.firstMismatch(a, rows(0.5, 0.6 + 3e-6), 1e-6);
    assertTrue(m != null && m.startsWith("round 20, personalized_acc_mean: fedspark 0.6, PyTorch 0.600003"), m);
    List<Map<String, Double>> shorter = new ArrayList<>(rows(0.5, 0.6).subList(0, 1));
    assertTrue(PytorchComparison.firstMismatch(a, shorter, 1e-6).startsWith("evaluated rounds differ"));
  }

  @Test
  void childrenGetTheUsersEnvironmentNotTheLaunchersDefaults() {
    Map<String, String> env = new HashMap<>(Map.of("MALLOC_ARENA_MAX", "2", "FEDSPARK_LAUNCHER_DEFAULTS", " MALLOC_ARENA_MAX ",
        "OPENBLAS_NUM_THREADS", "1", "PATH", "/usr/bin"));
    PytorchComparison.Child.withoutLauncherDefaults(env);
    assertEquals(Map.of("OPENBLAS_NUM_THREADS", "1", "PATH", "/usr/bin"), env, "only what the launcher defaulted goes");
    Map<String, String> users = new HashMap<>(Map.of("MALLOC_ARENA_MAX", "4", "PATH", "/usr/bin"));
    PytorchComparison.Child.withoutLauncherDefaults(users);
    assertEquals(Map.of("MALLOC_ARENA_MAX", "4", "PATH", "/usr/bin"), users, "a value the user set stays");
  }

  @Test
  void runsAreComparedPairByPair() {
    // fedspark 6, 7, 9, 6.5 s against PyTorch 5, 8, 6, 6.5 s: ratios 1.2, 0.875, 1.5, 1.0.
    List<Map<String, Object>> fed = walls(6, 7, 9, 6.5);
    List<Map<String, Object>> torch = walls(5, 8, 6, 6.5);
    Map<String, Object> p = PytorchComparison.pairs(fed, torch, "wall_seconds");
    assertEquals(List.of(1.2, 0.875, 1.5, 1.0), p.get("ratios"));
    assertEquals(1.1, (Double) p.get("median_ratio"), 1e-15, "(1.0 + 1.2) / 2");
    assertEquals(0.875, p.get("min_ratio"));
    assertEquals(1.5, p.get("max_ratio"));
    assertEquals(1, p.get("fedspark_faster"), "a tie is not faster");
    assertEquals(4, p.get("pairs"));
    // The ratio of the medians (6.75 / 6.25 = 1.08) is another figure: the pairs come from shared moments.
    assertEquals(6.75 / 6.25, PytorchComparison.median(fed, "wall_seconds") / PytorchComparison.median(torch, "wall_seconds"), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> PytorchComparison.pairs(fed, walls(5), "wall_seconds"));
  }

  private static List<Map<String, Object>> walls(double... seconds) {
    List<Map<String, Object>> runs = new ArrayList<>();
    for (double s : seconds) {
      runs.add(Map.of("wall_seconds", s));
    }
    return runs;
  }

  private static List<Map<String, Double>> rows(double acc10, double acc20) {
    List<Map<String, Double>> rows = new ArrayList<>();
    for (double[] r : new double[][] {{10, acc10}, {20, acc20}}) {
      Map<String, Double> m = new HashMap<>();
      m.put("round", r[0]);
      for (String c : PytorchComparison.COLUMNS) {
        m.put(c, c.endsWith("_loss") ? 1.0 : r[1]);
      }
      rows.add(m);
    }
    return rows;
  }

  @Test
  void aPythonWithoutTorchIsRefusedInOneLine() throws Exception {
    Path fake = tmp.resolve("python-without-torch");
    Files.writeString(fake, "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'torch'\" >&2\nexit 1\n");
    assertTrue(fake.toFile().setExecutable(true));
    ConfigException e = assertThrows(ConfigException.class, () -> PytorchComparison.checkTorch(fake.toString()));
    assertEquals("the PyTorch comparison needs torch, and " + fake + " cannot import it (ModuleNotFoundError: No module "
        + "named 'torch'); install Debian's python3-torch (bin/setup does: apt-get install python3-torch) or give "
        + "--python an interpreter that has torch and numpy", e.getMessage());
    ConfigException missing = assertThrows(ConfigException.class,
        () -> PytorchComparison.checkTorch(tmp.resolve("no-such-python").toString()));
    assertTrue(missing.getMessage().contains("cannot import it (Cannot run program"), missing.getMessage());
  }

  @Test
  void onlyPlainFedAvgWithSoftmaxCanBeExported() {
    for (String[] bad : new String[][] {{"algorithm.name=fedprox", "algorithm.name"}, {"model.type=mlp", "model.type"},
        {"codec.uplink=float32", "codec.uplink"}, {"server.optimizer=adam", "server.optimizer"},
        {"stragglers.fraction=0.2", "stragglers.fraction"}}) {
      FedConfig cfg = FedConfig.parse(SMALL, "test", List.of(bad[0]));
      ConfigException e = assertThrows(ConfigException.class, () -> WorkloadExport.checkSupported(cfg));
      assertTrue(e.getMessage().startsWith("key '" + bad[1] + "'"), e.getMessage());
    }
  }

  private static JsonNode runScript(Path workload) throws Exception {
    Path out = workload.resolveSibling("result-" + System.nanoTime() + ".json");
    Process p = new ProcessBuilder(PYTHON, Path.of("bench/pytorch_fedavg.py").toAbsolutePath().toString(),
        workload.toString(), "--out", out.toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the script did not finish");
    assertEquals(0, p.exitValue(), output);
    return new ObjectMapper().readTree(out.toFile());
  }
}
