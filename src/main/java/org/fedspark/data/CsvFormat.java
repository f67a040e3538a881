package org.fedspark.data;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * CSV read by Spark's {@code csv} source in {@code FAILFAST} mode with an explicit schema: label and
 * features as doubles, the client column and unused columns as strings. Every column is selected, so
 * Spark parses whole rows and a row with the wrong number of fields fails (with column pruning it
 * would pass unnoticed).
 *
 * <p>Spark's error names neither file nor line, so on failure a diagnostic scan parses each line with
 * Apache Commons CSV, as Spark's line-by-line mode sees it (blank lines skipped, the first non-blank
 * line of each file is the header when there is one), and reports the first line with the wrong field
 * count or a label or feature that Spark's double parser would reject.
 */
final class CsvFormat implements TabularFormat {
  private static final CSVFormat LINE_FORMAT = CSVFormat.DEFAULT;

  private Layout layout;

  @Override
  public String name() {
    return "csv";
  }

  /** Column names as Spark sees them (the header, or _c0, _c1, … without one). */
  private static String[] columns(SparkSession spark, DataSpec spec) {
    return spark.read().option("header", Boolean.toString(spec.csvHeader())).csv(spec.path()).schema()
        .fieldNames();
  }

  /** The columns of the file and the roles the spec gives them. */
  record Layout(String[] columns, String label, String client, List<String> features, String split) {
    int index(String column) {
      return Arrays.asList(columns).indexOf(column);
    }
  }

  static Layout layout(String[] columns, DataSpec spec) {
    if (columns.length == 0) {
      throw new DataException("CSV " + spec.path() + " is empty: it has no " + (spec.csvHeader() ? "header line" : "line")
          + " to take the columns from; point data.path at the data");
    }
    List<String> names = Arrays.asList(columns);
    String hint = spec.csvHeader() ? "the header has: " + String.join(", ", names)
        : "without a header the columns are named _c0 … _c" + (columns.length - 1) + " (set data.csv-header=true"
            + " if the first line holds names)";
    String label = blank(spec.labelColumn()) ? "label" : spec.labelColumn().trim();
    if (!names.contains(label)) {
      throw new DataException("CSV " + spec.path() + " has no label column '" + label + "'; " + hint
          + ". Set data.label-column.");
    }
    String client = blank(spec.clientColumn()) ? null : spec.clientColumn().trim();
    if (client != null && !names.contains(client)) {
      throw new DataException("CSV " + spec.path() + " has no client column '" + client + "'; " + hint
          + ". Set data.client-column, or clear it to split with partition.*.");
    }
    String split = spec.ownSplit() == null ? null : spec.ownSplit().column();
    if (split != null && !names.contains(split)) {
      throw new DataException("CSV " + spec.path() + " has no split column '" + split + "'; " + hint
          + ". Set data.split-column, or clear it to let fedspark split each client (data.test-fraction).");
    }
    if (split != null && (split.equals(label) || split.equals(client))) {
      throw new DataException("data.split-column '" + split + "' is also the label or client column");
    }
    List<String> features = new ArrayList<>();
    if (blank(spec.featuresColumn())) {
      for (String c : columns) {
        if (!c.equals(label) && !c.equals(client) && !c.equals(split)) {
          features.add(c);
        }
      }
    } else {
      Set<String> asked = new LinkedHashSet<>();
      for (String f : spec.featuresColumn().split(",")) {
        if (!f.isBlank()) {
          asked.add(f.trim());
        }
      }
      for (String f : asked) {
        if (!names.contains(f)) {
          throw new DataException("CSV " + spec.path() + " has no feature column '" + f + "'; " + hint
              + ". Fix data.features-column (a comma-separated list) or clear it to use every other column.");
        }
        if (f.equals(label) || f.equals(client) || f.equals(split)) {
          throw new DataException("data.features-column lists '" + f + "', which is the label, client or split column");
        }
        features.add(f);
      }
    }
    if (features.isEmpty()) {
      throw new DataException("CSV " + spec.path() + " has no feature column besides the label and client; " + hint);
    }
    if (spec.numFeatures() > 0 && spec.numFeatures() != features.size()) {
      throw new DataException("data.num-features is " + spec.numFeatures() + " but the CSV has " + features.size()
          + " feature columns: set it to 0 or " + features.size());
    }
    return new Layout(columns, label, client, features, split);
  }

  /**
   * Reads the files by column name. Spark's CSV reader takes columns by position (its header check only
   * warns), so a part file whose header lists the same columns in another order would be read with its
   * features misaligned. Each file's header is read first: files are grouped by header, each group is
   * read with a schema in its own column order and selected by name, and the groups are unioned; a file
   * whose header names other columns than the first file's cannot be aligned and is refused, by name.
   */
  @Override
  public Dataset<Row> read(SparkSession spark, DataSpec spec) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    java.util.Map<List<String>, List<String>> byHeader = spec.csvHeader() ? headers(conf, spec) : java.util.Map.of();
    if (byHeader.size() <= 1) {
      layout = layout(columns(spark, spec), spec);
      return select(readWith(spark, spec, layout.columns(), spec.path()), spec);
    }
    List<String> first = byHeader.keySet().iterator().next();
    String firstFile = byHeader.get(first).get(0);
    for (java.util.Map.Entry<List<String>, List<String>> e : byHeader.entrySet()) {
      List<String> h = e.getKey();
      if (!new java.util.HashSet<>(h).equals(new java.util.HashSet<>(first)) || h.size() != first.size()) {
        List<String> missing = first.stream().filter(c -> !h.contains(c)).toList();
        List<String> extra = h.stream().filter(c -> !first.contains(c)).toList();
        throw new DataException("CSV file " + e.getValue().get(0) + " has the header " + String.join(",", h)
            + " but " + firstFile + " has " + String.join(",", first) + (missing.isEmpty() ? "" : "; missing: "
            + String.join(", ", missing)) + (extra.isEmpty() ? "" : "; not in the first file: " + String.join(", ", extra))
            + ". Every part file must have the same columns (in any order); fix or remove that file");
      }
    }
    layout = layout(first.toArray(new String[0]), spec);
    Dataset<Row> all = null;
    for (java.util.Map.Entry<List<String>, List<String>> e : byHeader.entrySet()) {
      Dataset<Row> part = select(readWith(spark, spec, e.getKey().toArray(new String[0]),
          e.getValue().toArray(new String[0])), spec);
      all = all == null ? part : all.union(part);
    }
    return all;
  }

  /** Files grouped by their header (first non-blank line), in the order of the sorted file list. */
  private static java.util.Map<List<String>, List<String>> headers(Configuration conf, DataSpec spec) {
    java.util.Map<List<String>, List<String>> out = new java.util.LinkedHashMap<>();
    for (String file : InputFiles.list(conf, spec.path())) {
      List<String> header = TextLines.scan(conf, file, (n, line) -> line.trim().isEmpty() ? null : parseLine(line));
      if (header != null) {
        out.computeIfAbsent(header, h -> new ArrayList<>()).add(file);
      }
    }
    return out;
  }

  /** The files with a schema in this column order: label and features as doubles, the rest strings. */
  private Dataset<Row> readWith(SparkSession spark, DataSpec spec, String[] columns, String... paths) {
    StructType schema = new StructType();
    for (String c : columns) {
      boolean numeric = c.equals(layout.label()) || layout.features().contains(c);
      schema = schema.add(c, numeric ? DataTypes.DoubleType : DataTypes.StringType, true);
    }
    return spark.read().schema(schema).option("header", Boolean.toString(spec.csvHeader()))
        .option("mode", "FAILFAST").csv(paths);
  }

  /** The columns by name, in the order {@link TabularFormat} expects. */
  private Dataset<Row> select(Dataset<Row> df, DataSpec spec) {
    List<Column> select = new ArrayList<>();
    select.add(col("_metadata.file_path"));
    select.add(col("_metadata.file_block_start"));
    select.add(col(quote(layout.label())));
    select.add(layout.client() == null ? lit(null).cast(DataTypes.StringType) : col(quote(layout.client())));
    select.add(array(layout.features().stream().map(f -> col(quote(f))).toArray(Column[]::new)));
    if (layout.split() != null) {
      select.add(col(quote(layout.split())));
    }
    for (String c : layout.columns()) {
      if (!c.equals(layout.label()) && !c.equals(layout.client()) && !c.equals(layout.split())
          && !layout.features().contains(c)) {
        select.add(col(quote(c)));
      }
    }
    return df.select(select.toArray(Column[]::new));
  }

  @Override
  public String[] featureNames() {
    return layout == null ? null : layout.features().toArray(new String[0]);
  }

  @Override
  public Optional<LineProblem> findMalformed(Configuration conf, List<String> files, DataSpec spec) {
    return TextLines.firstInFiles(conf, files, file -> {
      Layout[] layout = {null};
      boolean[] headerPending = {spec.csvHeader()};
      return (number, line) -> {
        if (line.trim().isEmpty()) {
          return null;
        }
        List<String> fields;
        try {
          fields = parseLine(line);
        } catch (UncheckedIOException | IllegalStateException e) {
          return new LineProblem(file, number, "not valid CSV: " + e.getMessage());
        }
        if (headerPending[0]) {
          headerPending[0] = false;
          layout[0] = layout(fields.toArray(new String[0]), spec); // this file's own column order
          return null;
        }
        if (layout[0] == null) {
          layout[0] = expectedLayout(conf, files, spec);
        }
        String reason = check(fields, layout[0]);
        return reason == null ? null : new LineProblem(file, number, reason);
      };
    });
  }

  @Override
  public long lineOfRow(Configuration conf, String file, long row, DataSpec spec) {
    long[] seen = {spec.csvHeader() ? -1 : 0};
    Long line = TextLines.scan(conf, file, (number, text) -> {
      if (text.trim().isEmpty()) {
        return null;
      }
      return seen[0]++ == row ? number : null;
    });
    return line == null ? -1 : line;
  }

  /** The layout Spark used: column names from the first line of the first file, as Spark takes them. */
  private static Layout expectedLayout(Configuration conf, List<String> files, DataSpec spec) {
    List<String> first = TextLines.scan(conf, files.get(0), (n, line) -> line.trim().isEmpty() ? null : parseLine(line));
    String[] columns = new String[first == null ? 0 : first.size()];
    for (int i = 0; i < columns.length; i++) {
      columns[i] = spec.csvHeader() ? first.get(i) : "_c" + i;
    }
    return layout(columns, spec);
  }

  /** Why Spark would reject this row, or null if it accepts it. */
  static String check(List<String> fields, Layout layout) {
    if (fields.size() != layout.columns().length) {
      return "has " + fields.size() + " fields, expected " + layout.columns().length;
    }
    String bad = unparsable(fields.get(layout.index(layout.label())));
    if (bad != null) {
      return "label column '" + layout.label() + "': " + bad;
    }
    for (String f : layout.features()) {
      bad = unparsable(fields.get(layout.index(f)));
      if (bad != null) {
        return "feature column '" + f + "': " + bad;
      }
    }
    return null;
  }

  /** Mirrors Spark's CSV double conversion: "" is null, NaN/Inf/-Inf are special, else parseDouble. */
  private static String unparsable(String value) {
    if (value == null || value.isEmpty() || value.equals("NaN") || value.equals("Inf") || value.equals("-Inf")) {
      return null;
    }
    try {
      Double.parseDouble(value);
      return null;
    } catch (NumberFormatException e) {
      return "'" + value + "' is not a number";
    }
  }

  private static List<String> parseLine(String line) {
    try (CSVParser parser = CSVParser.parse(new StringReader(line), LINE_FORMAT)) {
      List<CSVRecord> records = parser.getRecords();
      return records.isEmpty() ? List.of() : records.get(0).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Backquotes a column name so that dots and spaces in CSV headers are taken literally. */
  private static String quote(String column) {
    return "`" + column.replace("`", "``") + "`";
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
