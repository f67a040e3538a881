package org.fedspark.run;

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
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fedspark.config.ConfigException;
import org.fedspark.config.FedConfig;
import org.fedspark.report.OutputDir;
import org.fedspark.testing.LocalSparkTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fedspark resume}: a run killed mid-way and resumed has, round for round, the metrics of the
 * run that was never interrupted (every column but the wall-clock ones), for stateless and stateful
 * algorithms; a resume with another configuration is refused.
 */
class ResumeTest extends LocalSparkTest {
  @TempDir
  Path tmp;

  /** 12 devices, 20 features, 5 classes, a 16-unit MLP. */
  private static final String SMALL = String.join("\n",
      "run { name = t, seed = 7, rounds = 16, eval-every = 4, progress = off, resume-every = 4, checkpoint-every = 3 }",
      "data { source = synthetic, synthetic { alpha = 0.5, beta = 0.5, clients = 12, features = 20, classes = 5 } }",
      "model { type = mlp, hidden = 16 }",
      "train { client-fraction = 0.5, local-epochs = 2, batch-size = 10, lr = 0.05 }");

  /** Columns that measure wall-clock time: the only ones a resumed run may differ in. */
  private static final List<String> TIMES = List.of("round_seconds", "eval_seconds", "elapsed_seconds");

  private OutputDir dir(String name) {
    return new OutputDir(tmp.resolve(name).toString(), spark.sparkContext().hadoopConfiguration());
  }

  private SimulationResult run(OutputDir out, String... overrides) {
    return new Simulation(sc, FedConfig.parse(SMALL, "test", List.of(overrides)), out, System.out).run();
  }

  /** metrics.csv without the wall-clock columns. */
  private static List<String> comparable(OutputDir out) throws Exception {
    List<String> lines = Files.readAllLines(new File(java.net.URI.create(out.uri())).toPath().resolve("metrics.csv"));
    String[] header = lines.get(0).split(",");
    List<String> rows = new ArrayList<>();
    for (String line : lines) {
      String[] cells = line.split(",", -1);
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < header.length; i++) {
        if (!TIMES.contains(header[i])) {
          b.append(header[i]).append('=').append(cells[i]).append(' ');
        }
      }
      rows.add(b.toString());
    }
    return rows;
  }

  private static JsonNode summary(OutputDir out) throws Exception {
    return new ObjectMapper().readTree(new File(java.net.URI.create(out.uri())).toPath().resolve("summary.json").toFile());
  }

  /**
   * Runs the CLI in a child JVM and kills it with SIGKILL as soon as its first resume point is
   * complete: what a preempted node or an out-of-memory killer does.
   */
  private OutputDir killMidway(String name, String... sets) throws Exception {
    Path conf = tmp.resolve(name + ".conf");
    Files.writeString(conf, SMALL);
    OutputDir out = dir(name);
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "@" + Path.of("bin", "jvm.options").toAbsolutePath(), "-cp", System.getProperty("java.class.path"),
        "org.fedspark.cli.FedSparkCli", "run", conf.toString(), "--out", out.uri(), "--set", "spark.master=local[2]",
        "--set", "run.rounds=400"));
    for (String s : sets) {
      cmd.add("--set");
      cmd.add(s);
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(tmp.resolve(name + ".log").toFile()).start();
    Path firstPoint = new File(java.net.URI.create(out.uri())).toPath().resolve("_resume/round-000004/_COMPLETE");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (!Files.exists(firstPoint) && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(p.isAlive(), "the child ended before its first resume point: " + Files.readString(tmp.resolve(name + ".log")));
    p.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no final summary
    assertEquals("running", summary(out).get("status").asText(), "a killed run's summary still says running");
    return out;
  }

  private void killResumeAndCompare(String name, String... sets) throws Exception {
    OutputDir killed = killMidway(name, sets);
    // the child ran with 400 planned rounds so that it could not finish before the kill; the resume
    // brings the plan back to the 16 of the uninterrupted run (run.rounds may change on resume)
    List<String> overrides = new ArrayList<>(List.of(sets));
    overrides.add("run.rounds=16");
    overrides.add("spark.master=local[2]");
    SimulationResult resumed = Simulation.resume(sc, killed, overrides, System.out);
    assertEquals(RunStatus.COMPLETED, resumed.status());
    int after = summary(killed).get("run").get("resumed_after_round").asInt();
    assertTrue(after >= 4 && after < 16, "resumed after round " + after);

    OutputDir straight = dir(name + "-straight");
    List<String> all = new ArrayList<>(List.of(sets));
    all.add("spark.master=local[2]");
    run(straight, all.toArray(String[]::new));
    assertEquals(comparable(straight), comparable(killed));
    assertFalse(killed.exists(ResumePoint.DIR), "a completed run keeps no resume points");
    assertTrue(killed.exists(SavedModels.DIR));
  }

  @Test
  void statelessRunKilledAndResumedEqualsUninterrupted() throws Exception {
    killResumeAndCompare("fedavg", "algorithm.name=fedavg", "server.optimizer=adam", "server.lr=0.01");
  }

  @Test
  void statefulRunKilledAndResumedEqualsUninterrupted() throws Exception {
    killResumeAndCompare("ditto", "algorithm.name=ditto");
  }

  /** In one JVM: the methods whose servers hold the most state (duals, a graph solver's warm start). */
  @Test
  void everyKindOfStateSurvivesAResume() throws Exception {
    for (String[] sets : List.of(
        new String[] {"algorithm.name=fedslr"},
        new String[] {"algorithm.name=graph-fused", "graph.k=3"},
        new String[] {"algorithm.name=fedavg", "codec.uplink=topk", "codec.topk-fraction=0.1"})) {
      String name = sets[0].substring(sets[0].indexOf('=') + 1) + sets.length;
      OutputDir killed = dir(name);
      Simulation sim = new Simulation(sc, FedConfig.parse(SMALL, "test", List.of(sets)), killed, System.out)
          .killAfterRound(10);
      assertThrows(Simulation.SimulatedKill.class, sim::run);
      assertEquals("running", summary(killed).get("status").asText());
      Simulation.resume(sc, killed, List.of(), System.out);
      assertEquals(8, summary(killed).get("run").get("resumed_after_round").asInt(), name);
      OutputDir straight = dir(name + "-straight");
      run(straight, sets);
      assertEquals(comparable(straight), comparable(killed), name);
    }
  }

  @Test
  void aResumeWithAnotherConfigurationIsRefusedNamingTheKeys() {
    OutputDir killed = dir("changed");
    Simulation sim = new Simulation(sc, FedConfig.parse(SMALL, "test", List.of("algorithm.name=fedavg")), killed,
        System.out).killAfterRound(5);
    assertThrows(Simulation.SimulatedKill.class, sim::run);
    ConfigException e = assertThrows(ConfigException.class,
        () -> Simulation.resume(sc, killed, List.of("train.lr=0.1", "train.local-epochs=3"), System.out));
    assertTrue(e.getMessage().contains("train.lr (was 0.05, now 0.1)"), e.getMessage());
    assertTrue(e.getMessage().contains("train.local-epochs (was 2, now 3)"), e.getMessage());
    // a new run into the directory is refused too, pointing at resume
    ConfigException again = assertThrows(ConfigException.class, () -> run(killed, "algorithm.name=fedavg"));
    assertTrue(again.getMessage().contains("fedspark resume"), again.getMessage());
  }

  @Test
  void aLiveRunsDirectoryIsRefusedEvenWithOverwriteAndEvenToResume() {
    OutputDir live = dir("live");
    try (org.fedspark.report.RunLock held = org.fedspark.report.RunLock.acquire(live)) {
      ConfigException e = assertThrows(ConfigException.class, () -> run(live, "run.overwrite=true"));
      assertTrue(e.getMessage().contains("is in use by another fedspark run"), e.getMessage());
      assertFalse(live.exists("config.conf"), "nothing was written");
      live.writeString("config.conf", "run.rounds = 3\n");
      assertThrows(ConfigException.class, () -> Simulation.resume(sc, live, List.of(), System.out));
    }
  }

  @Test
  void aHalfWrittenResumePointIsNeverUsed() throws Exception {
    OutputDir killed = dir("half");
    Simulation sim = new Simulation(sc, FedConfig.parse(SMALL, "test", List.of("algorithm.name=ditto")), killed,
        System.out).killAfterRound(9);
    assertThrows(Simulation.SimulatedKill.class, sim::run);
    // a kill while round 12's point was being written: files, but no _COMPLETE
    Path half = new File(java.net.URI.create(killed.uri())).toPath().resolve("_resume/round-000012");
    Files.createDirectories(half.resolve("clients"));
    Files.write(half.resolve("server.bin"), new byte[] {1, 2, 3});
    assertEquals(8, ResumePoint.latest(killed).orElseThrow().round);
    Simulation.resume(sc, killed, List.of(), System.out);
    assertEquals(8, summary(killed).get("run").get("resumed_after_round").asInt());
    assertEquals("completed", summary(killed).get("status").asText());
  }
}
