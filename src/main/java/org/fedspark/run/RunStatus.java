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
  FAILED;

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
