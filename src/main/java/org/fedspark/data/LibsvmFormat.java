package org.fedspark.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * LIBSVM / SVMlight text ({@code label index:value index:value …}, indices 1-based and ascending) read
 * by Spark's {@code libsvm} source. The diagnostic scan repeats, line by line, exactly the checks of
 * Spark's parser ({@code MLUtils.parseLibSVMRecord}: lines trimmed, blank and {@code #} lines skipped,
 * tokens split on single spaces), so the line it reports is one Spark rejects.
 */
final class LibsvmFormat implements TabularFormat {
  @Override
  public String name() {
    return "libsvm";
  }

  @Override
  public Dataset<Row> read(SparkSession spark, DataSpec spec) {
    if (spec.clientColumn() != null && !spec.clientColumn().isBlank()) {
      throw new DataException("libsvm rows have no named columns, so data.client-column ('" + spec.clientColumn()
          + "') cannot be used: write the data as CSV or Parquet with a client column, or clear"
          + " data.client-column and split with partition.*");
    }
    DataFrameReader reader = spark.read().format("libsvm");
    if (spec.numFeatures() > 0) {
      reader = reader.option("numFeatures", Integer.toString(spec.numFeatures()));
    }
    Dataset<Row> raw = reader.load(spec.path());
    checkDenseSize(spark, raw, spec);
    return raw.select(col("_metadata.file_path"), col("_metadata.file_block_start"),
        col("label"), lit(null).cast(DataTypes.StringType), col("features"));
  }

  /**
   * fedspark holds features as dense rows, 8 bytes per feature. Spark's reader takes the number of
   * features from the largest index when {@code data.num-features} is 0, so one stray index
   * (200,000,000) asks for 1.6 GB per row, and the run would die of {@code OutOfMemoryError} while
   * reading. Refused before any row is densified when one chunk of rows (at most
   * {@link ChunkReader#CHUNK_ROWS}, read together by a task) would exceed half the heap, in a local run
   * where the tasks share the driver's heap.
   */
  private static void checkDenseSize(SparkSession spark, Dataset<Row> raw, DataSpec spec) {
    if (!spark.sparkContext().isLocal()) {
      return;
    }
    long d = spec.numFeatures() > 0 ? spec.numFeatures()
        : org.apache.spark.ml.attribute.AttributeGroup.fromStructField(raw.schema().apply("features")).size();
    long rowBytes = 8L * Math.max(d, 0);
    long budget = Runtime.getRuntime().maxMemory() / 2;
    if (rowBytes * ChunkReader.CHUNK_ROWS <= budget) {
      return;
    }
    long rows = Math.min(raw.count(), ChunkReader.CHUNK_ROWS);
    if (rowBytes * rows <= budget) {
      return;
    }
    String where = spec.numFeatures() > 0 ? "data.num-features = " + d
        : d + " features were inferred from the largest index in " + spec.path() + " (data.num-features = 0)";
    throw new DataException(where + ": one dense row takes " + bytes(rowBytes) + ", and " + rows + " rows read together "
        + bytes(rowBytes * rows) + ", more than half the " + bytes(Runtime.getRuntime().maxMemory()) + " heap. If an index"
        + " is a typo, fix that line; otherwise set data.num-features to the real number of features, or raise"
        + " FEDSPARK_MEMORY");
  }

  private static String bytes(long b) {
    return b >= 1L << 30 ? String.format(java.util.Locale.ROOT, "%.1f GB", b / (double) (1L << 30))
        : String.format(java.util.Locale.ROOT, "%d MB", b >> 20);
  }

  @Override
  public Optional<LineProblem> findMalformed(Configuration conf, List<String> files, DataSpec spec) {
    return TextLines.firstInFiles(conf, files, file -> (number, line) -> {
      String reason = check(line, spec.numFeatures());
      return reason == null ? null : new LineProblem(file, number, reason);
    });
  }

  @Override
  public long lineOfRow(Configuration conf, String file, long row, DataSpec spec) {
    long[] seen = {0};
    Long line = TextLines.scan(conf, file, (number, text) -> {
      String t = text.trim();
      if (t.isEmpty() || t.startsWith("#")) {
        return null;
      }
      return seen[0]++ == row ? number : null;
    });
    return line == null ? -1 : line;
  }

  /** Why Spark would reject this line, or null if it accepts it. */
  static String check(String rawLine, int numFeatures) {
    String line = rawLine.trim();
    if (line.isEmpty() || line.startsWith("#")) {
      return null;
    }
    String[] items = line.split(" ");
    try {
      Double.parseDouble(items[0]);
    } catch (NumberFormatException e) {
      return "the label '" + items[0] + "' is not a number";
    }
    int previous = 0;
    for (int i = 1; i < items.length; i++) {
      String item = items[i];
      if (item.isEmpty()) {
        continue;
      }
      String[] iv = item.split(":");
      if (iv.length < 2) {
        return "'" + item + "' is not of the form index:value";
      }
      int index;
      try {
        index = Integer.parseInt(iv[0]);
      } catch (NumberFormatException e) {
        boolean tooLarge = iv[0].matches("[+-]?[0-9]+");
        return "in '" + item + "' the index '" + iv[0] + "' " + (tooLarge
            ? "is larger than " + Integer.MAX_VALUE + ", the largest feature index Spark's LIBSVM reader accepts"
            : "is not an integer");
      }
      try {
        Double.parseDouble(iv[1]);
      } catch (NumberFormatException e) {
        return "in '" + item + "' the value '" + iv[1] + "' is not a number";
      }
      if (index <= previous) {
        return index < 1 ? "index " + index + " in '" + item + "': indices are 1-based"
            : "index " + index + " follows index " + previous + ": indices must be strictly ascending";
      }
      if (numFeatures > 0 && index > numFeatures) {
        return "index " + index + " exceeds data.num-features = " + numFeatures;
      }
      previous = index;
    }
    return null;
  }
}
