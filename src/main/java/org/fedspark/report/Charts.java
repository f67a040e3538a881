package org.fedspark.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws the per-round metrics as PNG charts with XChart: accuracy and loss against rounds for one run,
 * and the accuracy of several runs side by side for {@code fedspark compare}.
 */
public final class Charts {
  private Charts() {}

  static {
    System.setProperty("java.awt.headless", "true");
  }

  /**
   * Draws a small chart into memory on a background thread, once per JVM: the first chart of a
   * process pays for loading fonts, Java2D and the PNG encoder (0.3-0.9 s measured without the class
   * archive), and a run can pay that while it trains, when its cores wait between rounds, rather than
   * after its last round. Nothing is written; a failure here only leaves that cost to {@link #write}.
   */
  public static void warmUpInBackground() {
    WarmUp.once("fedspark-chart-warm-up", () -> {
      XYChart c = chart("warm-up", "accuracy");
      c.addSeries("warm-up", new double[] {1, 2}, new double[] {0.5, 0.75});
      javax.imageio.ImageIO.setUseCache(false);
      BitmapEncoder.saveBitmap(c, java.io.OutputStream.nullOutputStream(), BitmapEncoder.BitmapFormat.PNG);
    });
  }

  public static void write(OutputDir out, List<RoundMetrics> rows, String title) {
    XYChart acc = chart(title + ": accuracy", "accuracy");
    series(acc, "personalized, mean over clients", rows, RoundMetrics::personalizedAccMean);
    series(acc, "personalized, worst 10% of clients", rows, RoundMetrics::personalizedAccWorst10);
    series(acc, "personalized, pooled over examples", rows, RoundMetrics::personalizedAccWeighted);
    series(acc, "global model, pooled over examples", rows, RoundMetrics::globalAcc);

    XYChart loss = chart(title + ": loss", "cross-entropy");
    series(loss, "train (participants)", rows, RoundMetrics::trainLoss);
    series(loss, "personalized, test (pooled)", rows, RoundMetrics::personalizedLoss);
    series(loss, "global model, test (pooled)", rows, RoundMetrics::globalLoss);
    saveBoth(out, "accuracy.png", acc, "loss.png", loss);
  }

  /**
   * {@code accuracy.png} (personalized mean accuracy against rounds, one line per run) and
   * {@code accuracy_vs_uplink.png} (the same against cumulative uplink megabytes), so that methods can
   * be compared both on accuracy and on what it cost in communication. Runs without a finite value
   * have no line. When the runs' uplink totals differ by more than {@link #LOG_AXIS_SPREAD}× (a
   * compressed run against an uncompressed one), the uplink axis is logarithmic, so the compressed
   * runs are not squeezed against the origin; points with no uplink yet are then left out.
   */
  public static void writeComparison(OutputDir out, Map<String, List<RoundMetrics>> runs) {
    XYChart byRound = chart("personalized accuracy (mean over clients) per round", "accuracy");
    XYChart byUplink = chart("personalized accuracy (mean over clients) against communication", "accuracy");
    boolean log = logUplinkAxis(runs);
    byUplink.setXAxisTitle(log ? "cumulative uplink (MB, log scale)" : "cumulative uplink (MB)");
    byUplink.getStyler().setXAxisLogarithmic(log);
    runs.forEach((label, rows) -> {
      series(byRound, label, rows, r -> r.round(), RoundMetrics::personalizedAccMean);
      List<RoundMetrics> shown = log ? rows.stream().filter(r -> r.cumUplinkBytes() > 0).toList() : rows;
      series(byUplink, label, shown, r -> r.cumUplinkBytes() / 1e6, RoundMetrics::personalizedAccMean);
    });
    saveBoth(out, "accuracy.png", byRound, "accuracy_vs_uplink.png", byUplink);
  }

  /** The spread of uplink totals above which the uplink axis is logarithmic. */
  static final double LOG_AXIS_SPREAD = 20;

  /** Whether the runs' final uplink totals (those above zero) differ by more than {@link #LOG_AXIS_SPREAD}×. */
  static boolean logUplinkAxis(Map<String, List<RoundMetrics>> runs) {
    double min = Double.POSITIVE_INFINITY;
    double max = 0;
    for (List<RoundMetrics> rows : runs.values()) {
      for (RoundMetrics r : rows) {
        if (r.cumUplinkBytes() > 0 && Double.isFinite(r.personalizedAccMean())) {
          max = Math.max(max, r.cumUplinkBytes());
        }
      }
      if (!rows.isEmpty() && rows.get(rows.size() - 1).cumUplinkBytes() > 0) {
        min = Math.min(min, rows.get(rows.size() - 1).cumUplinkBytes());
      }
    }
    return max > LOG_AXIS_SPREAD * min;
  }

  private static XYChart chart(String title, String yTitle) {
    XYChart c = new XYChartBuilder().width(900).height(520).title(title).xAxisTitle("round").yAxisTitle(yTitle).build();
    c.getStyler().setMarkerSize(5);
    return c;
  }

  private static void series(XYChart c, String name, List<RoundMetrics> rows, ToDoubleFunction<RoundMetrics> f) {
    series(c, name, rows, r -> r.round(), f);
  }

  private static void series(XYChart c, String name, List<RoundMetrics> rows, ToDoubleFunction<RoundMetrics> x,
      ToDoubleFunction<RoundMetrics> f) {
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (RoundMetrics r : rows) {
      double y = f.applyAsDouble(r);
      if (Double.isFinite(y)) {
        xs.add(x.applyAsDouble(r));
        ys.add(y);
      }
    }
    if (!xs.isEmpty()) {
      c.addSeries(name, xs, ys).setMarker(SeriesMarkers.CIRCLE);
    }
  }

  /**
   * Draws, encodes and writes two charts at once, one on another thread: each is one core's work
   * (Java2D drawing, then the PNG encoder: about 23 and 28 ms per chart in a warm JVM), and a run's end has
   * nothing else to do with its second core. The first failure is thrown, after both have finished.
   */
  private static void saveBoth(OutputDir out, String name1, XYChart c1, String name2, XYChart c2) {
    java.util.concurrent.CompletableFuture<Void> other =
        java.util.concurrent.CompletableFuture.runAsync(() -> save(out, name2, c2));
    RuntimeException first = null;
    try {
      save(out, name1, c1);
    } catch (RuntimeException e) {
      first = e;
    }
    try {
      other.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (first == null) {
        first = e.getCause() instanceof RuntimeException re ? re : e;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private static void save(OutputDir out, String name, XYChart c) {
    if (c.getSeriesMap().isEmpty()) {
      return;
    }
    // The PNG is encoded in memory: ImageIO's default file cache (in java.io.tmpdir) is left open when
    // the target stream fails (a full disk), and its closer thread then prints a stack trace at exit.
    javax.imageio.ImageIO.setUseCache(false);
    out.write(name, os -> BitmapEncoder.saveBitmap(c, os, BitmapEncoder.BitmapFormat.PNG));
  }
}
