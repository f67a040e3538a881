package org.fedspark.cli;

/**
 * Every exit code of {@code fedspark}: the one list, printed by {@code --help} and documented in the
 * README's troubleshooting section. 130 and 143 follow the shell convention 128 + signal number
 * (SIGINT = 2, SIGTERM = 15), so scripts see the same code as for any other program they stop.
 */
public enum ExitCode {
  COMPLETED(0, "completed"),
  UNEXPECTED(1, "unexpected error (a bug or a Spark failure): the stack trace is in the log file the message names"),
  USER_ERROR(2, "bad configuration, data, output directory or environment: the message names the key, file or path and what to do; nothing was run or the run stopped before its first round"),
  DIVERGED(3, "the run diverged (NaN/∞), or with compare: a run did not complete; the metrics so far are kept"),
  DISK_FULL(4, "the output file system is full: the run is recorded as failed (\"disk full\") if its summary could still be written"),
  OUT_OF_MEMORY(5, "the driver ran out of memory: raise FEDSPARK_MEMORY (or spark-submit's --driver-memory)"),
  EVALUATION_DIFFERS(6, "evaluate only: the saved models' figures differ from what the run reported; the message names each"),
  BENCH_DIFFERS(7, "bench only: the Spark and plain-loop models, or fedspark's and PyTorch's accuracies, differ; the message names the first difference"),
  INTERRUPTED(130, "interrupted by Ctrl-C (SIGINT): the summary says interrupted, the report covers the rounds done"),
  TERMINATED(143, "stopped by SIGTERM (kill, a scheduler): as for 130");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  public int code() {
    return code;
  }

  public String meaning() {
    return meaning;
  }

  /** "0 completed, 1 …" for --help. */
  static String summary() {
    StringBuilder sb = new StringBuilder("Exit codes:");
    for (ExitCode c : values()) {
      sb.append(' ').append(c.code).append(' ').append(c.meaning.split("[:;(]")[0].trim()).append(c.ordinal() < values().length - 1 ? "," : ".");
    }
    return sb.toString();
  }
}
