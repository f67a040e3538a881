package org.fedspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.fedspark.testing.FedSparkProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The faults only a separate process shows, through {@code bin/fedspark} or the real entry point: the
 * table of bad inputs (exit codes, and no stack trace on stderr), a full disk (a small tmpfs), Ctrl-C and
 * SIGTERM, and where the Spark UI listens. Mounting needs root, which the test machines and CI have;
 * under CI the mounts must work (the test fails rather than skips).
 */
class FaultsTest {
  @TempDir
  static Path tmp;

  private static Path small;
  private static boolean mounted;

  @BeforeAll
  static void mountSmallDisk() throws Exception {
    small = Files.createDirectories(tmp.resolve("small-disk"));
    mounted = run("mount", "-t", "tmpfs", "-o", "size=32k", "tmpfs", small.toString()) == 0;
    if (!mounted && System.getenv("CI") != null) {
      throw new AssertionError("cannot mount a tmpfs (root needed) for the disk-full test");
    }
  }

  @AfterAll
  static void unmount() throws Exception {
    if (mounted) {
      run("umount", small.toString());
    }
  }

  private static int run(String... cmd) throws IOException, InterruptedException {
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
  }

  private static void assertNoStackTrace(String stderr) {
    assertFalse(stderr.contains("\tat ") || stderr.contains("Exception in thread"), "a stack trace on stderr:\n" + stderr);
  }

  /** stderr without the JVM's own notice about the incubating Vector API module. */
  private static List<String> ownLines(String stderr) {
    return stderr.lines().filter(l -> !l.isBlank() && !l.startsWith("WARNING: Using incubator modules")).toList();
  }

  /**
   * Every row of the troubleshooting table, in one child JVM with a 512 MB heap: the documented exit code,
   * the message, no stack trace on stderr, and (for what is found before Spark starts) no output
   * directory made.
   */
  @Test
  void everyBadInputGivesItsCodeAndOneLineWithoutAStackTrace() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("table"));
    List<BadInputs.Case> cases = BadInputs.cases(dir);
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "@" + Path.of("bin/jvm.options").toAbsolutePath(), "-cp", System.getProperty("java.class.path"),
        BadInputs.class.getName(), dir.toString(), Path.of("conf/quickstart.conf").toAbsolutePath().toString()));
    FedSparkProcess p = FedSparkProcess.startCommand(dir, Map.of(), cmd);
    assertEquals(0, p.waitFor(600), p.stderr());
    String stdout = p.stdout();
    String stderr = p.stderr();
    assertNoStackTrace(stderr);
    String[] perCase = stderr.split("(?m)^CASE \\d+\\R");
    assertEquals(cases.size() + 1, perCase.length, stderr);
    for (int i = 0; i < cases.size(); i++) {
      BadInputs.Case c = cases.get(i);
      assertTrue(stdout.contains("CASE " + i + " " + c.code() + "\n"), c.name() + ": expected exit " + c.code() + "\n" + stdout);
      List<String> errors = perCase[i + 1].lines().filter(l -> l.startsWith("error: ")).toList();
      assertEquals(1, errors.size(), c.name() + ":\n" + perCase[i + 1]);
      assertTrue(errors.get(0).contains(c.message()), c.name() + ": " + errors.get(0));
      if (c.untouched() != null) {
        assertFalse(Files.exists(Path.of(c.untouched())), c.name() + ": the output directory was made");
      }
    }
  }

  /** Issue 11, item 3: a full disk is recorded as failed, "disk full", with no temporary file left. */
  @Test
  void fullDiskIsRecordedAndCleanedUp() throws Exception {
    if (!mounted) {
      org.junit.jupiter.api.Assumptions.abort("no tmpfs (not root)");
    }
    Path out = small.resolve("run");
    FedSparkProcess p = FedSparkProcess.start(tmp, Map.of(), "run", "conf/quickstart.conf".replace("conf/",
        Path.of("conf").toAbsolutePath() + "/"), "--set", "run.rounds=20", "--set", "run.eval-every=1", "--out", out.toString());
    int code = p.waitFor(600);
    String stderr = p.stderr();
    assertEquals(ExitCode.DISK_FULL.code(), code, stderr);
    assertNoStackTrace(stderr);
    assertTrue(ownLines(stderr).stream().anyMatch(l -> l.startsWith("error: disk full")), stderr);
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals("failed", summary.get("status").asText(), summary.toString());
    assertTrue(summary.get("message").asText().startsWith("disk full"), summary.toString());
    try (Stream<Path> files = Files.list(out)) {
      List<String> temps = files.map(f -> f.getFileName().toString()).filter(n -> n.contains(".tmp-")).toList();
      assertEquals(List.of(), temps);
    }
  }

  /**
   * Issue 11, items 4 and 10: SIGTERM stops the run at its last complete round with status interrupted,
   * the report written, no temporary file, one line and exit 143; the Spark UI, turned on, listened on
   * the loopback interface only.
   */
  @Test
  void sigtermStopsCleanlyAndTheUiListensOnLoopback() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path out = tmp.resolve("term");
    FedSparkProcess p = FedSparkProcess.start(tmp, Map.of(), "run", Path.of("conf/quickstart.conf").toAbsolutePath().toString(),
        "--set", "run.rounds=100000", "--set", "run.eval-every=2", "--set", "spark.ui=true",
        "--set", "spark.conf.spark.ui.port=" + port, "--out", out.toString());
    waitForMetrics(p, out);
    List<String> listening = listeners(port);
    assertFalse(listening.isEmpty(), "nothing listens on the UI port " + port);
    assertEquals(List.of("127.0.0.1"), listening.stream().distinct().toList());
    p.signal("TERM");
    assertInterrupted(p, out, 143, "SIGTERM");
  }

  /** Issue 11, item 4: Ctrl-C (SIGINT) likewise, with exit code 130. */
  @Test
  void ctrlCStopsCleanly() throws Exception {
    Path out = tmp.resolve("int");
    FedSparkProcess p = FedSparkProcess.start(tmp, Map.of(), "run", Path.of("conf/quickstart.conf").toAbsolutePath().toString(),
        "--set", "run.rounds=100000", "--set", "run.eval-every=2", "--out", out.toString());
    waitForMetrics(p, out);
    p.signal("INT");
    assertInterrupted(p, out, 130, "SIGINT");
  }

  private static void waitForMetrics(FedSparkProcess p, Path out) throws Exception {
    for (int i = 0; i < 1200 && !Files.exists(out.resolve("metrics.csv")); i++) {
      assertTrue(p.alive(), "fedspark ended early: " + p.stderr());
      Thread.sleep(250);
    }
    assertTrue(Files.exists(out.resolve("metrics.csv")), "no metrics after 5 minutes: " + p.stderr());
  }

  private static void assertInterrupted(FedSparkProcess p, Path out, int code, String signal) throws Exception {
    assertEquals(code, p.waitFor(300), p.stderr());
    String stderr = p.stderr();
    assertNoStackTrace(stderr);
    assertEquals(1, ownLines(stderr).size(), stderr);
    assertTrue(ownLines(stderr).get(0).startsWith("fedspark: interrupted by " + signal + " after round "), stderr);
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals("interrupted", summary.get("status").asText(), summary.toString());
    assertTrue(summary.get("rounds_completed").asInt() >= 2, summary.toString());
    assertFalse(summary.get("message").asText().contains("SparkContext"), summary.toString());
    for (String f : List.of("report.html", "accuracy.png", "loss.png", "metrics.csv", "config.conf")) {
      assertTrue(Files.exists(out.resolve(f)), f);
    }
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(List.of(), files.map(f -> f.getFileName().toString()).filter(n -> n.contains(".tmp-")).toList());
    }
  }

  /** Local addresses of the sockets listening on {@code port}, from /proc/net/tcp and tcp6. */
  private static List<String> listeners(int port) throws IOException {
    List<String> out = new ArrayList<>();
    String hexPort = String.format(Locale.ROOT, "%04X", port);
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      for (String line : Files.readAllLines(Path.of(table))) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 3 && f[1].endsWith(":" + hexPort) && f[3].equals("0A")) {
          String addr = f[1].substring(0, f[1].indexOf(':'));
          out.add(switch (addr) {
            case "0100007F", "0000000000000000FFFF00000100007F" -> "127.0.0.1";
            case "00000000000000000000000001000000" -> "::1";
            default -> addr;
          });
        }
      }
    }
    return out;
  }

  /** Issue 11, item 6: a read-only --out (a read-only mount: root may write anywhere else) is exit 2, one line. */
  @Test
  void readOnlyOutputDirectoryIsRefusedBeforeSparkStarts() throws Exception {
    Path ro = Files.createDirectories(tmp.resolve("read-only"));
    boolean ok = run("mount", "-t", "tmpfs", "-o", "ro,size=16k", "tmpfs", ro.toString()) == 0;
    if (!ok && System.getenv("CI") != null) {
      throw new AssertionError("cannot mount a read-only tmpfs");
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(ok, "no tmpfs (not root)");
    try {
      java.io.StringWriter err = new java.io.StringWriter();
      int code = FedSparkCli.execute(new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err),
          "run", "conf/quickstart.conf", "--out", ro.resolve("run").toString());
      assertEquals(2, code, err.toString());
      assertTrue(err.toString().startsWith("error: cannot write to output directory " + ro.resolve("run")), err.toString());
      assertEquals(1, err.toString().lines().count(), err.toString());
    } finally {
      run("umount", ro.toString());
    }
  }

  /** FEDSPARK_MEMORY that is not a heap size: exit 2 and one line from the launcher, before any JVM. */
  @Test
  void badMemorySettingIsOneLine() throws Exception {
    FedSparkProcess p = FedSparkProcess.start(tmp, Map.of("FEDSPARK_MEMORY", "lots"), "keys");
    assertEquals(2, p.waitFor(60));
    assertEquals(List.of("error: FEDSPARK_MEMORY='lots' is not a heap size; use a number with k, m, g or t, e.g."
        + " FEDSPARK_MEMORY=8g"), ownLines(p.stderr()));
  }
}
