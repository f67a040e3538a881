package org.fedspark.data;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.fedspark.testing.LocalSparkTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetSourceTest extends LocalSparkTest {
  @TempDir
  Path tmp;

  /** Row r: client r % 3 (an int), label r % 4, features (r, r/2, 1) as a vector or a float array. */
  private String write(String name, int rows, boolean vector, int files, int nanRow) {
    DataType featuresType = vector ? SQLDataTypes.VectorType() : DataTypes.createArrayType(DataTypes.FloatType);
    StructType schema = new StructType().add("client", DataTypes.IntegerType).add("y", DataTypes.LongType)
        .add("x", featuresType);
    List<Row> data = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      double second = r == nanRow ? Double.NaN : r / 2.0;
      Object x = vector ? Vectors.dense(r, second, 1) : new float[] {r, (float) second, 1};
      data.add(RowFactory.create(r % 3, (long) (r % 4), x));
    }
    String path = tmp.resolve(name).toString();
    Dataset<Row> df = spark.createDataFrame(data, schema);
    (files == 1 ? df.coalesce(1) : df.repartition(files)).write().option("parquet.block.size", "1024").parquet(path);
    return path;
  }

  private static Specs spec(String path) {
    Specs s = Specs.of(DataSpec.Source.PARQUET, path).partition(DataSpec.Scheme.IID, 4);
    s.labelColumn = "y";
    s.featuresColumn = "x";
    return s;
  }

  @Test
  void vectorFeaturesWithANaturalClientColumn() {
    Specs s = spec(write("vec", 30, true, 1, -1));
    s.clientColumn = "client";
    FederatedData fd = FederatedDataLoader.load(sc, s.build(), 2);
    List<ClientData> clients = Specs.clients(fd);
    assertEquals(3, clients.size());
    assertEquals(3, fd.info().numFeatures());
    assertEquals(4, fd.info().numClasses());
    for (ClientData cd : clients) {
      for (LocalDataset part : List.of(cd.train(), cd.test())) {
        for (int i = 0; i < part.size(); i++) {
          int r = (int) part.features()[3 * i];
          assertEquals(cd.clientId(), r % 3);
          assertEquals(r % 4, part.label(i));
          assertEquals(r / 2.0, part.features()[3 * i + 1]);
        }
      }
    }
    Specs.release(fd);
  }

  @Test
  void arrayFeaturesInSeveralFilesAndSplitsGiveTheSameClientsForAnyPartitioning() {
    String path = write("arr", 400, false, 3, -1);
    Specs s = spec(path).partition(DataSpec.Scheme.QUANTITY_SKEW, 5);
    FederatedData one = FederatedDataLoader.load(sc, s.build(), 1);
    FederatedData three;
    spark.conf().set("spark.sql.files.maxPartitionBytes", "1024");
    try {
      long splits = spark.read().parquet(path).select(col("_metadata.file_path"), col("_metadata.file_block_start"))
          .distinct().count();
      assertTrue(splits > 3, "the 3 files should be read in more pieces, got " + splits);
      three = FederatedDataLoader.load(sc, s.build(), 3);
    } finally {
      spark.conf().unset("spark.sql.files.maxPartitionBytes");
    }
    Specs.assertSameClients(Specs.clients(one), Specs.clients(three));
    assertEquals(400, one.info().totalTrain() + one.info().totalTest());
    Specs.release(one);
    Specs.release(three);
  }

  @Test
  void nanFeatureNamesTheFileAndRowOrIsDropped() {
    Specs s = spec(write("nan", 20, true, 1, 6));
    DataException e = assertThrows(DataException.class, () -> FederatedDataLoader.load(sc, s.build(), 2));
    assertTrue(e.getMessage().matches("(?s).*\\.parquet, row 7: feature 2 is NaN.*"), e.getMessage());
    assertTrue(e.getMessage().contains("data.bad-rows=drop"), e.getMessage());
    s.badRows = DataSpec.Policy.DROP;
    FederatedData fd = FederatedDataLoader.load(sc, s.build(), 2);
    assertEquals(19, fd.info().totalTrain() + fd.info().totalTest());
    Specs.release(fd);
  }

  @Test
  void wrongColumnTypesAndNamesAreExplained() {
    String path = write("types", 10, true, 1, -1);
    Specs textLabel = spec(path);
    textLabel.labelColumn = "client";
    textLabel.featuresColumn = "y";
    DataException e = assertThrows(DataException.class, () -> FederatedDataLoader.load(sc, textLabel.build(), 2));
    assertTrue(e.getMessage().contains("features column 'y' has type bigint"), e.getMessage());
    Specs missing = spec(path);
    missing.featuresColumn = "features";
    e = assertThrows(DataException.class, () -> FederatedDataLoader.load(sc, missing.build(), 2));
    assertTrue(e.getMessage().contains("no features column 'features'"), e.getMessage());
    assertTrue(e.getMessage().contains("client int, y bigint, x vector"), e.getMessage());
  }
}
