package org.fedspark.report;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Draws the per-round metrics as PNG charts with XChart: accuracy and loss against rounds. */
public final class Charts {
  private Charts() {}

  static {
    System.setProperty("java.awt.headless", "true");
  }

  public static void write(OutputDir out, List<RoundMetrics> rows, String title) {
    XYChart acc = chart(title + ": accuracy", "accuracy");
    series(acc, "personalized, mean over clients", rows, RoundMetrics::personalizedAccMean);
    series(acc, "personalized, worst 10% of clients", rows, RoundMetrics::personalizedAccWorst10);
    series(acc, "personalized, pooled over examples", rows, RoundMetrics::personalizedAccWeighted);
    series(acc, "global model, pooled over examples", rows, RoundMetrics::globalAcc);
    save(out, "accuracy.png", acc);

    XYChart loss = chart(title + ": loss", "cross-entropy");
    series(loss, "train (participants)", rows, RoundMetrics::trainLoss);
    series(loss, "personalized, test (pooled)", rows, RoundMetrics::personalizedLoss);
    series(loss, "global model, test (pooled)", rows, RoundMetrics::globalLoss);
    save(out, "loss.png", loss);
  }

  private static XYChart chart(String title, String yTitle) {
    XYChart c = new XYChartBuilder().width(900).height(520).title(title).xAxisTitle("round").yAxisTitle(yTitle).build();
    c.getStyler().setMarkerSize(5);
    return c;
  }

  private static void series(XYChart c, String name, List<RoundMetrics> rows, ToDoubleFunction<RoundMetrics> f) {
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (RoundMetrics r : rows) {
      double y = f.applyAsDouble(r);
      if (Double.isFinite(y)) {
        xs.add((double) r.round());
        ys.add(y);
      }
    }
    if (!xs.isEmpty()) {
      c.addSeries(name, xs, ys).setMarker(SeriesMarkers.CIRCLE);
    }
  }

  private static void save(OutputDir out, String name, XYChart c) {
    if (c.getSeriesMap().isEmpty()) {
      return;
    }
    out.write(name, os -> BitmapEncoder.saveBitmap(c, os, BitmapEncoder.BitmapFormat.PNG));
  }
}
