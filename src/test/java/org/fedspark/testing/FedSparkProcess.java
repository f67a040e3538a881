package org.fedspark.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@code bin/fedspark} (the launcher users run) as a child process, on the test's own class path
 * (passed as {@code FEDSPARK_CP_FILE}, so the launcher starts no build), with stdout and stderr
 * captured to files. For what only a separate JVM can show: signals, a small heap, the exact stderr.
 */
public final class FedSparkProcess {
  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private FedSparkProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** The test JVM's class path, written to a file in {@code dir}. */
  public static Path classPathFile(Path dir) throws IOException {
    Path cp = dir.resolve("classpath.txt");
    Files.writeString(cp, System.getProperty("java.class.path"));
    return cp;
  }

  /** {@code bin/fedspark ARGS} in {@code dir} with extra environment {@code env}. */
  public static FedSparkProcess start(Path dir, Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(new File("bin/fedspark").getAbsolutePath());
    cmd.addAll(List.of(args));
    return startCommand(dir, env, cmd);
  }

  /** Any command (e.g. {@code java ... SomeMain}) with the same capture. */
  public static FedSparkProcess startCommand(Path dir, Map<String, String> env, List<String> cmd) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().put("FEDSPARK_CP_FILE", classPathFile(dir).toString());
    pb.environment().remove("SPARK_LOCAL_IP");
    pb.environment().remove("FEDSPARK_MEMORY");
    pb.environment().put("FEDSPARK_MEMORY", "1g");
    pb.environment().putAll(env);
    Path out = Files.createTempFile(dir, "stdout", ".txt");
    Path err = Files.createTempFile(dir, "stderr", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    return new FedSparkProcess(pb.start(), out, err);
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** Waits for the exit code; kills the process and fails after {@code seconds}. */
  public int waitFor(int seconds) throws InterruptedException, IOException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError("fedspark did not finish within " + seconds + " s; stderr:\n" + stderr());
    }
    return process.exitValue();
  }

  /** Sends a signal (INT, TERM) to the process (bin/fedspark execs java, so it is the JVM). */
  public void signal(String name) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
  }

  public String stdout() throws IOException {
    return Files.readString(stdout);
  }

  public String stderr() throws IOException {
    return Files.readString(stderr);
  }
}
