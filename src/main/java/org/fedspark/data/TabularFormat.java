package org.fedspark.data;

import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One file format of the row-per-example sources (libsvm, CSV, Parquet): how Spark reads it and how
 * to point at a bad line when Spark's own error does not say where it is.
 */
interface TabularFormat {
  /** Column positions of the frame {@link #read} returns; any further columns are ignored. */
  int FILE = 0;
  int BLOCK_START = 1;
  int LABEL = 2;
  int CLIENT = 3;
  int FEATURES = 4;
  /** With {@link DataSpec#ownSplit()}: the split column as a string (right after the features). */
  int SPLIT = 5;

  /** Short name for messages, e.g. "csv". */
  String name();

  /**
   * A lazily evaluated frame with the columns file path (string, {@code _metadata.file_path}), split
   * start (long, {@code _metadata.file_block_start}), label (double, nullable), client (string, null
   * when the data has no client column) and features (an ML vector or {@code array<double>}), in that
   * order; with {@link DataSpec#ownSplit()} the split column follows as a string. Problems visible from the schema alone (a missing column, a wrong type) are reported here
   * as {@link DataException}s.
   */
  Dataset<Row> read(SparkSession spark, DataSpec spec);

  /** Names of the feature columns for messages, after {@link #read}; null to number features instead. */
  default String[] featureNames() {
    return null;
  }

  /**
   * After Spark failed to parse the input: the first line, in file order, that Spark would reject,
   * found by a scan of the files through the Hadoop FileSystem API.
   */
  Optional<LineProblem> findMalformed(Configuration conf, List<String> files, DataSpec spec);

  /**
   * The 1-based line of the {@code row}-th (0-based) data row of {@code file}, or −1 when the format has
   * no lines (Parquet) or the file has fewer rows.
   */
  long lineOfRow(Configuration conf, String file, long row, DataSpec spec);

  /** A bad line: where it is and what is wrong with it. */
  record LineProblem(String file, long line, String reason) {
    @Override
    public String toString() {
      return file + ", line " + line + ": " + reason;
    }
  }
}
