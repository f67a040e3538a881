package org.fedspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.fedspark.config.ConfigKey;
import org.fedspark.config.Keys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line without Spark: help, keys, and the errors a user sees before anything starts. */
class FedSparkCliTest {
  @TempDir
  Path tmp;

  private record Outcome(int code, String out, String err) {}

  private static Outcome exec(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = FedSparkCli.execute(new PrintWriter(out), new PrintWriter(err), args);
    return new Outcome(code, out.toString(), err.toString());
  }

  @Test
  void helpListsTheCommands() {
    Outcome o = exec("--help");
    assertEquals(0, o.code());
    for (String c : new String[] {"run", "resume", "evaluate", "keys", "bench", "export-leaf"}) {
      assertTrue(o.out().contains(c), o.out());
    }
    Outcome run = exec("run", "--help");
    assertTrue(run.out().contains("--set") && run.out().contains("--out") && run.out().contains("Exit codes"), run.out());
    Outcome export = exec("export-leaf");
    assertEquals(2, export.code(), "CONFIG and --out are required");
    assertTrue(export.err().contains("--out"), export.err());
  }

  @Test
  void benchPytorchWithoutTorchFailsInOneLineBeforeAnythingRuns() throws Exception {
    Path fake = tmp.resolve("python3");
    Files.writeString(fake, "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'torch'\" >&2\nexit 1\n");
    assertTrue(fake.toFile().setExecutable(true));
    Path out = tmp.resolve("bench");
    Outcome o = exec("bench", "--pytorch", "--python", fake.toString(), "--out", out.toString());
    assertEquals(ExitCode.USER_ERROR.code(), o.code(), o.err());
    assertEquals(java.util.List.of("error: the PyTorch comparison needs torch, and " + fake + " cannot import it "
        + "(ModuleNotFoundError: No module named 'torch'); install Debian's python3-torch (bin/setup does: apt-get "
        + "install python3-torch) or give --python an interpreter that has torch and numpy"), o.err().lines().toList());
    assertTrue(!Files.exists(out), "nothing was run or written");
  }

  @Test
  void keysPrintsEveryKeyWithItsDoc() {
    Outcome o = exec("keys");
    assertEquals(0, o.code());
    for (ConfigKey k : Keys.ALL) {
      assertTrue(o.out().contains(k.path()), k.path());
      assertTrue(o.out().contains(k.doc()), k.doc());
    }
  }

  @Test
  void badKeyExitsWithCodeTwoAndNamesTheKey() throws Exception {
    Path conf = tmp.resolve("bad.conf");
    Files.writeString(conf, "train.lrr = 0.1\nmodel.type = cnn\n");
    Outcome o = exec("run", conf.toString());
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains("train.lrr") && o.err().contains("did you mean 'train.lr'"), o.err());
    assertTrue(o.err().contains("one of softmax, logistic, mlp"), o.err());
  }

  @Test
  void resumeAndEvaluateOfADirectoryThatIsNoRunExitWithCodeTwo() {
    for (String command : new String[] {"resume", "evaluate"}) {
      Outcome o = exec(command, tmp.toString());
      assertEquals(2, o.code(), command + ": " + o.err());
      assertTrue(o.err().contains("is not a fedspark run directory (it has no config.conf)"), o.err());
    }
  }

  @Test
  void missingConfigFileExitsWithCodeTwo() {
    Outcome o = exec("run", tmp.resolve("nope.conf").toString());
    assertEquals(2, o.code());
    assertTrue(o.err().contains("does not exist"), o.err());
  }

  @Test
  void shippedConfigsAreValid() throws Exception {
    try (var files = Files.list(Path.of("conf"))) {
      for (Path p : files.filter(f -> f.toString().endsWith(".conf")).toList()) {
        org.fedspark.run.FedSpark.loadConfig(p.toString(), java.util.List.of());
      }
    }
  }

  /** Every shipped config passes the checks made before Spark starts (data paths, model, algorithm). */
  @Test
  void shippedConfigsPassPreflight() throws Exception {
    try (var files = Files.list(Path.of("conf"))) {
      for (Path p : files.filter(f -> f.toString().endsWith(".conf")).toList()) {
        org.fedspark.config.FedConfig cfg = org.fedspark.run.FedSpark.loadConfig(p.toString(), java.util.List.of());
        org.fedspark.run.Preflight.checkConfig(cfg, new org.apache.hadoop.conf.Configuration());
      }
    }
  }

  /** Issue 11, item 9: an OutOfMemoryError on the driver is exit 5 and names FEDSPARK_MEMORY, in one line. */
  @Test
  void outOfMemoryIsExitFiveNamingTheHeapSetting() {
    StringWriter err = new StringWriter();
    int code = ErrorHandler.handle(new OutOfMemoryError("Java heap space"), new PrintWriter(err));
    assertEquals(ExitCode.OUT_OF_MEMORY.code(), code);
    assertTrue(err.toString().contains("FEDSPARK_MEMORY") && err.toString().lines().count() == 1, err.toString());
  }

  /** Issue 11, item 3: Hadoop's FSError for a full disk is exit 4, one line, no trace. */
  @Test
  void diskFullIsExitFour() throws Exception {
    StringWriter err = new StringWriter();
    var make = org.apache.hadoop.fs.FSError.class.getDeclaredConstructor(Throwable.class);
    make.setAccessible(true); // Hadoop makes it only inside its file system code
    Error fsError = make.newInstance(new java.io.IOException("No space left on device"));
    int code = ErrorHandler.handle(new java.io.UncheckedIOException("cannot write /x/.metrics.csv.tmp-1",
        new java.io.IOException(fsError)), new PrintWriter(err));
    assertEquals(ExitCode.DISK_FULL.code(), code);
    assertTrue(err.toString().startsWith("error: disk full") && err.toString().lines().count() == 1, err.toString());
  }

  /** An unexpected failure is one line naming a log file that holds the stack trace. */
  @Test
  void unexpectedErrorNamesTheLogWithTheTrace() throws Exception {
    StringWriter err = new StringWriter();
    int code = ErrorHandler.handle(new IllegalStateException("boom"), new PrintWriter(err));
    assertEquals(1, code);
    String line = err.toString().trim();
    assertTrue(line.startsWith("error: IllegalStateException: boom (details: ") && !line.contains("\n"), line);
    Path log = Path.of(line.substring(line.indexOf("(details: ") + 10, line.length() - 1));
    assertTrue(Files.readString(log).contains("\tat org.fedspark.cli.FedSparkCliTest"), Files.readString(log));
    Files.delete(log);
  }

  /** Issue 11, item 5: include cycles are named, not a StackOverflowError. */
  @Test
  void includeCyclesAreNamed() throws Exception {
    Files.writeString(tmp.resolve("a.conf"), "include \"b.conf\"\n");
    Files.writeString(tmp.resolve("b.conf"), "include \"a.conf\"\n");
    Files.writeString(tmp.resolve("self.conf"), "run.rounds = 3\ninclude \"self.conf\"\n");
    Outcome o = exec("run", tmp.resolve("a.conf").toString());
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains("include cycle: " + tmp.resolve("a.conf") + " includes " + tmp.resolve("b.conf") + " includes "
        + tmp.resolve("a.conf")), o.err());
    Outcome self = exec("run", tmp.resolve("self.conf").toString());
    assertTrue(self.code() == 2 && self.err().contains("include cycle"), self.err());
  }

  /**
   * Issue 11, item 8: a key with no effect is an error when the user set it in the config or with
   * run --set, a warning when it comes from an included file, compare's shared --set or a run's
   * written config.conf.
   */
  @Test
  void keysWithNoEffectAreErrorsWhenExplicitWarningsOtherwise() throws Exception {
    Files.writeString(tmp.resolve("base.conf"), "data.path = /data/x.csv\nfedprox.mu = 0.5\n");
    Files.writeString(tmp.resolve("top.conf"), "include \"base.conf\"\nrun.rounds = 3\n");
    Files.writeString(tmp.resolve("direct.conf"), "run.rounds = 3\nmodel.hidden = 10\n");
    java.util.List<String> warnings = new java.util.ArrayList<>();
    String top = tmp.resolve("top.conf").toString();
    org.fedspark.config.FedConfig cfg = org.fedspark.config.FedConfig.parse(Files.readString(tmp.resolve("top.conf")), top,
        java.util.List.of(), name -> readQuietly(tmp.resolve(name)));
    org.fedspark.config.KeyScope.check(cfg, top, false, java.util.List.of(), warnings::add);
    assertEquals(2, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("'data.path'") && warnings.get(0).contains("data.source is libsvm"), warnings.get(0));

    Outcome direct = exec("run", tmp.resolve("direct.conf").toString());
    assertEquals(2, direct.code(), direct.err());
    assertTrue(direct.err().contains("key 'model.hidden' = 10") && direct.err().contains("model.type is mlp"), direct.err());
    Outcome set = exec("run", "conf/quickstart.conf", "--set", "data.path=/data/x.csv");
    assertTrue(set.code() == 2 && set.err().contains("'data.path'") && set.err().contains("--set data.path"), set.err());

    warnings.clear();
    String q = "conf/quickstart.conf";
    org.fedspark.config.FedConfig shared = org.fedspark.config.FedConfig.parse(Files.readString(Path.of(q)), q,
        java.util.List.of("fedprox.mu=0.5"));
    org.fedspark.config.KeyScope.check(shared, q, false, java.util.List.of("fedprox.mu"), warnings::add);
    assertEquals(1, warnings.size(), "compare's shared --set: a warning");
    org.fedspark.config.KeyScope.check(shared.with(java.util.List.of()), "config", true, java.util.List.of(), warnings::add);
    assertEquals(2, warnings.size(), "a run's written config.conf: a warning");
    assertTrue(shared.with(java.util.List.of()).render().startsWith(org.fedspark.config.FedConfig.RESOLVED_HEADER));
  }

  private static String readQuietly(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Issue 11, item 11: the limits a message gives are the real ones. */
  @Test
  void rangeMessagesGiveTheRealLimits() {
    Outcome rounds = exec("run", "conf/quickstart.conf", "--set", "run.rounds=99999999999");
    assertTrue(rounds.code() == 2 && rounds.err().contains("[1, 2147483647 (2³¹ − 1)]") && !rounds.err().contains("∞"),
        rounds.err());
    Outcome seed = exec("run", "conf/quickstart.conf", "--set", "run.seed=1e20");
    assertTrue(seed.code() == 2 && seed.err().contains("'1e20' is out of range"), seed.err());
    Outcome hidden = exec("run", "conf/quickstart.conf", "--set", "model.type=mlp", "--set", "model.hidden=5e7",
        "--out", tmp.resolve("h").toString());
    assertTrue(hidden.code() == 2 && hidden.err().contains("model.hidden = 50000000") && hidden.err().contains("3550000010 parameters")
        && !hidden.err().contains("negative"), hidden.err());
    assertTrue(!Files.exists(tmp.resolve("h")), "checked before the output directory is made");
  }
}
