package org.fedspark.run;

/** How a run ended, as written in {@code summary.json}. */
public enum RunStatus {
  /** Still running, or killed: the outputs are incomplete. */
  RUNNING,
  /** All rounds done. */
  COMPLETED,
  /** Stopped because values became NaN or infinite. */
  DIVERGED,
  /** Stopped by an error; see the summary's message. */
  FAILED,
  /** Stopped by Ctrl-C or SIGTERM after its last complete round; the report covers the rounds done. */
  INTERRUPTED;

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
