package org.fedspark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.fedspark.run.FedSpark;
import org.fedspark.run.RunStatus;
import org.fedspark.run.SparkSessions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fedspark on a real standalone cluster (a master and two one-core workers on 127.0.0.1, each a JVM, see
 * {@link StandaloneCluster}), launched the three ways the README describes: {@code spark-submit} of the
 * {@code -all} jar in client mode (with one executor killed mid-run), {@code bin/fedspark run --set
 * spark.master=spark://…}, and {@code spark-submit --deploy-mode cluster} with the config shipped by
 * {@code --files}. Each run's metrics must equal the embedded run's in every column but the wall-clock ones.
 */
class StandaloneClusterIT {
  static final String CONFIG = String.join("\n",
      "run { name = it-standalone, seed = 7, rounds = 14, eval-every = 2 }",
      "data { source = synthetic, synthetic { alpha = 1.0, beta = 1.0 }, test-fraction = 0.1 }",
      "model.type = softmax",
      "algorithm.name = fedavg",
      "train { client-fraction = 0.34, local-epochs = 2, batch-size = 10, lr = 0.01 }", "");
  static final List<String> TIMES = List.of("round_seconds", "eval_seconds", "elapsed_seconds");
  static final Duration RUN = Duration.ofMinutes(6);

  @TempDir static Path tmp;
  static ClusterProcesses procs;
  static StandaloneCluster cluster;
  static Path config;
  static List<String> embedded;

  @BeforeAll
  static void startClusterAndRunEmbedded() throws Exception {
    config = tmp.resolve("small.conf");
    Files.writeString(config, CONFIG);
    procs = new ClusterProcesses(Path.of("target", "it-logs", "standalone"));
    cluster = StandaloneCluster.start(procs, tmp, 2);
    SparkSession spark = SparkSessions.local(2);
    try {
      String out = tmp.resolve("embedded").toString();
      assertEquals(RunStatus.COMPLETED, FedSpark.run(spark, config.toString(), List.of(), out).status());
      embedded = metrics(Path.of(out));
    } finally {
      spark.stop();
    }
  }

  @AfterAll
  static void tearDown() {
    if (procs != null) {
      procs.close();
    }
  }

  /** spark-submit in client mode; one executor is killed with SIGKILL after round 4 of 14. */
  @Test
  void sparkSubmitSurvivesAKilledExecutorWithIdenticalMetrics() throws Exception {
    Path out = tmp.resolve("submitted");
    Process submit = procs.java("submit-client", "1g", "org.apache.spark.deploy.SparkSubmit", List.of(
        "--master", cluster.masterUrl, "--class", "org.fedspark.cli.FedSparkCli",
        ClusterProcesses.fedsparkJar().toString(), "run", config.toString(), "--out", out.toString()));
    procs.await("submit-client", submit, "\\b4/14 rounds", RUN);
    List<ProcessHandle> victims = cluster.executors(0);
    assertEquals(1, victims.size(), "worker 0 runs one executor");
    victims.get(0).destroyForcibly(); // SIGKILL
    assertEquals(0, procs.waitFor("submit-client", submit, RUN), procs.tail("submit-client"));

    assertEquals(embedded, metrics(out), "metrics (all but the wall-clock columns) equal the embedded run's");
    JsonNode env = summary(out).get("environment");
    assertEquals(4, env.get("partitions").asInt(), "2 × (2 workers × 1 core)");
    assertTrue(procs.read("master").contains("because it is EXITED"), "the master saw the executor die");
    // fedspark's log settings under spark-submit: once Spark's context is up, no INFO line of Spark's.
    String console = procs.read("submit-client");
    int levelSet = console.indexOf("Setting Spark log level to \"WARN\"");
    assertTrue(levelSet >= 0, "spark.log.level applied as the context started:\n" + procs.tail("submit-client"));
    List<String> infoAfter = console.substring(levelSet).lines().filter(l -> l.matches("^\\S+ \\S+ INFO .*")).toList();
    assertEquals(List.of(), infoAfter, "Spark INFO lines after start-up");
  }

  /** bin/fedspark with a standalone master ships the -all jar and waits for both executors. */
  @Test
  void binFedsparkRunsOnAStandaloneMaster() throws Exception {
    Path out = tmp.resolve("launcher");
    Path cp = tmp.resolve("classpath.txt");
    Files.copy(ClusterProcesses.baseDir().resolve("target/classpath.txt"), cp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Process p = procs.start("bin-fedspark", List.of(ClusterProcesses.baseDir().resolve("bin/fedspark").toString(), "run",
        config.toString(), "--set", "spark.master=" + cluster.masterUrl, "--out", out.toString()),
        Map.of("FEDSPARK_CP_FILE", cp.toString(), "FEDSPARK_MEMORY", "1g"));
    assertEquals(0, procs.waitFor("bin-fedspark", p, RUN), procs.tail("bin-fedspark"));
    assertEquals(embedded, metrics(out));
    JsonNode env = summary(out).get("environment");
    assertEquals(4, env.get("partitions").asInt());
    assertTrue(env.get("partitions_chosen_by").asText().contains("(2: the cores of 2 executors registered"), env.toString());
    assertEquals(List.of("0", "1"), executorIds(env));
  }

  /**
   * Cluster deploy mode: the config travels with --files and is named by its file name; the driver's state
   * (what spark-submit reports with waitAppCompletion) is FINISHED for a completed run and FAILED for a
   * failing one, whose error line is in the driver's stderr on its worker. spark-submit itself exits 0 in both
   * cases (Spark's standalone client does), which is why the README tells users to read the driver state.
   */
  @Test
  void clusterDeployModeReportsTheRunsStatus() throws Exception {
    Path out = tmp.resolve("cluster-mode");
    Path good = tmp.resolve("shipped.conf");
    Files.writeString(good, CONFIG.replace("rounds = 14", "rounds = 2"));
    Process ok = procs.java("submit-cluster-ok", "512m", "org.apache.spark.deploy.SparkSubmit", clusterMode(good, out));
    assertEquals(0, procs.waitFor("submit-cluster-ok", ok, RUN));
    assertTrue(procs.read("submit-cluster-ok").matches("(?s).*State of driver driver-\\S+ is FINISHED.*"),
        procs.tail("submit-cluster-ok"));
    assertEquals("completed", summary(out).get("status").asText());

    Path bad = tmp.resolve("typo.conf");
    Files.writeString(bad, CONFIG + "train.lrr = 0.1\n");
    Process failing = procs.java("submit-cluster-bad", "512m", "org.apache.spark.deploy.SparkSubmit",
        clusterMode(bad, tmp.resolve("cluster-mode-bad")));
    assertEquals(0, procs.waitFor("submit-cluster-bad", failing, RUN));
    Matcher m = java.util.regex.Pattern.compile("State of driver (driver-\\S+) is (\\w+)").matcher(procs.read("submit-cluster-bad"));
    assertTrue(m.find() && m.group(2).equals("FAILED"), procs.tail("submit-cluster-bad"));
    String driverErr = driverStderr(m.group(1));
    assertTrue(driverErr.contains("error: unknown key 'train.lrr'"), driverErr);
  }

  private static List<String> clusterMode(Path conf, Path out) {
    return List.of("--master", cluster.masterUrl, "--deploy-mode", "cluster",
        "--conf", "spark.standalone.submit.waitAppCompletion=true", "--files", conf.toString(),
        "--class", "org.fedspark.cli.FedSparkCli", ClusterProcesses.fedsparkJar().toString(),
        "run", conf.getFileName().toString(), "--out", out.toString());
  }

  /** The driver's stderr on its worker, once it holds fedspark's error line (the worker copies it there asynchronously). */
  private static String driverStderr(String driverId) throws IOException, InterruptedException {
    String[] text = {""};
    ClusterProcesses.eventually(Duration.ofSeconds(60), () -> {
      for (Path work : cluster.workDirs) {
        Path err = work.resolve(driverId).resolve("stderr");
        try {
          text[0] = Files.exists(err) ? Files.readString(err) : text[0];
        } catch (IOException e) {
          return false;
        }
      }
      return text[0].contains("error: ");
    });
    return text[0];
  }

  /** metrics.csv without the wall-clock columns, one string per row. */
  static List<String> metrics(Path run) throws IOException {
    List<String> lines = Files.readAllLines(run.resolve("metrics.csv"));
    List<String> header = List.of(lines.get(0).split(",", -1));
    List<String> rows = new ArrayList<>();
    for (String line : lines) {
      String[] cells = line.split(",", -1);
      StringBuilder kept = new StringBuilder();
      for (int i = 0; i < cells.length; i++) {
        if (!TIMES.contains(header.get(i))) {
          kept.append(cells[i]).append(',');
        }
      }
      rows.add(kept.toString());
    }
    assertTrue(rows.size() > 1 && header.containsAll(TIMES), "metrics.csv has rows and the timing columns");
    return rows;
  }

  static JsonNode summary(Path run) throws IOException {
    return new ObjectMapper().readTree(run.resolve("summary.json").toFile());
  }

  static List<String> executorIds(JsonNode env) {
    List<String> ids = new ArrayList<>();
    env.get("linear_algebra_executors").fields().forEachRemaining(e -> e.getValue().forEach(id -> ids.add(id.asText())));
    return Stream.of(ids.toArray(String[]::new)).sorted().toList();
  }
}
