package org.fedspark.report;

/**
 * Recognises a write that failed because the file system is full. Hadoop's local file system reports
 * it as an {@code org.apache.hadoop.fs.FSError} (an {@code Error}, not an exception) wrapping the {@code IOException}
 * "No space left on device"; HDFS as a quota exception. Such a failure is not a bug and needs no stack
 * trace: the user frees space or writes elsewhere.
 */
public final class DiskFull {
  private DiskFull() {}

  public static boolean is(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (matches(c.getMessage()) || c.getClass().getSimpleName().contains("QuotaExceeded")) {
        return true;
      }
      for (Throwable s : c.getSuppressed()) {
        if (is(s)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The message of the failed write (which names the file when Hadoop or fedspark did). */
  public static String where(Throwable t) {
    String found = null;
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c.getMessage() != null && (found == null || c.getMessage().contains("/"))) {
        found = c.getMessage().lines().findFirst().orElse("");
        if (c.getMessage().contains("cannot write")) {
          break;
        }
      }
    }
    return found == null ? "no space left on device" : found;
  }

  private static boolean matches(String message) {
    return message != null && (message.contains("No space left on device") || message.contains("Disk quota exceeded")
        || message.contains("disk full"));
  }
}
