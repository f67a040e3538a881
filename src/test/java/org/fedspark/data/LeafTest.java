package org.fedspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.fedspark.config.ConfigException;
import org.fedspark.config.FedConfig;
import org.fedspark.run.DataSpecs;
import org.fedspark.testing.LocalSparkTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The LEAF JSON reader and writer. */
class LeafTest extends LocalSparkTest {
  @TempDir
  Path tmp;

  private static String resource(String dir) {
    try {
      return Paths.get(LeafTest.class.getResource("/leaf/" + dir).toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Specs leaf(String train, String test) {
    Specs s = Specs.of(DataSpec.Source.LEAF, train);
    s.leafTest = test;
    return s;
  }

  private Path json(String name, String text) throws IOException {
    Path p = tmp.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    return p;
  }

  @Test
  void readsTheShippedFederationAsGiven() {
    FederatedData fd = FederatedDataLoader.load(sc, leaf(resource("train"), resource("test")).build(), 2);
    List<ClientData> c = Specs.clients(fd);
    assertArrayEquals(new String[] {"ann", "kim", "zed"}, fd.info().clientNames());
    assertEquals(4, fd.info().numFeatures(), "2x2 samples flatten to 4 features");
    assertEquals(3, fd.info().numClasses());
    // ann: train from part-a (listed second there), test from all.json.
    assertArrayEquals(new double[] {0.5, 0, 0, 0, 1, 1, 1, 1}, c.get(0).train().features());
    assertArrayEquals(new int[] {1, 1}, c.get(0).train().labels());
    assertArrayEquals(new double[] {4, 4, 4, 4}, c.get(0).test().features());
    assertArrayEquals(new int[] {0}, c.get(0).test().labels());
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, c.get(1).train().features());
    assertArrayEquals(new int[] {0, 1, 2}, c.get(1).train().labels());
    assertArrayEquals(new int[] {1, 0}, c.get(1).test().labels());
    assertArrayEquals(new double[] {13, 14, 15, 16, 17, 18, 19, 20}, c.get(1).test().features());
    assertArrayEquals(new int[] {2, 0}, c.get(2).train().labels());
    assertArrayEquals(new int[] {2}, c.get(2).test().labels());
    assertEquals("client_id,name\n0,ann\n1,kim\n2,zed\n", fd.info().clientsCsv());
    Specs.release(fd);
  }

  @Test
  void theShippedSampleLoadsWithItsConfig() {
    DataSpec spec = DataSpecs.from(org.fedspark.run.FedSpark.loadConfig("conf/leaf-sample.conf", List.of()));
    FederatedData fd = FederatedDataLoader.load(sc, spec, 2);
    assertEquals(6, fd.info().numClients());
    assertEquals(5, fd.info().numFeatures());
    assertEquals(3, fd.info().numClasses());
    assertEquals(1896, fd.info().totalTrain());
    assertEquals(210, fd.info().totalTest());
    assertEquals("f_00000", fd.info().clientNames()[0]);
    Specs.release(fd);
  }

  @Test
  void exportThenReadBackGivesTheSameFederation() {
    Specs syn = Specs.of(DataSpec.Source.SYNTHETIC, "");
    syn.synthetic = new DataSpec.SyntheticSpec(1, 1, false, 6, 5, 4);
    syn.testFraction = 0.1;
    FederatedData original = FederatedDataLoader.load(sc, syn.build(), 2);
    String dir = tmp.resolve("export").toString();
    LeafWriter.Written w = LeafWriter.write(original, spark.sparkContext().hadoopConfiguration(), dir, false);
    assertEquals(6, w.users());
    assertEquals(original.info().totalTrain(), w.trainSamples());
    assertEquals(original.info().totalTest(), w.testSamples());
    Specs back = leaf(dir + "/train", dir + "/test");
    back.numClasses = 4;
    FederatedData read = FederatedDataLoader.load(sc, back.build(), 3);
    Specs.assertSameClients(Specs.clients(original), Specs.clients(read));
    assertEquals(LeafWriter.userName(5), read.info().clientNames()[5]);
    assertEquals(original.info().numFeatures(), read.info().numFeatures());
    DataException again = assertThrows(DataException.class,
        () -> LeafWriter.write(original, spark.sparkContext().hadoopConfiguration(), dir, false));
    assertTrue(again.getMessage().contains("already exists"), again.getMessage());
    Specs.release(original);
    Specs.release(read);
  }

  @Test
  void withoutTestFilesEachUserIsSplitBySeed() {
    Specs s = leaf(resource("train"), "");
    s.testFraction = 0.4;
    FederatedData fd = FederatedDataLoader.load(sc, s.build(), 2);
    // kim: 3 samples → round(1.2) = 1 test; ann and zed: 2 samples → 1 test each (at least one).
    assertArrayEquals(new int[] {1, 2, 1}, fd.info().trainCounts());
    assertArrayEquals(new int[] {1, 1, 1}, fd.info().testCounts());
    Specs.release(fd);
  }

  @Test
  void usersMissingFromTestOrTrainAreReported() throws IOException {
    Path train = json("m/train.json", "{\"users\": [\"a\", \"b\"], \"user_data\": {\"a\": {\"x\": [[1], [2]], \"y\": [0, 1]},"
        + " \"b\": {\"x\": [[3]], \"y\": [1]}}}");
    Path test = json("m/test.json", "{\"users\": [\"a\", \"c\"], \"user_data\": {\"a\": {\"x\": [[4]], \"y\": [0]},"
        + " \"c\": {\"x\": [[5]], \"y\": [1]}}}");
    DataException e = assertThrows(DataException.class,
        () -> FederatedDataLoader.load(sc, leaf(train.toString(), test.toString()).build(), 2));
    assertTrue(e.getMessage().startsWith("1 LEAF users are only in the test files (e.g. 'c')"), e.getMessage());
    Specs s = leaf(train.toString(), test.toString());
    s.emptyClients = DataSpec.Policy.DROP;
    FederatedData fd = FederatedDataLoader.load(sc, s.build(), 2);
    assertArrayEquals(new String[] {"a", "b"}, fd.info().clientNames());
    assertArrayEquals(new int[] {1, 0}, fd.info().testCounts());
    String warning = Federations.warnWithoutTest(fd.info(), "t");
    assertTrue(warning.startsWith("1 of 2 clients have no test example in t (e.g. 1 'b')"), warning);
    Specs.release(fd);
  }

  /** Loads a single training file and returns the error. */
  private DataException badFile(String name, String text) throws IOException {
    Path p = json(name, text);
    return assertThrows(DataException.class, () -> FederatedDataLoader.load(sc, leaf(p.toString(), "").build(), 2));
  }

  @Test
  void malformedFilesNameFileUserAndSample() throws IOException {
    DataException label = badFile("label.json", "{\"users\": [\"u\"],\n \"user_data\": {\"u\": {\"x\": [[1], [2], [3]],\n"
        + " \"y\": [0, 1.5, 1]}}}");
    assertTrue(label.getMessage().matches("(?s).*label\\.json, line 3: user 'u', sample 1: y is 1\\.5; labels must be"
        + " integer class ids.*"), label.getMessage());

    DataException width = badFile("width.json", "{\"users\": [\"u\"], \"user_data\": {\"u\": {\n\"x\": [[1, 2],\n [3],"
        + " [4, 5]], \"y\": [0, 1, 1]}}}");
    assertTrue(width.getMessage().contains("width.json, line 3: user 'u', sample 1: x has 1 values, but sample 0 has 2"),
        width.getMessage());

    DataException text = badFile("text.json", "{\"users\": [\"u\"], \"user_data\": {\"u\": {\"x\": [[1], [\"a\"]],"
        + " \"y\": [0, 1]}}}");
    assertTrue(text.getMessage().contains("text.json, line 1: user 'u', sample 1: x holds the string \"a\""),
        text.getMessage());

    DataException counts = badFile("counts.json", "{\"users\": [\"u\"], \"num_samples\": [3], \"user_data\": {\"u\":"
        + " {\"x\": [[1], [2]], \"y\": [0, 1]}}}");
    assertTrue(counts.getMessage().contains("counts.json: user 'u': \"num_samples\" says 3 but it has 2 samples"),
        counts.getMessage());

    DataException lengths = badFile("lengths.json", "{\"users\": [\"u\"], \"user_data\": {\"u\": {\"x\": [[1], [2]],"
        + " \"y\": [0]}}}");
    assertTrue(lengths.getMessage().contains("lengths.json: user 'u' has 2 samples in x but 1 labels in y"),
        lengths.getMessage());

    DataException unlisted = badFile("unlisted.json", "{\"users\": [], \"user_data\": {\"u\": {\"x\": [[1]], \"y\": [0]}}}");
    assertTrue(unlisted.getMessage().contains("unlisted.json: user 'u' has data in \"user_data\" but is not in \"users\""),
        unlisted.getMessage());

    DataException json = badFile("broken.json", "{\"users\": [\"u\"],\n\"user_data\": {\"u\": {\"x\": [[1] [2]]}}}");
    assertTrue(json.getMessage().contains("broken.json, line 2: not valid JSON"), json.getMessage());

    DataException negative = badFile("negative.json", "{\"users\": [\"u\"], \"user_data\": {\"u\": {\"x\": [[1], [2]],"
        + " \"y\": [0, -1]}}}");
    assertTrue(negative.getMessage().contains("negative.json: user 'u', sample 1: label -1 is negative"),
        negative.getMessage());
  }

  @Test
  void aUserInTwoTrainingFilesIsRefused() throws IOException {
    json("dup/a.json", "{\"users\": [\"u\"], \"user_data\": {\"u\": {\"x\": [[1], [2]], \"y\": [0, 1]}}}");
    json("dup/b.json", "{\"users\": [\"u\"], \"user_data\": {\"u\": {\"x\": [[3], [4]], \"y\": [0, 1]}}}");
    DataException e = assertThrows(DataException.class,
        () -> FederatedDataLoader.load(sc, leaf(tmp.resolve("dup").toString(), "").build(), 2));
    assertTrue(e.getMessage().matches("LEAF user 'u' appears in two training files: .*a\\.json and .*b\\.json.*"),
        e.getMessage());
  }

  @Test
  void anExplicitTestFractionIsRefusedWithLeafTestFiles() {
    FedConfig cfg = FedConfig.parse("data { source = leaf, path = tr, leaf-test = te, test-fraction = 0.3 }", "t.conf",
        List.of());
    ConfigException e = assertThrows(ConfigException.class, () -> DataSpecs.from(cfg));
    assertTrue(e.getMessage().contains("'data.test-fraction' = 0.3 has no effect with 'data.leaf-test' = te"),
        e.getMessage());
    assertEquals("te", DataSpecs.from(FedConfig.parse("data { source = leaf, path = tr, leaf-test = te }", "t.conf",
        List.of())).leafTest());
  }
}
