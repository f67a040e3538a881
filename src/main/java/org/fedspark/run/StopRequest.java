package org.fedspark.run;

import java.util.Locale;
import org.apache.spark.SparkContext;

/**
 * Ctrl-C (SIGINT) and SIGTERM, turned into an orderly stop. The JVM's default reaction runs the
 * shutdown hooks while the round loop is still going: Spark's hook stops the SparkContext under the
 * running job, the run dies with Spark internals ("Job 45 cancelled because SparkContext was shut
 * down") and no report. Instead, {@link #install()} (the command line does it; notebooks and
 * spark-submit programs keep their own handling) records the signal and cancels the running Spark
 * jobs; the simulation then stops at once, records status {@code interrupted} at its last complete
 * round, writes its report from the metrics so far and returns, and the command exits with 128 + the
 * signal number (130, 143). A second signal exits at once.
 */
public final class StopRequest {
  private static volatile String signal;
  private static volatile SparkContext context;

  private StopRequest() {}

  /** Handles SIGINT and SIGTERM from now on, in this JVM. */
  @SuppressWarnings("restriction")
  public static void install() {
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), s -> request(s.getName(), s.getNumber()));
      } catch (IllegalArgumentException e) {
        // the signal is not available here (or the JVM runs with -Xrs): keep the default
      }
    }
  }

  private static void request(String name, int number) {
    if (signal != null) {
      new Thread(() -> System.exit(128 + number), "fedspark-exit").start();
      return;
    }
    signal = name;
    SparkContext sc = context;
    if (sc != null && !sc.isStopped()) {
      sc.cancelAllJobs();
    }
  }

  /** The context whose jobs a signal cancels. */
  public static void attach(SparkContext sc) {
    context = sc;
  }

  /** "SIGINT" or "SIGTERM" once one arrived, else null. */
  public static String requested() {
    return signal == null ? null : "SIG" + signal.toUpperCase(Locale.ROOT);
  }

  /** The exit code for the signal received: 128 + its number (SIGINT 2, SIGTERM 15). */
  public static int exitCode() {
    return "TERM".equals(signal) ? 143 : 130;
  }

  /** Stops the calling code when a signal arrived. */
  static void check() {
    if (signal != null) {
      throw new Interrupted(requested());
    }
  }

  /** Thrown inside the round loop when a stop was requested. */
  static final class Interrupted extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Interrupted(String signal) {
      super("interrupted by " + signal);
    }
  }

  /** Forgets a received signal (tests that run several simulations in one JVM). */
  static void reset() {
    signal = null;
  }

  /** Records a stop request as a signal would (tests). */
  static void requestForTest(String name) {
    request(name, "TERM".equals(name) ? 15 : 2);
  }
}
