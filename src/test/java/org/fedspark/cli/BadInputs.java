package org.fedspark.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The table of bad inputs a user can give {@code fedspark run}, each with the exit code and a part of the
 * one-line message it must give (README, Troubleshooting). {@link #main} runs them all in one JVM,
 * through the real entry point, so that {@code FaultsTest} can check the exit codes and that nothing on
 * stderr is a stack trace; the cases found before Spark starts also check that the output directory
 * was not made.
 */
public final class BadInputs {
  /**
   * @param name what is wrong
   * @param code expected exit code
   * @param message a part of the expected message
   * @param untouched an output directory that must not exist afterwards (null: no such check)
   * @param args the command line
   */
  public record Case(String name, int code, String message, String untouched, List<String> args) {}

  private BadInputs() {}

  /** The cases, with their input files written under {@code dir}. */
  public static List<Case> cases(Path dir) throws IOException {
    return cases(dir, Path.of("conf/quickstart.conf").toAbsolutePath().toString());
  }

  /** @param q the absolute path of conf/quickstart.conf */
  public static List<Case> cases(Path dir, String q) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("self.conf"), "include \"self.conf\"\n");
    Files.writeString(dir.resolve("a.conf"), "include \"b.conf\"\nrun.rounds = 2\n");
    Files.writeString(dir.resolve("b.conf"), "include \"a.conf\"\n");
    Files.writeString(dir.resolve("a-file"), "not a directory\n");
    Path done = Files.createDirectories(dir.resolve("done-run"));
    Files.writeString(done.resolve("summary.json"), "{\"status\": \"completed\"}\n");
    Files.writeString(dir.resolve("one-class.csv"), "label,x\n0,1\n0,2\n0,3\n0,4\n0,5\n0,6\n");
    List<String> mixed = new ArrayList<>(List.of("label,x,y"));
    Files.createDirectories(dir.resolve("mixed"));
    for (int i = 0; i < 10; i++) {
      mixed.add(i % 2 + "," + i + "," + -i);
    }
    Files.write(dir.resolve("mixed/part-0.csv"), mixed);
    Files.write(dir.resolve("mixed/part-1.csv"), List.of("label,x,z", "0,1,2", "1,2,3"));
    Files.write(dir.resolve("huge.libsvm"), List.of("0 1:1 200000000:1", "1 2:1", "0 1:3"));
    String out = dir.resolve("out").toString();
    List<Case> c = new ArrayList<>();
    c.add(new Case("config file does not exist", 2, "does not exist", null, List.of("run", dir.resolve("nope.conf").toString())));
    c.add(new Case("unknown key (typo)", 2, "did you mean 'train.lr'", null, List.of("run", q, "--set", "train.lrr=0.1")));
    c.add(new Case("a file includes itself", 2, "include cycle", null, List.of("run", dir.resolve("self.conf").toString())));
    c.add(new Case("include cycle a -> b -> a", 2, "b.conf includes", null, List.of("run", dir.resolve("a.conf").toString())));
    c.add(new Case("key with no effect (data.path with synthetic data)", 2, "'data.path'", out + "-1",
        List.of("run", q, "--set", "data.path=/data/x.csv", "--out", out + "-1")));
    c.add(new Case("data.source = csv without data.path", 2, "data.path is not set", out + "-2",
        List.of("run", q, "--set", "data.source=csv", "--out", out + "-2")));
    c.add(new Case("data.path does not exist", 2, "does not exist", out + "-3",
        List.of("run", q, "--set", "data.source=csv", "--set", "data.path=" + dir.resolve("missing.csv"), "--out", out + "-3")));
    c.add(new Case("logistic model on 10-class data", 2, "logistic is binary", out + "-4",
        List.of("run", q, "--set", "model.type=logistic", "--out", out + "-4")));
    c.add(new Case("MLP too large for an array (model.hidden = 5e7)", 2, "model.hidden", out + "-5",
        List.of("run", q, "--set", "model.type=mlp", "--set", "model.hidden=50000000", "--out", out + "-5")));
    c.add(new Case("run.rounds beyond 2^31 - 1", 2, "2147483647", null, List.of("run", q, "--set", "run.rounds=99999999999")));
    c.add(new Case("run.seed = 1e20", 2, "'1e20' is out of range", null, List.of("run", q, "--set", "run.seed=1e20")));
    c.add(new Case("--out already holds a run", 2, "already holds the results", null, List.of("run", q, "--out", done.toString())));
    c.add(new Case("--out is a file", 2, "is a file", null, List.of("run", q, "--out", dir.resolve("a-file").toString())));
    c.add(new Case("--out is inside a file", 2, "which is a file", null,
        List.of("run", q, "--out", dir.resolve("a-file/run").toString())));
    c.add(new Case("--out under /proc", 2, "cannot write to output directory", null, List.of("run", q, "--out", "/proc/fedspark-run")));
    c.add(new Case("spark.master = bogus://x", 2, "spark.master", out + "-6",
        List.of("run", q, "--set", "spark.master=bogus://x", "--out", out + "-6")));
    c.add(new Case("s3a:// config without the connector", 2, "FEDSPARK_CLASSPATH", null, List.of("run", "s3a://bucket/x.conf")));
    c.add(new Case("s3a:// --out without the connector", 2, "FEDSPARK_CLASSPATH", null, List.of("run", q, "--out", "s3a://bucket/run")));
    c.add(new Case("s3a:// data.path without the connector", 2, "FEDSPARK_CLASSPATH", out + "-7",
        List.of("run", q, "--set", "data.source=csv", "--set", "data.path=s3a://bucket/x.csv", "--out", out + "-7")));
    // Found once Spark has read the data:
    c.add(new Case("data with a single class", 2, "a classifier needs examples of at least 2 classes", null,
        List.of("run", q, "--set", "data.source=csv", "--set", "data.path=" + dir.resolve("one-class.csv"),
            "--set", "partition.clients=2", "--out", out + "-8")));
    c.add(new Case("CSV part files with different columns", 2, "part-1.csv has the header", null,
        List.of("run", q, "--set", "data.source=csv", "--set", "data.path=" + dir.resolve("mixed"), "--out", out + "-9")));
    c.add(new Case("LIBSVM index 200,000,000 (inferred features)", 2, "200000000 features were inferred", null,
        List.of("run", q, "--set", "data.source=libsvm", "--set", "data.path=" + dir.resolve("huge.libsvm"),
            "--set", "partition.clients=2", "--out", out + "-10")));
    return c;
  }

  /** Runs every case in this JVM: "CASE i code" on stdout before each case's own output. */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    List<Case> cases = cases(dir, args[1]);
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    for (int i = 0; i < cases.size(); i++) {
      err.println("CASE " + i);
      int code = FedSparkCli.execute(out, err, cases.get(i).args().toArray(new String[0]));
      out.println("CASE " + i + " " + code);
    }
  }
}
