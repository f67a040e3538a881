package org.fedspark.report;

import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The console progress of a run, with elapsed time and ETA (from the progressbar library): an in-place
 * bar on a terminal, or one line per round when the output is a log file or CI console.
 */
public final class Progress implements AutoCloseable {
  /** Display modes, as in {@code run.progress}. */
  public enum Mode {
    AUTO, BAR, LINES, OFF
  }

  private final ProgressBar bar;

  public Progress(String task, int rounds, Mode mode, PrintStream out) {
    Mode m = mode == Mode.AUTO ? (System.console() != null ? Mode.BAR : Mode.LINES) : mode;
    ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(rounds)
        .setUnit(" rounds", 1).setStyle(ProgressBarStyle.ASCII).setMaxRenderedLength(120);
    switch (m) {
      case BAR -> {
        b.setConsumer(new ConsoleProgressBarConsumer(out, 120)).setUpdateIntervalMillis(1000);
        bar = b.build();
      }
      case LINES -> {
        // Refreshed explicitly after each round; the timer interval is long so it adds no lines, and
        // close() renders the final state once more, so a line equal to the previous one is skipped.
        String[] last = {null};
        b.setConsumer(new DelegatingProgressBarConsumer(line -> {
          if (!line.equals(last[0])) {
            out.println(line);
            last[0] = line;
          }
        }, 120))
            .setUpdateIntervalMillis((int) Duration.ofHours(1).toMillis());
        bar = b.build();
      }
      default -> bar = null;
    }
  }

  /** Marks round {@code round} done, with a short status such as "acc 0.81 loss 0.53". */
  public void roundDone(int round, String status) {
    if (bar != null) {
      bar.stepTo(round);
      bar.setExtraMessage(status);
      if (round < bar.getMax()) {
        bar.refresh(); // the last line is printed by close()
      }
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
