package org.fedspark.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fedspark.config.ConfigException;
import org.fedspark.data.DataException;
import org.fedspark.report.DiskFull;
import org.fedspark.run.ForkFreeLocalFileSystem;
import picocli.CommandLine;

/**
 * Turns every failure into one line on the console and an {@link ExitCode}: the user sees what went
 * wrong and what to do, never a Java stack trace. When the failure has a stack trace worth keeping
 * (anything but a plain configuration error) it goes to {@value #LOG_NAME} in the output directory
 * (or, before there is one, a file in the temporary directory), and the line names that file.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
  static final int USER_ERROR = ExitCode.USER_ERROR.code();
  static final String LOG_NAME = "fedspark-error.log";

  /** The output directory of the command being run, once known: where the stack trace goes. */
  private static volatile String outputDir;

  static void outputDir(String dir) {
    outputDir = dir;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
    return handle(ex, cmd.getErr());
  }

  /** Also for {@link Error}s, which picocli does not hand to an execution exception handler. */
  static int handle(Throwable ex, java.io.PrintWriter err) {
    Failure f = classify(ex);
    String log = f.withTrace() ? writeLog(ex) : null;
    err.println("error: " + f.message() + (log == null ? "" : " (details: " + log + ")"));
    err.flush();
    return f.code().code();
  }

  private record Failure(ExitCode code, String message, boolean withTrace) {}

  private static Failure classify(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof ConfigException) {
        return new Failure(ExitCode.USER_ERROR, t.getMessage(), false);
      }
    }
    if (ConfigException.isMissingFileSystem(ex)) {
      return new Failure(ExitCode.USER_ERROR, fileSystemHint(rootMessage(ex)), false);
    }
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof DataException) {
        return new Failure(ExitCode.USER_ERROR, t.getMessage(), t.getCause() != null);
      }
      if (t instanceof OutOfMemoryError) {
        return new Failure(ExitCode.OUT_OF_MEMORY, "out of memory on the driver (" + t.getMessage() + "; heap "
            + (Runtime.getRuntime().maxMemory() >> 20) + " MB): raise FEDSPARK_MEMORY (e.g. FEDSPARK_MEMORY=16g; "
            + "spark-submit: --driver-memory), or make the model or data smaller", false);
      }
    }
    if (DiskFull.is(ex)) {
      return new Failure(ExitCode.DISK_FULL, "disk full: " + DiskFull.where(ex)
          + "; free space there or choose another --out (the run's summary says failed, \"disk full\")", false);
    }
    String first = String.valueOf(ex.getMessage()).lines().findFirst().orElse("");
    return new Failure(ExitCode.UNEXPECTED, ex.getClass().getSimpleName() + ": " + first, true);
  }

  private static String rootMessage(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null) {
      r = r.getCause();
    }
    return String.valueOf(r.getMessage()).lines().findFirst().orElse("");
  }

  /** Hadoop's "No FileSystem for scheme "s3a"", with what to do about it. */
  static String fileSystemHint(String hadoopMessage) {
    return hadoopMessage + ": fedspark has no connector for that file system on its class path; put its jars on it, "
        + "e.g. FEDSPARK_CLASSPATH=/path/hadoop-aws.jar:/path/bundle.jar for s3a:// (README, Data), or use a local or hdfs:// path";
  }

  /** Writes the full stack trace; returns where, or null if it could not be written anywhere. */
  private static String writeLog(Throwable ex) {
    byte[] text = trace(ex);
    String dir = outputDir;
    if (dir != null) {
      try {
        Path p = new Path(dir, LOG_NAME);
        FileSystem fs = p.getFileSystem(ForkFreeLocalFileSystem.configuration());
        if (fs.getFileStatus(p.getParent()).isDirectory()) {
          try (OutputStream out = fs.create(p, true)) {
            out.write(text);
          }
          return fs.makeQualified(p).toString();
        }
      } catch (IOException | RuntimeException | Error e) {
        // fall back to the temporary directory
      }
    }
    try {
      String name = "fedspark-error-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")) + ".log";
      Path p = new Path(new java.io.File(System.getProperty("java.io.tmpdir"), name).toURI());
      FileSystem fs = FileSystem.getLocal(ForkFreeLocalFileSystem.configuration());
      try (OutputStream out = fs.create(p, true)) {
        out.write(text);
      }
      return p.toUri().getPath();
    } catch (IOException | RuntimeException | Error e) {
      return null;
    }
  }

  private static byte[] trace(Throwable ex) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      ex.printStackTrace(ps);
    }
    return bytes.toByteArray();
  }
}
