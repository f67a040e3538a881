package org.fedspark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.fedspark.config.ConfigException;
import org.fedspark.config.FedConfig;
import org.fedspark.config.Keys;
import org.fedspark.report.OutputDir;
import org.fedspark.run.FedSpark;
import org.fedspark.run.PytorchComparison;
import org.fedspark.run.RoundBenchmark;
import org.fedspark.run.SparkSessions;
import org.fedspark.run.WorkloadExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fedspark bench}: a FedAvg round through Spark against the same arithmetic in a plain JVM loop
 * (the floor) and an empty Spark job, interleaved ({@link RoundBenchmark}); with {@code --pytorch}, a
 * whole run through {@code bin/fedspark run} against the same workload in a plain PyTorch loop
 * ({@link PytorchComparison}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Time FedAvg rounds on the Spark engine against a plain JVM loop doing the same arithmetic and an "
        + "empty Spark job, interleaved; with --pytorch, time whole runs against a plain PyTorch loop of the same workload.",
        "Default workload: conf/fmnist-fedavg.conf's (Fashion-MNIST, softmax, 100 clients (Dirichlet 0.5), 10 per round, "
        + "1 local epoch)."})
final class BenchCommand implements Callable<Integer> {
  /** The workload of conf/fmnist-fedavg.conf, so that the bench runs from any directory. */
  static final String DEFAULTS = String.join("\n",
      "run.name = bench", "data { source = fashion-mnist, test-fraction = 0.2 }",
      "partition { scheme = dirichlet, clients = 100, dirichlet-alpha = 0.5 }",
      "model.type = softmax", "algorithm.name = fedavg",
      "train { client-fraction = 0.1, local-epochs = 1, batch-size = 32, lr = 0.05 }");
  static final String PYTORCH_DEFAULT_CONFIG = "conf/fmnist-fedavg.conf";

  @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG", description = "Workload (a fedspark config); default: "
      + "the rounds of conf/fmnist-fedavg.conf, and that file itself with --pytorch.")
  String config;

  @Option(names = "--pairs", description = "Iterations of the round benchmark, each one Spark round, two floor rounds and "
      + "two empty jobs (default ${DEFAULT-VALUE}).", defaultValue = "400")
  int pairs;

  @Option(names = "--warmup", description = "The first iterations, reported apart as warm-up (default ${DEFAULT-VALUE}: "
      + "with the launcher's C1-only JIT, Spark's per-job code keeps getting faster for about 200 rounds).",
      defaultValue = "200")
  int warmup;

  @Option(names = "--pytorch", description = "Time whole runs of CONFIG: bin/fedspark run against bench/pytorch_fedavg.py "
      + "on the same workload, interleaved, and check that their accuracies agree to 1e-6 at every evaluated round.")
  boolean pytorch;

  @Option(names = "--runs", description = "With --pytorch: runs of each side (default ${DEFAULT-VALUE}).", defaultValue = "3")
  int runs;

  @Option(names = "--python", paramLabel = "PATH", description = "With --pytorch: the Python with torch and numpy "
      + "(default $FEDSPARK_PYTHON, else /usr/bin/python3, where Debian's python3-torch installs).")
  String python;

  @Option(names = "--export-only", description = "Only write CONFIG's workload for bench/pytorch_fedavg.py to OUT/workload.")
  boolean exportOnly;

  @Option(names = "--script", paramLabel = "FILE", description = "With --pytorch: the PyTorch script (default bench/pytorch_fedavg.py of this installation).")
  String script;

  @Option(names = "--launcher", paramLabel = "FILE", description = "With --pytorch: the fedspark launcher (default bin/fedspark of this installation).")
  String launcher;

  @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Change the workload, e.g. --set model.type=mlp.")
  List<String> overrides = new ArrayList<>();

  @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Directory for the results (default runs/bench).",
      defaultValue = "runs/bench")
  String out;

  @Override
  public Integer call() throws Exception {
    if (pytorch || exportOnly) {
      return pytorch && !exportOnly ? comparePytorch() : export();
    }
    FedConfig cfg = config == null ? FedConfig.parse(DEFAULTS, "bench defaults", overrides)
        : FedSpark.loadConfig(config, overrides);
    SparkContext sc = SparkSessions.start("fedspark bench", cfg.getString(Keys.MASTER), cfg.getBoolean(Keys.UI),
        cfg.sparkConf());
    try {
      Map<String, Object> r = new RoundBenchmark(sc, cfg).run(pairs, warmup);
      r.put("linear_algebra", org.fedspark.model.Blas.describe());
      String table = RoundBenchmark.table(r);
      OutputDir dir = new OutputDir(out, sc.hadoopConfiguration());
      dir.writeString("bench.json", json(r));
      dir.writeString("bench.txt", table);
      System.out.print(table);
      System.out.println("written to " + out + "/bench.json and bench.txt");
      if (!Boolean.TRUE.equals(r.get("models_identical"))) {
        System.err.println("error: the Spark and floor global models differ from round " + r.get("first_round_models_differ"));
        return ExitCode.BENCH_DIFFERS.code();
      }
      return 0;
    } finally {
      sc.stop();
    }
  }

  private int comparePytorch() throws Exception {
    if (runs < 1) {
      throw new ConfigException("--runs must be at least 1, got " + runs);
    }
    String py = python != null ? python : System.getenv().getOrDefault("FEDSPARK_PYTHON", "/usr/bin/python3");
    PytorchComparison.checkTorch(py); // before anything else: a missing torch is a one-line error
    Path home = home();
    Path outDir = Path.of(out).toAbsolutePath();
    Files.createDirectories(outDir);
    PytorchComparison.Options o = new PytorchComparison.Options(pytorchConfig(home), overrides, runs, py,
        script != null ? Path.of(script) : home.resolve("bench/pytorch_fedavg.py"),
        launcher != null ? Path.of(launcher) : home.resolve("bin/fedspark"), outDir);
    Map<String, Object> r = new PytorchComparison(o).run(System.out::println);
    String table = PytorchComparison.table(r);
    OutputDir dir = new OutputDir(outDir.toString(), new org.apache.hadoop.conf.Configuration());
    dir.writeString("pytorch-bench.json", json(r));
    dir.writeString("pytorch-bench.txt", table);
    System.out.print(table);
    System.out.println("written to " + out + "/pytorch-bench.json and pytorch-bench.txt");
    if (!Boolean.TRUE.equals(r.get("accuracies_match"))) {
      System.err.println("error: fedspark's and PyTorch's metrics differ: " + r.get("first_mismatch"));
      return ExitCode.BENCH_DIFFERS.code();
    }
    return 0;
  }

  private int export() {
    FedConfig cfg = FedSpark.loadConfig(pytorchConfig(home()), overrides);
    WorkloadExport.checkSupported(cfg);
    SparkContext sc = SparkSessions.start("fedspark bench export", cfg.getString(Keys.MASTER), false, cfg.sparkConf());
    try {
      String dir = new org.apache.hadoop.fs.Path(out, "workload").toString();
      Map<String, Object> m = WorkloadExport.write(sc, cfg, new OutputDir(dir, sc.hadoopConfiguration()));
      System.out.printf(Locale.ROOT, "wrote the workload of %s (%s clients, %s rounds) to %s; replay it with%n"
          + "  /usr/bin/python3 bench/pytorch_fedavg.py %s%n", pytorchConfig(home()), m.get("clients"), m.get("rounds"), dir, dir);
      return 0;
    } finally {
      sc.stop();
    }
  }

  /** CONFIG, or conf/fmnist-fedavg.conf (here, else in the installation). */
  private String pytorchConfig(Path home) {
    if (config != null) {
      return config;
    }
    return new File(PYTORCH_DEFAULT_CONFIG).isFile() ? PYTORCH_DEFAULT_CONFIG
        : home.resolve(PYTORCH_DEFAULT_CONFIG).toString();
  }

  /**
   * The installation's directory: two levels above {@code target/classes} or the jar this class was
   * loaded from, where {@code bin/}, {@code bench/} and {@code conf/} are; the working directory if
   * that cannot be told.
   */
  static Path home() {
    try {
      Path code = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path up = code.getParent() == null ? null : code.getParent().getParent();
      if (up != null && Files.isDirectory(up.resolve("bin"))) {
        return up;
      }
    } catch (java.net.URISyntaxException | RuntimeException e) {
      // fall through
    }
    return Path.of("").toAbsolutePath();
  }

  private static String json(Map<String, Object> r) throws Exception {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r) + "\n";
  }
}
