package org.fedspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.fedspark.config.ConfigException;
import org.fedspark.config.FedConfig;
import org.fedspark.run.DataSpecs;
import org.fedspark.testing.LocalSparkTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dataset's own train/test split (data.split-column) for CSV and Parquet. */
class SplitColumnTest extends LocalSparkTest {
  private static final String[] USERS = {"carol", "alice", "bob"};

  @TempDir
  Path tmp;

  /**
   * Row r: user USERS[r % 3], label r % 2, features (r, −r), split "test" when r % 5 == 4 else "train"
   * ("valid" on row {@code badSplitAt}). The first test rows are alice's 4, carol's 9 and bob's 14.
   */
  private Path csv(String name, int rows, String badSplitAt) throws IOException {
    List<String> lines = new ArrayList<>(List.of("user,label,f1,split,f2"));
    for (int r = 0; r < rows; r++) {
      String split = String.valueOf(r).equals(badSplitAt) ? "valid" : r % 5 == 4 ? "test" : "train";
      lines.add(USERS[r % 3] + "," + (r % 2) + "," + r + "," + split + "," + (-r));
    }
    Path p = tmp.resolve(name);
    Files.write(p, lines);
    return p;
  }

  private static Specs spec(Path p, String clientColumn) {
    Specs s = Specs.of(DataSpec.Source.CSV, p.toString()).partition(DataSpec.Scheme.IID, 2);
    s.clientColumn = clientColumn;
    s.ownSplit = new DataSpec.OwnSplit("split", "train", "test");
    return s;
  }

  /** The row numbers (feature f1) of a part, in order. */
  private static int[] rowsOf(LocalDataset d) {
    int[] r = new int[d.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = (int) d.features()[i * 2];
      assertEquals(-r[i], d.features()[i * 2 + 1], "f2 of row " + r[i] + ": the split column is not a feature");
    }
    return r;
  }

  @Test
  void clientColumnAndOwnSplitUseRowsAsGiven() throws IOException {
    FederatedData fd = FederatedDataLoader.load(sc, spec(csv("own.csv", 15, null), "user").build(), 2);
    List<ClientData> clients = Specs.clients(fd);
    assertEquals(2, fd.info().numFeatures());
    assertArrayEquals(new String[] {"alice", "bob", "carol"}, fd.info().clientNames());
    // alice: r % 3 == 1 → 1, 4, 7, 10, 13; test rows r % 5 == 4 → 4.
    assertArrayEquals(new int[] {1, 7, 10, 13}, rowsOf(clients.get(0).train()));
    assertArrayEquals(new int[] {4}, rowsOf(clients.get(0).test()));
    // bob: 2, 5, 8, 11, 14; test rows 14.
    assertArrayEquals(new int[] {2, 5, 8, 11}, rowsOf(clients.get(1).train()));
    assertArrayEquals(new int[] {14}, rowsOf(clients.get(1).test()));
    // carol: 0, 3, 6, 9, 12; test rows 9.
    assertArrayEquals(new int[] {0, 3, 6, 12}, rowsOf(clients.get(2).train()));
    assertArrayEquals(new int[] {9}, rowsOf(clients.get(2).test()));
    assertEquals("client_id,name\n0,alice\n1,bob\n2,carol\n", fd.info().clientsCsv());
    assertNull(Federations.warnWithoutTest(fd.info(), "x"));
    Specs.release(fd);
  }

  @Test
  void clientsWithoutTestRowsAreReported() throws IOException {
    // 9 rows: only row 4 (alice) is a test row; bob and carol have none.
    FederatedData fd = FederatedDataLoader.load(sc, spec(csv("few.csv", 9, null), "user").build(), 2);
    assertArrayEquals(new int[] {1, 0, 0}, fd.info().testCounts());
    assertEquals(List.of(1, 2), fd.info().clientsWithoutTest());
    String warning = Federations.warnWithoutTest(fd.info(), "few.csv");
    assertTrue(warning.startsWith("2 of 3 clients have no test example in few.csv (e.g. 1 'bob', 2 'carol')"),
        warning);
    Specs.release(fd);
  }

  @Test
  void ownSplitWithoutClientColumnKeepsEachRowsSplit() throws IOException {
    Specs s = spec(csv("iid.csv", 40, null), "");
    s.featuresColumn = "f1,f2";
    FederatedData fd = FederatedDataLoader.load(sc, s.build(), 2);
    List<ClientData> clients = Specs.clients(fd);
    assertEquals(2, clients.size());
    assertNull(fd.info().clientNames());
    List<Integer> train = new ArrayList<>();
    List<Integer> test = new ArrayList<>();
    for (ClientData cd : clients) {
      Arrays.stream(rowsOf(cd.train())).forEach(train::add);
      Arrays.stream(rowsOf(cd.test())).forEach(test::add);
    }
    for (int r : train) {
      assertTrue(r % 5 != 4, "row " + r + " is a test row but was used for training");
    }
    for (int r : test) {
      assertEquals(4, r % 5, "row " + r + " is a training row but was used for testing");
    }
    assertEquals(32, train.size());
    assertEquals(8, test.size());
    Specs.release(fd);
  }

  @Test
  void unknownSplitValueIsABadRowWithFileAndLine() throws IOException {
    Path file = csv("bad.csv", 15, "6");
    DataException e = assertThrows(DataException.class,
        () -> FederatedDataLoader.load(sc, spec(file, "user").build(), 2));
    // Row 6 is on line 8 (header on line 1).
    assertTrue(e.getMessage().contains("bad.csv, line 8: split column 'split' is 'valid', expected 'train' or 'test'"),
        e.getMessage());
    Specs s = spec(file, "user");
    s.badRows = DataSpec.Policy.DROP;
    FederatedData fd = FederatedDataLoader.load(sc, s.build(), 2);
    assertEquals(14, fd.info().totalTrain() + fd.info().totalTest());
    Specs.release(fd);
  }

  @Test
  void parquetSplitColumn() {
    StructType schema = new StructType().add("site", DataTypes.StringType).add("label", DataTypes.IntegerType)
        .add("features", DataTypes.createArrayType(DataTypes.DoubleType)).add("part", DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    for (int r = 0; r < 12; r++) {
      rows.add(RowFactory.create("s" + (r % 2), r % 3, new double[] {r, -r}, r >= 10 ? "eval" : "fit"));
    }
    String path = tmp.resolve("split.parquet").toString();
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(path);
    Specs s = Specs.of(DataSpec.Source.PARQUET, path);
    s.clientColumn = "site";
    s.ownSplit = new DataSpec.OwnSplit("part", "fit", "eval");
    FederatedData fd = FederatedDataLoader.load(sc, s.build(), 2);
    List<ClientData> clients = Specs.clients(fd);
    assertArrayEquals(new int[] {0, 2, 4, 6, 8}, rowsOf(clients.get(0).train()));
    assertArrayEquals(new int[] {10}, rowsOf(clients.get(0).test()));
    assertArrayEquals(new int[] {1, 3, 5, 7, 9}, rowsOf(clients.get(1).train()));
    assertArrayEquals(new int[] {11}, rowsOf(clients.get(1).test()));
    Specs.release(fd);

    s.ownSplit = new DataSpec.OwnSplit("nope", "fit", "eval");
    DataException e = assertThrows(DataException.class, () -> FederatedDataLoader.load(sc, s.build(), 2));
    assertTrue(e.getMessage().contains("has no split column 'nope'"), e.getMessage());
  }

  @Test
  void anExplicitTestFractionIsRefusedWithTheSplitColumn() {
    FedConfig cfg = FedConfig.parse("data { source = csv, path = x.csv, split-column = split, test-fraction = 0.1 }",
        "t.conf", List.of());
    ConfigException e = assertThrows(ConfigException.class, () -> DataSpecs.from(cfg));
    assertTrue(e.getMessage().contains("'data.test-fraction' = 0.1 has no effect with 'data.split-column' = split"),
        e.getMessage());
    DataSpec ok = DataSpecs.from(FedConfig.parse("data { source = csv, path = x.csv, split-column = split }", "t.conf",
        List.of()));
    assertEquals(new DataSpec.OwnSplit("split", "train", "test"), ok.ownSplit());
    ConfigException libsvm = assertThrows(ConfigException.class, () -> DataSpecs.from(FedConfig.parse(
        "data { source = libsvm, path = x, split-column = split }", "t.conf", List.of())));
    assertTrue(libsvm.getMessage().contains("'data.split-column' needs data.source = csv or parquet"),
        libsvm.getMessage());
  }
}
