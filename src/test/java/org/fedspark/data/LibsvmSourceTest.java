package org.fedspark.data;

import static org.apache.spark.sql.functions.col;
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

class LibsvmSourceTest extends LocalSparkTest {
  @TempDir
  Path tmp;

  /** Row r: label from labelOf, feature 1 = r + 1 (the row's identity), a sparse tail. */
  private static List<String> rows(int from, int count, java.util.function.IntFunction<String> labelOf) {
    List<String> lines = new ArrayList<>();
    for (int r = from; r < from + count; r++) {
      lines.add(labelOf.apply(r) + " 1:" + (r + 1) + (r % 2 == 0 ? " 3:0.5" : "") + " 5:" + (r % 7) / 7.0);
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
    return Specs.of(DataSpec.Source.LIBSVM, path.toString()).partition(DataSpec.Scheme.IID, 3);
  }

  @Test
  void plusMinusOneLabelsBecomeClassesZeroAndOne() throws IOException {
    Path file = write("pm.libsvm", rows(0, 30, r -> r % 3 == 0 ? "-1" : "+1"));
    FederatedData fd = FederatedDataLoader.load(sc, spec(file).build(), 2);
    assertEquals(2, fd.info().numClasses());
    assertEquals(5, fd.info().numFeatures());
    int seen = 0;
    for (ClientData cd : Specs.clients(fd)) {
      for (LocalDataset part : List.of(cd.train(), cd.test())) {
        for (int i = 0; i < part.size(); i++) {
          int r = (int) part.features()[i * 5] - 1;
          assertEquals(r % 3 == 0 ? 0 : 1, part.label(i), "row " + r);
          assertEquals(r % 2 == 0 ? 0.5 : 0.0, part.features()[i * 5 + 2]);
          seen++;
        }
      }
    }
    assertEquals(30, seen);
    Specs.release(fd);
  }

  @Test
  void sameClientsWhateverTheSplitSizeAndPartitionCount() throws IOException {
    Path dir = tmp.resolve("many");
    write("many/part-a.libsvm", rows(0, 60, r -> Integer.toString(r % 4)));
    write("many/part-b.libsvm", rows(60, 50, r -> Integer.toString(r % 4)));
    write("many/part-c.libsvm", rows(110, 40, r -> Integer.toString(r % 4)));
    Specs s = spec(dir).partition(DataSpec.Scheme.DIRICHLET, 6);
    FederatedData whole = FederatedDataLoader.load(sc, s.build(), 1);
    List<ClientData> a = Specs.clients(whole);
    FederatedData pieces;
    spark.conf().set("spark.sql.files.maxPartitionBytes", "1024");
    try {
      long splits = spark.read().format("libsvm").load(dir.toString())
          .select(col("_metadata.file_path"), col("_metadata.file_block_start")).distinct().count();
      assertTrue(splits > 3, "the 3 files should be read in more pieces, got " + splits);
      pieces = FederatedDataLoader.load(sc, s.build(), 3);
    } finally {
      spark.conf().unset("spark.sql.files.maxPartitionBytes");
    }
    Specs.assertSameClients(a, Specs.clients(pieces));
    assertEquals(150, whole.info().totalTrain() + whole.info().totalTest());
    Specs.release(whole);
    Specs.release(pieces);
  }

  @Test
  void valueThatIsNotANumberNamesFileAndLine() throws IOException {
    List<String> lines = rows(0, 10, r -> "1");
    lines.add(3, "1 3:abc");
    Path file = write("bad.libsvm", lines);
    DataException e = assertThrows(DataException.class, () -> FederatedDataLoader.load(sc, spec(file).build(), 2));
    assertTrue(e.getMessage().contains("bad.libsvm, line 4: in '3:abc' the value 'abc' is not a number"),
        e.getMessage());
    assertTrue(e.getCause() != null, "Spark's own exception is chained");
  }

  @Test
  void descendingIndicesNameFileAndLineInTheRightFile() throws IOException {
    write("dir/a.libsvm", rows(0, 5, r -> "0"));
    List<String> lines = rows(5, 5, r -> "1");
    lines.add(0, "# a comment line");
    lines.add(1, "");
    lines.add(4, "1 4:1 2:1");
    write("dir/b.libsvm", lines);
    DataException e = assertThrows(DataException.class,
        () -> FederatedDataLoader.load(sc, spec(tmp.resolve("dir")).build(), 2));
    assertTrue(e.getMessage().contains("b.libsvm, line 5: index 2 follows index 4"), e.getMessage());
  }

  @Test
  void indexBeyondTheDeclaredFeatureCountNamesTheLine() throws IOException {
    List<String> lines = rows(0, 6, r -> "1");
    lines.add("0 1:1 9:2");
    Path file = write("wide.libsvm", lines);
    Specs s = spec(file);
    s.numFeatures = 5;
    DataException e = assertThrows(DataException.class, () -> FederatedDataLoader.load(sc, s.build(), 2));
    assertTrue(e.getMessage().contains("wide.libsvm, line 7: index 9 exceeds data.num-features = 5"), e.getMessage());
  }

  @Test
  void nonIntegerLabelIsAnErrorWithItsLineOrDroppedOnRequest() throws IOException {
    List<String> lines = rows(0, 20, r -> Integer.toString(r % 3));
    lines.add(0, "# header comment");
    lines.add(6, "2.5 1:99");
    Path file = write("frac.libsvm", lines);
    Specs s = spec(file);
    DataException e = assertThrows(DataException.class, () -> FederatedDataLoader.load(sc, s.build(), 2));
    assertTrue(e.getMessage().contains("frac.libsvm, line 7: label (first field) 2.5 is not an integer class id"),
        e.getMessage());
    assertTrue(e.getMessage().contains("data.bad-rows=drop"), e.getMessage());
    s.badRows = DataSpec.Policy.DROP;
    FederatedData fd = FederatedDataLoader.load(sc, s.build(), 2);
    assertEquals(20, fd.info().totalTrain() + fd.info().totalTest());
    assertEquals(3, fd.info().numClasses());
    Specs.release(fd);
  }

  @Test
  void nanFeatureIsAnErrorOrDropped() throws IOException {
    List<String> lines = rows(0, 12, r -> "1");
    lines.add(2, "0 2:NaN");
    Path file = write("nan.libsvm", lines);
    Specs s = spec(file);
    DataException e = assertThrows(DataException.class, () -> FederatedDataLoader.load(sc, s.build(), 2));
    assertTrue(e.getMessage().contains("nan.libsvm, line 3: feature 2 is NaN"), e.getMessage());
    s.badRows = DataSpec.Policy.DROP;
    FederatedData fd = FederatedDataLoader.load(sc, s.build(), 2);
    assertEquals(12, fd.info().totalTrain() + fd.info().totalTest());
    Specs.release(fd);
  }

  @Test
  void labelBeyondTheDeclaredClassCountIsOutOfRange() throws IOException {
    Path file = write("range.libsvm", rows(0, 12, r -> Integer.toString(r % 4)));
    Specs s = spec(file);
    s.numClasses = 3;
    DataException e = assertThrows(DataException.class, () -> FederatedDataLoader.load(sc, s.build(), 2));
    assertTrue(e.getMessage().contains("range.libsvm, line 4: label (first field) 3 is out of range"), e.getMessage());
  }

  @Test
  void unknownPathIsNamed() {
    String missing = tmp.resolve("no-such-dir").toString();
    DataException e = assertThrows(DataException.class,
        () -> FederatedDataLoader.load(sc, spec(Path.of(missing)).build(), 2));
    assertTrue(e.getMessage().contains(missing), e.getMessage());
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }

  @Test
  void clientColumnIsRefusedForLibsvm() throws IOException {
    Path file = write("x.libsvm", rows(0, 5, r -> "1"));
    Specs s = spec(file);
    s.clientColumn = "user";
    DataException e = assertThrows(DataException.class, () -> FederatedDataLoader.load(sc, s.build(), 2));
    assertTrue(e.getMessage().contains("data.client-column"), e.getMessage());
  }

  /** Issue 11, item 9: one stray index would make every dense row 1.6 GB; refused before reading rows. */
  @Test
  void strayHugeIndexIsRefusedBeforeAnyRowIsDensified() throws IOException {
    Path file = write("huge.libsvm", List.of("0 1:1 200000000:1", "1 2:1", "0 1:2"));
    DataException e = assertThrows(DataException.class, () -> FederatedDataLoader.load(sc, spec(file).build(), 2));
    assertTrue(e.getMessage().contains("200000000 features were inferred from the largest index")
        && e.getMessage().contains("data.num-features") && e.getMessage().contains("FEDSPARK_MEMORY"), e.getMessage());
  }

  /** Issue 11, item 11: an index beyond 2³¹ − 1 is an integer, just too large for Spark's reader. */
  @Test
  void indexBeyondTheIntRangeIsCalledTooLargeNotNonInteger() throws IOException {
    Path file = write("big.libsvm", List.of("0 1:1", "1 2147483648:1"));
    DataException e = assertThrows(DataException.class, () -> FederatedDataLoader.load(sc, spec(file).build(), 2));
    assertTrue(e.getMessage().contains("big.libsvm, line 2") && e.getMessage().contains("larger than 2147483647")
        && !e.getMessage().contains("not an integer"), e.getMessage());
  }
}
