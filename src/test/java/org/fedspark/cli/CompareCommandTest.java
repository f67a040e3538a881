package org.fedspark.cli;

import static org.fedspark.testing.FakeRunDir.round;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.fedspark.report.RoundMetrics;
import org.fedspark.testing.FakeRunDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code fedspark compare} without Spark: the checks that refuse a comparison before anything runs,
 * and comparisons of finished run directories (which need no Spark session).
 */
class CompareCommandTest {
  @TempDir
  Path tmp;

  private record Outcome(int code, String err, String out) {}

  private static Outcome exec(String... args) {
    StringWriter err = new StringWriter();
    StringWriter out = new StringWriter();
    CommandLine cmd = new CommandLine(new FedSparkCli()).setExecutionExceptionHandler(new ErrorHandler());
    cmd.setErr(new PrintWriter(err));
    cmd.setOut(new PrintWriter(out));
    int code = cmd.execute(args);
    return new Outcome(code, err.toString(), out.toString());
  }

  @Test
  void helpListsCompareAndExplainsItsExitCodes() {
    Outcome top = exec("--help");
    assertTrue(top.out().contains("compare") && top.out().contains("fedspark compare conf/"), top.out());
    Outcome help = exec("compare", "--help");
    assertEquals(0, help.code());
    for (String s : List.of("--allow-different-data", "--overwrite", "--set", "--out", "Exit codes", "3 a run diverged or failed")) {
      assertTrue(help.out().contains(s), s + " in " + help.out());
    }
  }

  private static final List<RoundMetrics> ROWS = List.of(round(5, 0.5, 0.25, 0.5, 100, 200), round(10, 0.6, 0.3, 0.6, 200, 400));

  @Test
  void configsOnDifferentDataAreRefusedBeforeAnythingRunsNamingEachKeyAndValue() throws Exception {
    Path a = Files.writeString(tmp.resolve("fedavg.conf"), "run.seed = 1\nalgorithm.name = fedavg\ndata.synthetic.clients = 12\n");
    Path b = Files.writeString(tmp.resolve("local.conf"), "run.seed = 2\nalgorithm.name = local\n");
    Path out = tmp.resolve("cmp");
    Outcome o = exec("compare", a.toString(), b.toString(), "--out", out.toString());
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains("not on the same federation"), o.err());
    assertTrue(o.err().contains("key 'run.seed' differs: fedavg = 1, local = 2"), o.err());
    assertTrue(o.err().contains("key 'data.synthetic.clients' differs: fedavg = 12, local = 30"), o.err());
    assertFalse(o.err().contains("algorithm.name"), "the method is what is being compared: " + o.err());
    assertTrue(o.err().contains("--allow-different-data"), o.err());
    assertFalse(Files.exists(out), "nothing is written when the comparison is refused");
  }

  @Test
  void runDirectoriesOnDifferentDataAreRefusedUnlessAllowed() throws Exception {
    Path a = FakeRunDir.write(tmp.resolve("a"), "completed", "", "fedavg", ROWS, 105, null, 1.0, "train.client-fraction=0.2");
    Path b = FakeRunDir.write(tmp.resolve("b"), "completed", "", "local", ROWS, 105, null, 1.0, "train.client-fraction=0.5");
    Outcome refused = exec("compare", a.toString(), b.toString(), "--out", tmp.resolve("no").toString());
    assertEquals(2, refused.code(), refused.err());
    assertTrue(refused.err().contains("key 'train.client-fraction' differs: a = 0.2, b = 0.5"), refused.err());

    Outcome allowed = exec("compare", a.toString(), b.toString(), "--out", tmp.resolve("yes").toString(), "--allow-different-data");
    assertEquals(0, allowed.code(), allowed.err());
    assertEquals(3, Files.readAllLines(tmp.resolve("yes/comparison.csv")).size());
  }

  @Test
  void finishedRunsAreComparedWithoutSparkAndANotCompletedRunGivesExitThree() throws Exception {
    Path a = FakeRunDir.write(tmp.resolve("one/run"), "completed", "", "fedavg", ROWS, 105, null, 1.0);
    Path b = FakeRunDir.write(tmp.resolve("two/run"), "diverged", "diverged in round 10", "local", ROWS, 105, null, 1.0);
    Path out = tmp.resolve("cmp");
    Outcome o = exec("compare", a.toString(), b.toString(), "--out", out.toString());
    assertEquals(3, o.code(), o.err());
    List<String> csv = Files.readAllLines(out.resolve("comparison.csv"));
    assertEquals(3, csv.size());
    assertTrue(csv.get(1).startsWith("run,completed,fedavg,softmax,10,0.6,0.3,0.6,0.6,10,200,400,105,"), csv.get(1));
    assertTrue(csv.get(2).startsWith("run-2,diverged,local,"), "same directory names get -2: " + csv.get(2));
    Set<String> files = new TreeSet<>();
    try (var list = Files.list(out)) {
      list.forEach(p -> files.add(p.getFileName().toString()));
    }
    assertEquals(new TreeSet<>(List.of("comparison.csv", "comparison.md", "comparison.html", "accuracy.png",
        "accuracy_vs_uplink.png")), files, "every output, written atomically (no temporary file left)");
  }

  @Test
  void anEarlierComparisonIsKeptUnlessOverwriteIsGiven() throws Exception {
    Path a = FakeRunDir.write(tmp.resolve("a"), "completed", "", "fedavg", ROWS, 105, null, 1.0);
    Path out = tmp.resolve("cmp");
    assertEquals(0, exec("compare", a.toString(), "--out", out.toString()).code());
    Outcome again = exec("compare", a.toString(), "--out", out.toString());
    assertEquals(2, again.code(), again.err());
    assertTrue(again.err().contains("already holds the results") && again.err().contains("--overwrite"), again.err());
    assertEquals(0, exec("compare", a.toString(), "--out", out.toString(), "--overwrite").code());
  }

  @Test
  void aConfigIsNotRunOverARunDirectoryBeingCompared() throws Exception {
    Path out = tmp.resolve("cmp");
    Path earlier = FakeRunDir.write(out.resolve("fedavg"), "completed", "", "fedavg", ROWS, 105, null, 1.0);
    Path conf = Files.writeString(tmp.resolve("fedavg.conf"), "algorithm.name = fedavg\n");
    // The config comes first, so it is labelled "fedavg" and would run into cmp/fedavg: the very
    // directory given after it as a finished run.
    Outcome o = exec("compare", conf.toString(), earlier.toString(), "--out", out.toString(), "--overwrite");
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains("which is also given as a finished run to compare; choose another --out"), o.err());
    assertTrue(Files.exists(earlier.resolve("metrics.csv")), "the finished run is untouched");
  }

  @Test
  void aDirectoryThatIsNotARunIsAUserError() throws Exception {
    Files.createDirectories(tmp.resolve("notes"));
    Outcome o = exec("compare", tmp.resolve("notes").toString(), "--out", tmp.resolve("cmp").toString());
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains("is a directory but not a fedspark run directory"), o.err());
  }

  @Test
  void labelsAreFileNamesWithoutExtensionMadeUnique() {
    Set<String> used = new java.util.HashSet<>();
    assertEquals("fedavg", CompareCommand.unique(CompareCommand.baseName("conf/fedavg.conf", false), used));
    assertEquals("fedavg-2", CompareCommand.unique(CompareCommand.baseName("other/fedavg.conf", false), used));
    assertEquals("fedavg-3", CompareCommand.unique(CompareCommand.baseName("runs/fedavg", true), used));
    assertEquals("v1.2", CompareCommand.baseName("runs/v1.2", true), "a run directory keeps its whole name");
  }
}
