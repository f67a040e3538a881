package org.fedspark.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;

/**
 * Parquet with a numeric label column and a features column that is a Spark ML (or old MLlib) vector or
 * an array of numbers. Types are checked up front from the schema; Parquet has no lines, so a bad row
 * is named by its position in its file.
 */
final class ParquetFormat implements TabularFormat {
  @Override
  public String name() {
    return "parquet";
  }

  @Override
  public Dataset<Row> read(SparkSession spark, DataSpec spec) {
    Dataset<Row> df = spark.read().parquet(spec.path());
    StructType schema = df.schema();
    String label = blank(spec.labelColumn()) ? "label" : spec.labelColumn().trim();
    String features = blank(spec.featuresColumn()) ? "features" : spec.featuresColumn().trim();
    String client = blank(spec.clientColumn()) ? null : spec.clientColumn().trim();
    String have = String.join(", ", Arrays.stream(schema.fields()).map(f -> f.name() + " " + f.dataType().simpleString())
        .toList());
    DataType labelType = type(schema, label, "label", "data.label-column", spec.path(), have);
    if (!(labelType instanceof NumericType)) {
      throw new DataException("Parquet " + spec.path() + ": label column '" + label + "' has type "
          + labelType.simpleString() + "; it must be numeric (integer class ids)");
    }
    DataType featuresType = type(schema, features, "features", "data.features-column", spec.path(), have);
    Column featuresCol;
    if (isVector(featuresType)) {
      featuresCol = col(quote(features));
    } else if (featuresType instanceof ArrayType a && a.elementType() instanceof NumericType) {
      featuresCol = col(quote(features)).cast(DataTypes.createArrayType(DataTypes.DoubleType, true));
    } else {
      throw new DataException("Parquet " + spec.path() + ": features column '" + features + "' has type "
          + featuresType.simpleString() + "; it must be an ML vector or an array of numbers (array<double>,"
          + " array<float>, array<int>)");
    }
    Column clientCol = lit(null).cast(DataTypes.StringType);
    if (client != null) {
      type(schema, client, "client", "data.client-column", spec.path(), have);
      clientCol = col(quote(client)).cast(DataTypes.StringType);
    }
    if (spec.ownSplit() != null) {
      String split = spec.ownSplit().column();
      type(schema, split, "split", "data.split-column", spec.path(), have);
      return df.select(col("_metadata.file_path"), col("_metadata.file_block_start"),
          col(quote(label)).cast(DataTypes.DoubleType), clientCol, featuresCol,
          col(quote(split)).cast(DataTypes.StringType));
    }
    return df.select(col("_metadata.file_path"), col("_metadata.file_block_start"),
        col(quote(label)).cast(DataTypes.DoubleType), clientCol, featuresCol);
  }

  @Override
  public Optional<LineProblem> findMalformed(Configuration conf, List<String> files, DataSpec spec) {
    return Optional.empty();
  }

  @Override
  public long lineOfRow(Configuration conf, String file, long row, DataSpec spec) {
    return -1;
  }

  private static DataType type(StructType schema, String column, String role, String key, String path, String have) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(column)) {
        return f.dataType();
      }
    }
    throw new DataException("Parquet " + path + " has no " + role + " column '" + column + "' (it has: " + have
        + "); set " + key);
  }

  private static boolean isVector(DataType t) {
    return t instanceof UserDefinedType<?> u
        && (org.apache.spark.ml.linalg.Vector.class.isAssignableFrom(u.userClass())
            || org.apache.spark.mllib.linalg.Vector.class.isAssignableFrom(u.userClass()));
  }

  private static String quote(String column) {
    return "`" + column.replace("`", "``") + "`";
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
