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
import picocli.CommandLine;

/** The command line without Spark: help, keys, and the errors a user sees before anything starts. */
class FedSparkCliTest {
  @TempDir
  Path tmp;

  private record Outcome(int code, String out, String err) {}

  private static Outcome exec(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new FedSparkCli()).setExecutionExceptionHandler(new ErrorHandler());
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    int code = cmd.execute(args);
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
}
