package org.fedspark.data;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fedspark.testing.LocalSparkTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvSourceTest extends LocalSparkTest {
  private static final String HEADER = "user,label,f1,f2,note,f3";
  private static final String[] USERS = {"u2", "u10", "alice", "bob"};

  @TempDir
  Path tmp;

  /** Row r: user USERS[r % 4], label r % 3, f1 = r (identity), f2 = r / 10, note text, f3 = -r. */
  private static String row(int r) {
    return USERS[r % USERS.length] + "," + (r % 3) + "," + r + "," + (r / 10.0) + ",note " + r + "," + (-r);
  }

  private static List<String> rows(int from, int count, boolean header) {
    List<String> lines = new ArrayList<>();
    if (header) {
      lines.add(HEADER);
    }
    for (int r = from; r < from + count; r++) {
      lines.add(row(r));
    }
    return lines;
  }

  private Path write(String name, List<String> lines) throws IOException {
    Path p = tmp.resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, lines);
    return p;
  }

  private Specs spec(Path path) {
    Specs s = Specs.of(DataSpec.Source.CSV, path.toString()).partition(DataSpec.Scheme.IID, 3);
    s.featuresColumn = "f1,f2,f3";
    return s;
  }

  @Test
  void clientColumnGivesClientsInStringOrder() throws IOException {
    Path file = write("users.csv", rows(0, 40, true));
    Specs s = spec(file);
    s.clientColumn = "user";
    FederatedData fd = FederatedDataLoader.load(sc, s.build(), 2);
    List<ClientData> clients = Specs.clients(fd);
    String[] sorted = {"alice", "bob", "u10", "u2"};
    assertEquals(4, clients.size());
    assertEquals(3, fd.info().numFeatures());
    for (ClientData cd : clients) {
      assertEquals(10, cd.train().size() + cd.test().size());
      for (LocalDataset part : List.of(cd.train(), cd.test())) {
        for (int i = 0; i < part.size(); i++) {
          int r = (int) part.features()[i * 3];
          assertEquals(sorted[cd.clientId()], USERS[r % 4], "row " + r + " of client " + cd.clientId());
          assertEquals(r % 3, part.label(i));
          assertArrayEquals(new double[] {r, r / 10.0, -r}, java.util.Arrays.copyOfRange(part.features(), i * 3,
              i * 3 + 3));
        }
      }
    }
    assertTrue(fd.info().name().contains("by column user"), fd.info().name());
    Specs.release(fd);
  }

  @Test
  void featuresDefaultToEveryNumericColumnButLabelAndClient() throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("label,a,b");
    for (int r = 0; r < 12; r++) {
      lines.add((r % 2) + "," + r + "," + (2 * r));
    }
    FederatedData fd = FederatedDataLoader.load(sc, Specs.of(DataSpec.Source.CSV,
        write("plain.csv", lines).toString()).partition(DataSpec.Scheme.IID, 2).build(), 2);
    assertEquals(2, fd.info().numFeatures());
    assertEquals(2, fd.info().numClasses());
    for (ClientData cd : Specs.clients(fd)) {
      for (int i = 0; i < cd.train().size(); i++) {
        assertEquals(2 * cd.train().features()[2 * i], cd.train().features()[2 * i + 1]);
      }
    }
    Specs.release(fd);
  }

  @Test
  void withoutHeaderColumnsAreNamedLikeSpark() throws IOException {
    Path file = write("nohead.csv", rows(0, 20, false));
    Specs s = spec(file);
    s.csvHeader = false;
    s.labelColumn = "_c1";
    s.featuresColumn = "_c2,_c3";
    FederatedData fd = FederatedDataLoader.load(sc, s.build(), 2);
    assertEquals(20, fd.info().totalTrain() + fd.info().totalTest());
    assertEquals(2, fd.info().numFeatures());
    Specs.release(fd);
  }

  @Test
  void sameClientsWhateverTheSplitSizeAndPartitionCount() throws IOException {
    Path dir = tmp.resolve("parts");
    write("parts/a.csv", rows(0, 50, true));
    write("parts/b.csv", rows(50, 70, true));
    for (boolean natural : new boolean[] {true, false}) {
      Specs s = spec(dir).partition(DataSpec.Scheme.SHARDS, 5);
      s.clientColumn = natural ? "user" : "";
      FederatedData whole = FederatedDataLoader.load(sc, s.build(), 1);
      FederatedData pieces;
      spark.conf().set("spark.sql.files.maxPartitionBytes", "600");
      try {
        long splits = spark.read().option("header", "true").csv(dir.toString())
            .select(col("_metadata.file_path"), col("_metadata.file_block_start")).distinct().count();
        assertTrue(splits > 2, "the 2 files should be read in more pieces, got " + splits);
        pieces = FederatedDataLoader.load(sc, s.build(), 3);
      } finally {
        spark.conf().unset("spark.sql.files.maxPartitionBytes");
      }
      Specs.assertSameClients(Specs.clients(whole), Specs.clients(pieces));
      assertEquals(120, pieces.info().totalTrain() + pieces.info().totalTest());
      Specs.release(whole);
      Specs.release(pieces);
    }
  }

  @Test
  void wrongFieldCountNamesFileAndLineEvenForUnusedColumns() throws IOException {
    List<String> lines = rows(0, 10, true);
    lines.add(6, "u2,1,5,0.5,note");
    Path file = write("short.csv", lines);
    DataException e = assertThrows(DataException.class, () -> FederatedDataLoader.load(sc, spec(file).build(), 2));
    assertTrue(e.getMessage().contains("short.csv, line 7: has 5 fields, expected 6"), e.getMessage());
  }

  @Test
  void nonNumericFeatureNamesFileLineAndColumn() throws IOException {
    List<String> lines = rows(0, 10, true);
    lines.add(3, "");
    lines.add(9, "u2,1,5,x0.5,note,3");
    Path file = write("text.csv", lines);
    DataException e = assertThrows(DataException.class, () -> FederatedDataLoader.load(sc, spec(file).build(), 2));
    assertTrue(e.getMessage().contains("text.csv, line 10: feature column 'f2': 'x0.5' is not a number"),
        e.getMessage());
  }

  @Test
  void nanFeatureOrMissingLabelFollowTheBadRowsPolicy() throws IOException {
    List<String> lines = rows(0, 15, true);
    lines.add(4, "bob,2,4,NaN,note,1");
    lines.add(8, "bob,,4,1,note,1");
    Path file = write("nan.csv", lines);
    Specs s = spec(file);
    DataException e = assertThrows(DataException.class, () -> FederatedDataLoader.load(sc, s.build(), 2));
    assertTrue(e.getMessage().contains("nan.csv, line 5: column 'f2' is NaN (2 such rows in all)"), e.getMessage());
    assertTrue(e.getMessage().contains("data.bad-rows=drop"), e.getMessage());
    s.badRows = DataSpec.Policy.DROP;
    FederatedData fd = FederatedDataLoader.load(sc, s.build(), 2);
    assertEquals(15, fd.info().totalTrain() + fd.info().totalTest());
    Specs.release(fd);
  }

  @Test
  void rowWithoutClientIdIsABadRow() throws IOException {
    List<String> lines = rows(0, 12, true);
    lines.add(5, ",1,4,1,note,1");
    Specs s = spec(write("noclient.csv", lines));
    s.clientColumn = "user";
    DataException e = assertThrows(DataException.class, () -> FederatedDataLoader.load(sc, s.build(), 2));
    assertTrue(e.getMessage().contains("noclient.csv, line 6: client column 'user' is empty"), e.getMessage());
    s.badRows = DataSpec.Policy.DROP;
    FederatedData fd = FederatedDataLoader.load(sc, s.build(), 2);
    assertEquals(4, fd.info().numClients());
    assertEquals(12, fd.info().totalTrain() + fd.info().totalTest());
    Specs.release(fd);
  }

  @Test
  void missingLabelColumnListsTheColumns() throws IOException {
    Path file = write("x.csv", rows(0, 5, true));
    Specs s = spec(file);
    s.labelColumn = "class";
    DataException e = assertThrows(DataException.class, () -> FederatedDataLoader.load(sc, s.build(), 2));
    assertTrue(e.getMessage().contains("no label column 'class'"), e.getMessage());
    assertTrue(e.getMessage().contains("user, label, f1, f2, note, f3"), e.getMessage());
  }

  @Test
  void missingFeatureColumnIsNamed() throws IOException {
    Path file = write("x.csv", rows(0, 5, true));
    Specs s = spec(file);
    s.featuresColumn = "f1,f9";
    DataException e = assertThrows(DataException.class, () -> FederatedDataLoader.load(sc, s.build(), 2));
    assertTrue(e.getMessage().contains("no feature column 'f9'"), e.getMessage());
  }

  /**
   * Issue 11, item 2: a part file whose header lists the columns in another order is read by name, so
   * every row keeps f1 = r, f2 = r / 10, f3 = −r (read by position, f1 and f2 would be swapped).
   */
  @Test
  void partFilesWithColumnsInAnotherOrderAreReadByName() throws IOException {
    write("parts/part-0.csv", rows(0, 20, true));
    List<String> swapped = new ArrayList<>();
    swapped.add("user,label,f2,f1,note,f3");
    for (int r = 20; r < 40; r++) {
      swapped.add(USERS[r % 4] + "," + (r % 3) + "," + (r / 10.0) + "," + r + ",note " + r + "," + (-r));
    }
    write("parts/part-1.csv", swapped);
    FederatedData fd = FederatedDataLoader.load(sc, spec(tmp.resolve("parts")).build(), 2);
    int seen = 0;
    for (ClientData cd : Specs.clients(fd)) {
      for (LocalDataset part : List.of(cd.train(), cd.test())) {
        for (int i = 0; i < part.size(); i++) {
          int r = (int) part.features()[i * 3];
          assertArrayEquals(new double[] {r, r / 10.0, -r}, java.util.Arrays.copyOfRange(part.features(), i * 3, i * 3 + 3),
              "row " + r);
          assertEquals(r % 3, part.label(i));
          seen++;
        }
      }
    }
    assertEquals(40, seen);
    Specs.release(fd);
  }

  /** Headers that name different columns cannot be aligned: refused, naming the file. */
  @Test
  void partFileWithOtherColumnsIsRefusedByName() throws IOException {
    write("mixed/part-0.csv", rows(0, 10, true));
    List<String> other = new ArrayList<>(rows(10, 10, true));
    other.set(0, "user,label,f1,f2,note,f9");
    write("mixed/part-1.csv", other);
    DataException e = assertThrows(DataException.class,
        () -> FederatedDataLoader.load(sc, spec(tmp.resolve("mixed")).build(), 2));
    assertTrue(e.getMessage().contains("part-1.csv") && e.getMessage().contains("missing: f3")
        && e.getMessage().contains("f9"), e.getMessage());
  }

  /** Issue 11, item 11: an empty file says so (not "the header has: ."). */
  @Test
  void emptyCsvSaysItIsEmpty() throws IOException {
    Path file = write("empty.csv", List.of());
    DataException e = assertThrows(DataException.class, () -> FederatedDataLoader.load(sc, spec(file).build(), 2));
    assertTrue(e.getMessage().contains("is empty") && !e.getMessage().contains("header has"), e.getMessage());
  }
}
