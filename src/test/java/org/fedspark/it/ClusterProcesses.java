package org.fedspark.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Child JVMs and processes of an integration test (Spark masters, workers, spark-submit, bin/fedspark),
 * each with its output in a log file, all ended by {@link #close()} (with their descendants, e.g. the
 * executors a worker started) whether the test passed or not.
 *
 * <p>The Spark home is the one the {@code integration} profile assembles from Maven's jars
 * ({@code target/spark-home}, system property {@code fedspark.it.sparkHome}); every process runs with
 * {@code SPARK_HOME}, {@code SPARK_SCALA_VERSION=2.13} (without it a worker cannot build an executor's
 * class path) and {@code SPARK_LOCAL_IP=127.0.0.1}, so that nothing listens beyond the loopback interface.
 */
public final class ClusterProcesses implements AutoCloseable {
  private final Path logs;
  private final List<Process> started = new ArrayList<>();

  /** @param logs directory for the processes' output files */
  public ClusterProcesses(Path logs) throws IOException {
    this.logs = Files.createDirectories(logs);
  }

  public static Path sparkHome() {
    return Path.of(required("fedspark.it.sparkHome"));
  }

  /** fedspark's {@code -all} jar, as users submit it. */
  public static Path fedsparkJar() {
    return Path.of(required("fedspark.it.jar"));
  }

  /** The checkout (failsafe runs in it). */
  public static Path baseDir() {
    return Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
  }

  private static String required(String key) {
    String v = System.getProperty(key);
    if (v == null) {
      throw new IllegalStateException("system property " + key + " is not set: run the integration tests with"
          + " bin/test-integration (mvn -Pintegration verify)");
    }
    return v;
  }

  /** A TCP port free on the loopback interface now. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The environment every child gets (see the class comment). */
  public static Map<String, String> sparkEnv() {
    return Map.of("SPARK_HOME", sparkHome().toString(), "SPARK_SCALA_VERSION", "2.13",
        "SPARK_LOCAL_IP", "127.0.0.1", "SPARK_LOCAL_HOSTNAME", "127.0.0.1", "OPENBLAS_NUM_THREADS", "1");
  }

  /**
   * Starts {@code java -Xmx<heap> @bin/jvm.options -cp SPARK_HOME/jars/* mainClass args}; output (stdout and
   * stderr merged) goes to {@code <name>.log}.
   */
  public Process java(String name, String heap, String mainClass, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heap, "@" + baseDir().resolve("bin/jvm.options"), "-cp", sparkHome().resolve("jars") + "/*", mainClass));
    cmd.addAll(args);
    return start(name, cmd, Map.of());
  }

  /** Starts any command with {@link #sparkEnv()} plus {@code env}, in the checkout, output to {@code <name>.log}. */
  public Process start(String name, List<String> cmd, Map<String, String> env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(baseDir().toFile()).redirectErrorStream(true)
        .redirectOutput(log(name).toFile());
    pb.environment().putAll(sparkEnv());
    pb.environment().putAll(env);
    Process p = pb.start();
    started.add(p);
    return p;
  }

  public Path log(String name) {
    return logs.resolve(name + ".log");
  }

  public String read(String name) throws IOException {
    return Files.exists(log(name)) ? Files.readString(log(name)) : "";
  }

  /**
   * Waits until {@code <name>.log} matches {@code pattern}; fails (with the log's end) if the process ends or
   * the time runs out first. Returns the match.
   */
  public Matcher await(String name, Process p, String pattern, Duration timeout) throws IOException, InterruptedException {
    Pattern re = Pattern.compile(pattern);
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      Matcher m = re.matcher(read(name));
      if (m.find()) {
        return m;
      }
      if (!p.isAlive()) {
        throw new AssertionError(name + " ended (exit " + p.exitValue() + ") before printing /" + pattern + "/:\n" + tail(name));
      }
      Thread.sleep(200);
    }
    throw new AssertionError(name + " did not print /" + pattern + "/ within " + timeout + ":\n" + tail(name));
  }

  /** The last 60 lines of a log, for failure messages. */
  public String tail(String name) throws IOException {
    List<String> lines = read(name).lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  /** Waits for the exit code; fails with the log's end after {@code timeout}. */
  public int waitFor(String name, Process p, Duration timeout) throws IOException, InterruptedException {
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " did not finish within " + timeout + ":\n" + tail(name));
    }
    return p.exitValue();
  }

  /** The running descendants of {@code p} whose command line contains {@code text}. */
  public static List<ProcessHandle> descendants(Process p, String text) {
    return p.descendants().filter(h -> h.isAlive()
        && h.info().commandLine().map(c -> c.contains(text)).orElse(false)).toList();
  }

  /** Ends every process started here and everything they started (SIGKILL), newest first. */
  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      Process p = started.get(i);
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    for (Process p : started) {
      try {
        p.waitFor(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Bounded wait helper for conditions that are not log lines. */
  public static boolean eventually(Duration timeout, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(200);
    }
    return condition.getAsBoolean();
  }
}
