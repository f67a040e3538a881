package org.fedspark.report;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A one-time start-up paid on a background thread while a run trains, rather than after its last
 * round: the first chart of a JVM, the first Parquet file. Each runs at most once per JVM (by name),
 * on a daemon thread, and its failure is ignored: the real work meets the same cost, or the same
 * error, and reports it.
 */
public final class WarmUp {
  private WarmUp() {}

  private static final Set<String> STARTED = ConcurrentHashMap.newKeySet();

  /** A piece of warm-up work that may throw anything. */
  @FunctionalInterface
  public interface Work {
    void run() throws Exception;
  }

  /** Starts {@code work} on a daemon thread named {@code name}, unless a warm-up of that name has started before. */
  public static void once(String name, Work work) {
    if (!STARTED.add(name)) {
      return;
    }
    Thread t = new Thread(() -> {
      try {
        work.run();
      } catch (Exception | LinkageError ignored) {
        // only a head start; the real work reports its own errors
      }
    }, name);
    t.setDaemon(true);
    t.start();
  }
}
