package org.fedspark.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fedspark.config.ConfigException;

/**
 * The table of {@code fedspark compare}: one row per run, read back from the run's own output
 * directory ({@code summary.json} for what ran and how it ended, {@code metrics.csv} for the numbers).
 * Reading the files rather than the runs' results in memory means a comparison shows exactly what each
 * run wrote, and finished runs can join a comparison without being run again.
 *
 * <p>Metrics are those of the last evaluated round (not the best one, which would flatter noisy
 * methods); the best personalized mean and its round are shown beside them.
 */
public final class Comparison {
  /** Every file a comparison writes to its directory. */
  public static final List<String> OUTPUTS =
      List.of("comparison.csv", "comparison.md", "comparison.html", "accuracy.png", "accuracy_vs_uplink.png");
  private static final String NONE = "—";

  private Comparison() {}

  /**
   * One compared run.
   *
   * @param status {@code completed}, {@code diverged}, {@code failed}, or {@code running} for a run
   *     directory whose run is still going or was killed
   * @param metrics the rows of its {@code metrics.csv} (empty when it stopped before the first evaluation)
   * @param paramsPerClient values a client holds: its personal state plus the shared model it receives;
   *     -1 when the run stopped before its model was built
   * @param trainableParams values a client's local training updates; -1 when unknown
   * @param wallSeconds the run's wall time; NaN when unknown
   */
  public record Row(String label, String status, String message, String algorithm, String model,
      List<RoundMetrics> metrics, long paramsPerClient, long trainableParams, double wallSeconds, String runDir) {

    /** Column {@code name} of the last evaluated round; NaN when the run has no such column. */
    public double lastExtra(String name) {
      RoundMetrics l = last();
      return l == null ? Double.NaN : l.extra().getOrDefault(name, Double.NaN);
    }

    /** The mean of column {@code name} over the evaluated rounds where it is defined; NaN if none. */
    public double meanExtra(String name) {
      double sum = 0;
      int n = 0;
      for (RoundMetrics r : metrics) {
        double v = r.extra().getOrDefault(name, Double.NaN);
        if (!Double.isNaN(v)) {
          sum += v;
          n++;
        }
      }
      return n == 0 ? Double.NaN : sum / n;
    }

    public boolean completed() {
      return "completed".equals(status);
    }

    /** The last evaluated round, or null when none was. */
    public RoundMetrics last() {
      return metrics.isEmpty() ? null : metrics.get(metrics.size() - 1);
    }

    /** The round with the highest personalized mean accuracy (the earliest on ties), or null. */
    public RoundMetrics best() {
      RoundMetrics best = null;
      for (RoundMetrics r : metrics) {
        if (!Double.isNaN(r.personalizedAccMean()) && (best == null || r.personalizedAccMean() > best.personalizedAccMean())) {
          best = r;
        }
      }
      return best;
    }
  }

  /** A run of which nothing could be read (it failed before writing its summary). */
  public static Row failed(String label, String message, String runDir) {
    return new Row(label, "failed", message, "", "", List.of(), -1, -1, Double.NaN, runDir);
  }

  /**
   * Reads a run's output directory.
   *
   * @throws ConfigException when {@code dir} is not a fedspark run directory, saying what to pass instead
   */
  public static Row readRunDir(String label, String dir, Configuration hadoopConf) {
    try {
      Path path = new Path(dir);
      FileSystem fs = path.getFileSystem(hadoopConf);
      String where = fs.makeQualified(path).toString();
      Path summaryFile = new Path(path, "summary.json");
      if (!fs.exists(summaryFile)) {
        throw new ConfigException(dir + " is not a fedspark run directory: it has no summary.json; pass a config file "
            + "or the output directory of a 'fedspark run'");
      }
      JsonNode s;
      try {
        s = new ObjectMapper().readTree(read(fs, summaryFile));
      } catch (IOException e) {
        throw new ConfigException(summaryFile + " is not valid JSON (" + e.getMessage() + "); was it written by fedspark?");
      }
      String status = s.path("status").asText("");
      Path metricsFile = new Path(path, "metrics.csv");
      List<RoundMetrics> metrics = List.of();
      if (fs.exists(metricsFile)) {
        try {
          metrics = MetricsCsv.read(read(fs, metricsFile), metricsFile.toString());
        } catch (IllegalArgumentException e) {
          throw new ConfigException(e.getMessage());
        }
      } else if (status.equals("completed")) {
        throw new ConfigException(dir + " has a summary.json but no metrics.csv; it is not a complete fedspark run directory");
      }
      JsonNode run = s.path("run");
      JsonNode params = run.has("params_per_client") ? run.get("params_per_client") : run.path("parameters");
      return new Row(label, status, s.path("message").asText(""), run.path("algorithm").asText(""),
          run.path("model").asText(""), metrics, params.isNumber() ? params.asLong() : -1,
          run.path("trainable_params").isNumber() ? run.get("trainable_params").asLong() : -1,
          s.path("wall_seconds").isNumber() ? s.get("wall_seconds").asDouble() : Double.NaN, where);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read run directory " + dir + ": " + e.getMessage(), e);
    }
  }

  private static String read(FileSystem fs, Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Writes every file of {@link #OUTPUTS} to {@code out}. */
  public static void write(OutputDir out, List<Row> rows) {
    out.writeString("comparison.csv", csv(rows));
    out.writeString("comparison.md", markdown(rows));
    Map<String, List<RoundMetrics>> series = new LinkedHashMap<>();
    rows.forEach(r -> series.put(r.label(), r.metrics()));
    Charts.writeComparison(out, series);
    out.writeString("comparison.html", html(rows, out));
  }

  /** A column: its header and how a row shows in it. */
  private record Column(String header, boolean number, Function<Row, String> cell) {}

  /**
   * Machine-readable: accuracies in full precision, exactly as in each run's {@code metrics.csv}
   * (shortest round-trip form), bytes as integers; an undefined value is an empty cell.
   */
  private static final List<Column> CSV_COLUMNS = List.of(
      new Column("label", false, Row::label),
      new Column("status", false, Row::status),
      new Column("algorithm", false, Row::algorithm),
      new Column("model", false, Row::model),
      new Column("rounds", true, r -> r.last() == null ? "" : Integer.toString(r.last().round())),
      new Column("personalized_acc_mean", true, r -> r.last() == null ? "" : MetricsCsv.cell(r.last().personalizedAccMean())),
      new Column("personalized_acc_worst10", true, r -> r.last() == null ? "" : MetricsCsv.cell(r.last().personalizedAccWorst10())),
      new Column("global_acc", true, r -> r.last() == null ? "" : MetricsCsv.cell(r.last().globalAcc())),
      new Column("best_personalized_acc_mean", true, r -> r.best() == null ? "" : MetricsCsv.cell(r.best().personalizedAccMean())),
      new Column("best_round", true, r -> r.best() == null ? "" : Integer.toString(r.best().round())),
      new Column("total_uplink_bytes", true, r -> r.last() == null ? "" : Long.toString(r.last().cumUplinkBytes())),
      new Column("total_downlink_bytes", true, r -> r.last() == null ? "" : Long.toString(r.last().cumDownlinkBytes())),
      new Column("params_per_client", true, r -> r.paramsPerClient() < 0 ? "" : Long.toString(r.paramsPerClient())),
      new Column("trainable_params", true, r -> r.trainableParams() < 0 ? "" : Long.toString(r.trainableParams())),
      new Column("uplink_values", true, r -> MetricsCsv.cell(r.lastExtra("uplink_values"))),
      new Column("downlink_values", true, r -> MetricsCsv.cell(r.lastExtra("downlink_values"))),
      new Column("wall_seconds", true, r -> MetricsCsv.cell(r.wallSeconds())),
      new Column("run_dir", false, Row::runDir),
      new Column("message", false, Row::message));

  /** For reading and pasting into a README: rounded, with units in the headers; undefined is "—". */
  private static final List<Column> MD_COLUMNS = List.of(
      new Column("run", false, Row::label),
      new Column("status", false, Row::status),
      new Column("algorithm", false, r -> orNone(r.algorithm())),
      new Column("model", false, r -> orNone(r.model())),
      new Column("rounds", true, r -> r.last() == null ? NONE : Integer.toString(r.last().round())),
      new Column("pers. acc mean", true, r -> r.last() == null ? NONE : acc(r.last().personalizedAccMean())),
      new Column("pers. acc worst 10%", true, r -> r.last() == null ? NONE : acc(r.last().personalizedAccWorst10())),
      new Column("global acc", true, r -> r.last() == null ? NONE : acc(r.last().globalAcc())),
      new Column("best pers. acc mean", true, r -> r.best() == null ? NONE : acc(r.best().personalizedAccMean())),
      new Column("best at round", true, r -> r.best() == null ? NONE : Integer.toString(r.best().round())),
      new Column("uplink (MB)", true, r -> r.last() == null ? NONE : megabytes(r.last().cumUplinkBytes())),
      new Column("downlink (MB)", true, r -> r.last() == null ? NONE : megabytes(r.last().cumDownlinkBytes())),
      new Column("params / client", true, r -> r.paramsPerClient() < 0 ? NONE : String.format(Locale.ROOT, "%,d", r.paramsPerClient())),
      new Column("trainable / client", true, r -> r.trainableParams() < 0 ? NONE : String.format(Locale.ROOT, "%,d", r.trainableParams())),
      new Column("values up / round", true, r -> count(r.lastExtra("uplink_values"))),
      new Column("values down / round", true, r -> count(r.lastExtra("downlink_values"))),
      new Column("wall (s)", true, r -> Double.isNaN(r.wallSeconds()) ? NONE : String.format(Locale.ROOT, "%.1f", r.wallSeconds())));

  /** {@code comparison.csv}: a header and one row per run. */
  public static String csv(List<Row> rows) {
    StringWriter w = new StringWriter();
    String[] header = CSV_COLUMNS.stream().map(Column::header).toArray(String[]::new);
    try (CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader(header).setRecordSeparator('\n').get())) {
      for (Row r : rows) {
        for (Column c : CSV_COLUMNS) {
          p.print(c.cell().apply(r));
        }
        p.println();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  /**
   * {@code comparison.md}: a Markdown table with aligned columns, numbers right-aligned; and when runs
   * trained LoRA adapters, a second table of how local training moved their factors ({@link #ADAPTER_COLUMNS}).
   */
  public static String markdown(List<Row> rows) {
    String main = table(MD_COLUMNS, rows);
    List<Row> adapted = rows.stream().filter(r -> !Double.isNaN(r.meanExtra(A_MAG))).toList();
    if (adapted.isEmpty()) {
      return main;
    }
    return main + "\nLoRA factor changes in local training, mean over the evaluated rounds (FedLoRA-Optimizer reports "
        + "A/B direction ≈ 1.7×, B/A magnitude ≈ 41× on LLaMA2-7B):\n\n" + table(ADAPTER_COLUMNS, adapted);
  }

  private static final String A_DIR = "lora_A_dir_change";
  private static final String A_MAG = "lora_A_mag_change";
  private static final String B_DIR = "lora_B_dir_change";
  private static final String B_MAG = "lora_B_mag_change";

  /**
   * The direction and magnitude changes of A and B (the {@code lora_*_change} columns of the runs'
   * metrics), each the mean over the evaluated rounds where it is defined, and the two ratios the
   * FedLoRA-Optimizer paper reports.
   */
  private static final List<Column> ADAPTER_COLUMNS = List.of(
      new Column("run", false, Row::label),
      new Column("algorithm", false, r -> orNone(r.algorithm())),
      new Column("A dir change", true, r -> sci(r.meanExtra(A_DIR))),
      new Column("B dir change", true, r -> sci(r.meanExtra(B_DIR))),
      new Column("A/B dir", true, r -> ratio(r.meanExtra(A_DIR), r.meanExtra(B_DIR))),
      new Column("A mag change", true, r -> sci(r.meanExtra(A_MAG))),
      new Column("B mag change", true, r -> sci(r.meanExtra(B_MAG))),
      new Column("B/A mag", true, r -> ratio(r.meanExtra(B_MAG), r.meanExtra(A_MAG))));

  private static String sci(double v) {
    return Double.isNaN(v) ? NONE : String.format(Locale.ROOT, "%.3g", v);
  }

  /** {@code a/b} to 3 significant digits, "—" when either is undefined or b is 0. */
  private static String ratio(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? NONE : String.format(Locale.ROOT, "%.3g×", a / b);
  }

  private static String table(List<Column> columns, List<Row> rows) {
    List<List<String>> cells = new ArrayList<>();
    cells.add(columns.stream().map(Column::header).toList());
    for (Row r : rows) {
      cells.add(columns.stream().map(c -> c.cell().apply(r).replace("|", "\\|")).toList());
    }
    int[] width = new int[columns.size()];
    for (List<String> line : cells) {
      for (int i = 0; i < width.length; i++) {
        width[i] = Math.max(width[i], line.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int n = 0; n < cells.size(); n++) {
      sb.append('|');
      for (int i = 0; i < width.length; i++) {
        sb.append(' ').append(pad(cells.get(n).get(i), width[i], columns.get(i).number())).append(" |");
      }
      sb.append('\n');
      if (n == 0) {
        sb.append('|');
        for (int i = 0; i < width.length; i++) {
          boolean right = columns.get(i).number();
          sb.append(right ? " " : " :").append("-".repeat(width[i] - 1)).append(right ? ": |" : " |");
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  /** {@code comparison.html}: the table and both charts on one page to open in a browser. */
  private static String html(List<Row> rows, OutputDir out) {
    StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>fedspark comparison</title>\n")
        .append("<style>body{font-family:sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;font-size:13px}")
        .append("td,th{border:1px solid #ccc;padding:3px 6px}td.n{text-align:right}th{background:#eee}img{max-width:100%}</style>")
        .append("</head><body>\n<h1>fedspark comparison</h1>\n")
        .append("<p>Metrics of each run's last evaluated round; column definitions in the README, section \"Comparing methods\".</p>\n")
        .append("<table>\n<tr>");
    MD_COLUMNS.forEach(c -> h.append("<th>").append(esc(c.header())).append("</th>"));
    h.append("</tr>\n");
    for (Row r : rows) {
      h.append("<tr>");
      MD_COLUMNS.forEach(c -> h.append(c.number() ? "<td class=\"n\">" : "<td>").append(esc(c.cell().apply(r))).append("</td>"));
      h.append("</tr>\n");
    }
    h.append("</table>\n");
    for (String chart : List.of("accuracy.png", "accuracy_vs_uplink.png")) {
      if (out.exists(chart)) {
        h.append("<p><img src=\"").append(chart).append("\" alt=\"").append(chart).append("\"></p>\n");
      }
    }
    return h.append("</body></html>\n").toString();
  }

  private static String pad(String s, int width, boolean right) {
    String fill = " ".repeat(width - s.length());
    return right ? fill + s : s + fill;
  }

  private static String count(double v) {
    return Double.isNaN(v) ? NONE : String.format(Locale.ROOT, "%,.0f", v);
  }

  private static String acc(double v) {
    return Double.isNaN(v) ? NONE : String.format(Locale.ROOT, "%.4f", v);
  }

  /**
   * Megabytes of 10^6 bytes, as the run command prints them, to 2 decimals; below 0.01 MB to 2
   * significant digits, so that a small run's traffic does not read as none ("0.00" only when nothing
   * was sent).
   */
  static String megabytes(long bytes) {
    double mb = bytes / 1e6;
    if (bytes == 0 || mb >= 0.01) {
      return String.format(Locale.ROOT, "%.2f", mb);
    }
    return new BigDecimal(mb).round(new MathContext(2)).toPlainString();
  }

  private static String orNone(String s) {
    return s.isEmpty() ? NONE : s;
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
