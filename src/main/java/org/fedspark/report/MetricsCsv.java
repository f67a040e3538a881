package org.fedspark.report;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/** Renders {@link RoundMetrics} rows as {@code metrics.csv}: a header, one row per evaluated round. */
public final class MetricsCsv {
  private MetricsCsv() {}

  public static String render(List<RoundMetrics> rows) {
    StringWriter w = new StringWriter();
    RoundMetrics first = rows.isEmpty() ? new RoundMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) : rows.get(0);
    String[] header = first.asColumns().keySet().toArray(String[]::new);
    try (CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader(header).setRecordSeparator('\n').get())) {
      for (RoundMetrics r : rows) {
        for (Map.Entry<String, Object> e : r.asColumns().entrySet()) {
          p.print(cell(e.getValue()));
        }
        p.println();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  /** Doubles in shortest round-trip form; NaN (undefined) as an empty cell. */
  static String cell(Object v) {
    if (v instanceof Double d) {
      if (d.isNaN()) {
        return "";
      }
      return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.format(Locale.ROOT, "%.1f", d) : Double.toString(d);
    }
    return String.valueOf(v);
  }
}
