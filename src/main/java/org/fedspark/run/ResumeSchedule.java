package org.fedspark.run;

/**
 * When a run writes a resume point: every {@code run.resume-every} rounds, and after the first round
 * that ends {@code run.resume-every-seconds} or more after the last resume point (or the start).
 *
 * <p>Time is the default because rounds are the wrong unit for it: a round takes milliseconds on a
 * small model and minutes on a large federation, and a resume point costs about the same either way
 * (the server half, every client's state, the models). By time, a kill loses at most about the
 * interval's work, and a short run spends nothing on resume points it would never use.
 */
final class ResumeSchedule {
  private final int everyRounds;
  private final long everyNanos;
  private long last;

  /**
   * @param everyRounds write one every this many rounds; 0 for none by rounds
   * @param everySeconds write one once this many seconds have passed since the last; 0 for none by time
   * @param start {@link System#nanoTime()} when the rounds started
   */
  ResumeSchedule(int everyRounds, int everySeconds, long start) {
    this.everyRounds = everyRounds;
    this.everyNanos = everySeconds * 1_000_000_000L;
    this.last = start;
  }

  /** Whether round {@code round}, ending at {@code now} ({@link System#nanoTime()}), gets a resume point. */
  boolean due(int round, long now) {
    boolean due = (everyRounds > 0 && round % everyRounds == 0) || (everyNanos > 0 && now - last >= everyNanos);
    if (due) {
      last = now;
    }
    return due;
  }
}
