package org.fedspark.report;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The console progress of a run, with elapsed time and ETA: an in-place bar on a terminal, or one line
 * per round when the output is a log file or CI console.
 *
 * <p>Only the bar mode uses the progressbar library. The library renders from its own timer thread (a
 * render at construction, then one per update interval, then one at close), concurrently with the
 * caller's updates; a log would then get lines in an order that depends on thread scheduling: a round
 * shown with the previous round's status, or a line repeated, or a round missing, because the library
 * skips an explicit refresh when its timer has already drawn the current count. On a terminal every
 * render overwrites the previous one and the next tick draws the latest state, so that does not show;
 * in a log it does. The lines mode therefore prints its lines itself, on the caller's thread: one at
 * the start ({@code 0/N}, so a log shows the run began before the first, slowest round) and one per
 * {@link #roundDone}, in the library's layout (see {@link #line}).
 */
public final class Progress implements AutoCloseable {
  /** Display modes, as in {@code run.progress}. */
  public enum Mode {
    AUTO, BAR, LINES, OFF
  }

  /** Rendered width of a line, in characters (the bar stretches to fill it), as in both modes. */
  static final int WIDTH = 120;
  private static final String UNIT = " rounds";

  private final ProgressBar bar; // BAR mode only
  private final PrintStream lines; // LINES mode only
  private final String task;
  private final int rounds;
  private final LongSupplier nanoClock;
  private final long startNanos;
  private final int startRound;

  public Progress(String task, int rounds, Mode mode, PrintStream out) {
    this(task, rounds, 0, mode, out, System::nanoTime);
  }

  /** Progress of a run that continues after round {@code startRound} (a resumed run): the ETA counts from there. */
  public Progress(String task, int rounds, int startRound, Mode mode, PrintStream out) {
    this(task, rounds, startRound, mode, out, System::nanoTime);
  }

  /** As the public constructor, with the clock the lines mode measures elapsed time on (for tests). */
  Progress(String task, int rounds, Mode mode, PrintStream out, LongSupplier nanoClock) {
    this(task, rounds, 0, mode, out, nanoClock);
  }

  private Progress(String task, int rounds, int startRound, Mode mode, PrintStream out, LongSupplier nanoClock) {
    this.task = task;
    this.startRound = startRound;
    this.rounds = rounds;
    this.nanoClock = nanoClock;
    this.startNanos = nanoClock.getAsLong();
    Mode m = mode == Mode.AUTO ? (System.console() != null ? Mode.BAR : Mode.LINES) : mode;
    switch (m) {
      case BAR -> {
        // continuousUpdate: every timer tick and every refresh() redraws, so the elapsed time moves during
        // a long round and a tick that drew a half-updated state (new count, old status) is redrawn.
        bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(rounds).startsFrom(startRound, Duration.ZERO).setUnit(UNIT, 1)
            .setStyle(ProgressBarStyle.ASCII).setMaxRenderedLength(WIDTH).continuousUpdate()
            .setConsumer(new ConsoleProgressBarConsumer(out, WIDTH)).setUpdateIntervalMillis(1000).build();
        lines = null;
      }
      case LINES -> {
        bar = null;
        lines = out;
        lines.println(line(task, startRound, 0, rounds, Duration.ZERO, "", WIDTH));
      }
      default -> {
        bar = null;
        lines = null;
      }
    }
  }

  /** Marks round {@code round} done, with a short status such as "acc 0.81 loss 0.53". */
  public void roundDone(int round, String status) {
    if (bar != null) {
      bar.setExtraMessage(status);
      bar.stepTo(round);
      bar.refresh();
    } else if (lines != null) {
      Duration elapsed = Duration.ofNanos(nanoClock.getAsLong() - startNanos);
      lines.println(line(task, round, round - startRound, Math.max(rounds, round), elapsed, status, WIDTH));
    }
  }

  /**
   * One progress line, laid out as the progressbar library's default renderer does in its ASCII style, so
   * a log reads the same as the terminal bar: {@code task pct% [===   ] done/max rounds (elapsed / eta)
   * status}, {@code width} characters long (the bar takes what the text leaves; text beyond the width is
   * cut). The ETA is the library's linear estimate, the mean time per round so far times the rounds
   * left, and "?" before the first round. Widths count chars: task names and statuses are ASCII.
   */
  static String line(String task, long done, long max, Duration elapsed, String status, int width) {
    return line(task, done, done, max, elapsed, status, width);
  }

  /** As above, for a run that did {@code doneHere} of its {@code done} rounds in this process (the ETA's base). */
  static String line(String task, long done, long doneHere, long max, Duration elapsed, String status, int width) {
    String pct = max > 0 ? (int) Math.floor(100.0 * done / max) + "%" : "? %";
    String prefix = task + " " + " ".repeat(Math.max(0, 4 - pct.length())) + pct + " [";
    if (prefix.length() > width) {
      prefix = prefix.substring(0, width - 1);
    }
    String eta = doneHere > 0 ? clock(elapsed.dividedBy(doneHere).multipliedBy(max - done)) : "?";
    String ratio = " ".repeat(Math.max(0, Long.toString(max).length() - Long.toString(done).length()))
        + done + "/" + max + UNIT;
    String suffix = "] " + ratio + " (" + clock(elapsed) + " / " + eta + ") " + status;
    int maxSuffix = Math.max(width - prefix.length() - 1, 0);
    if (suffix.length() > maxSuffix) {
      suffix = suffix.substring(0, maxSuffix);
    }
    int barLength = width - prefix.length() - suffix.length();
    int filled = max > 0 ? (int) (Math.min(1.0, (double) done / max) * barLength) : 0;
    return prefix + "=".repeat(filled) + " ".repeat(barLength - filled) + suffix;
  }

  /** {@code h:mm:ss}, whole seconds, as the library prints durations. */
  private static String clock(Duration d) {
    long s = d.getSeconds();
    return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s % 3600 / 60, s % 60);
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
