package org.fedspark.report;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * Renders {@link RoundMetrics} rows as {@code metrics.csv} (a header, one row per evaluated round) and
 * reads them back, so that tools over finished runs ({@code fedspark compare}) see exactly the values
 * the run wrote.
 */
public final class MetricsCsv {
  private MetricsCsv() {}

  public static String render(List<RoundMetrics> rows) {
    StringWriter w = new StringWriter();
    // The algorithm's own columns follow the standard ones; every row of a run has the same columns.
    String[] header = rows.isEmpty() ? header() : rows.get(0).asColumns().keySet().toArray(String[]::new);
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

  /**
   * Parses {@code metrics.csv} text back into rows, columns found by name; an empty cell is NaN.
   *
   * @param origin the file's name, for the error message
   * @throws IllegalArgumentException naming the file, line and column of a missing column or a bad number
   */
  public static List<RoundMetrics> read(String csv, String origin) {
    List<RoundMetrics> rows = new ArrayList<>();
    CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
    try (var parser = format.parse(new StringReader(csv))) {
      for (String column : header()) {
        if (!parser.getHeaderMap().containsKey(column)) {
          throw new IllegalArgumentException(origin + " has no column '" + column + "'; is it a fedspark metrics.csv?");
        }
      }
      List<String> standard = List.of(header());
      List<String> extra = parser.getHeaderNames().stream().filter(c -> !standard.contains(c)).toList();
      for (CSVRecord r : parser) {
        rows.add(new Row(r, origin).metrics(extra));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  private static String[] header() {
    return new RoundMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0).asColumns().keySet().toArray(String[]::new);
  }

  /** One CSV record, read by column name with errors that say where. */
  private record Row(CSVRecord r, String origin) {
    RoundMetrics metrics(List<String> extraColumns) {
      Map<String, Double> extra = new java.util.LinkedHashMap<>();
      for (String c : extraColumns) {
        extra.put(c, real(c));
      }
      return new RoundMetrics((int) whole("round"), real("personalized_acc_mean"), real("personalized_acc_weighted"),
          real("personalized_acc_std"), real("personalized_acc_worst10"), real("personalized_loss"), real("global_acc"),
          real("global_loss"), real("train_loss"), (int) whole("clients_sampled"), whole("uplink_bytes"),
          whole("downlink_bytes"), whole("cum_uplink_bytes"), whole("cum_downlink_bytes"), real("round_seconds"),
          real("eval_seconds"), real("elapsed_seconds"), extra);
    }

    private double real(String column) {
      String v = r.get(column);
      try {
        return v.isEmpty() ? Double.NaN : Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw bad(column, v);
      }
    }

    private long whole(String column) {
      String v = r.get(column);
      try {
        return Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw bad(column, v);
      }
    }

    private IllegalArgumentException bad(String column, String v) {
      return new IllegalArgumentException(origin + " line " + (r.getRecordNumber() + 1) + ": column '" + column + "' holds '"
          + v + "', not a number");
    }
  }
}
