package org.fedspark.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.fedspark.config.ConfigException;
import org.fedspark.config.FedConfig;
import org.fedspark.config.Keys;
import org.fedspark.config.SameFederation;
import org.fedspark.report.Comparison;
import org.fedspark.report.OutputDir;
import org.fedspark.report.RunReport;
import org.fedspark.run.FedSpark;
import org.fedspark.run.ForkFreeLocalFileSystem;
import org.fedspark.run.Preflight;
import org.fedspark.run.StopRequest;
import org.fedspark.run.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fedspark compare ARG... [--set key=value ...] [--out DIR] [--overwrite]}: runs several configs
 * (one after another, in one SparkSession) and/or reads finished run directories, and writes one table
 * comparing them. Everything that can be checked is checked before the first run starts, so a typo or a
 * mismatched federation costs seconds, not the time of the runs before it.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = {"Compare methods on the same federation: run config files and/or read finished run directories, "
        + "then write one table and charts.",
        "Each ARG is a config file (run into DIR/<file name>/) or the output directory of a finished run (read, not rerun).",
        "All of them must agree on every data.* and partition.* key, run.seed, run.rounds and train.client-fraction.",
        "Writes comparison.csv, comparison.md, comparison.html, accuracy.png and accuracy_vs_uplink.png to DIR.",
        "Exit codes: 0 all runs completed, 2 bad configuration, data or run directory (nothing is run), "
            + "3 a run diverged or failed (the others still run), 130/143 interrupted, 1 other errors (README: Troubleshooting)."})
final class CompareCommand implements Callable<Integer> {
  static final int NOT_ALL_COMPLETED = 3;

  @Parameters(arity = "1..*", paramLabel = "ARG", description = "A config file (HOCON), or a finished run's output directory.")
  List<String> args = new ArrayList<>();

  @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Override a key in every config file, e.g. --set run.rounds=50 (repeatable; run directories are read as they are).")
  List<String> overrides = new ArrayList<>();

  @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Output directory (any Hadoop path); default runs/compare-<timestamp>.")
  String out;

  @Option(names = "--overwrite", description = "Replace an earlier comparison's (and its runs') results in DIR; without it such a directory is refused.")
  boolean overwrite;

  @Option(names = "--allow-different-data", description = "Compare even when the inputs disagree on the data, partition, seed, rounds or client fraction.")
  boolean allowDifferentData;

  /** One ARG: a config to run, or a finished run directory to read. */
  private record Input(String label, String arg, boolean runDir, FedConfig cfg) {}

  @Override
  public Integer call() {
    PrintStream console = System.out;
    List<Input> inputs = resolve();
    if (!allowDifferentData) {
      checkSameFederation(inputs);
    }
    String dir = out != null && !out.isEmpty() ? out
        : "runs/compare-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Input firstConfig = inputs.stream().filter(i -> !i.runDir()).findFirst().orElse(null);
    for (Input in : inputs) {
      if (!in.runDir()) {
        Preflight.checkConfig(in.cfg(), Preflight.hadoopConf(in.cfg()));
      }
    }
    Preflight.checkOutputDir(dir, firstConfig == null ? ForkFreeLocalFileSystem.configuration() : Preflight.hadoopConf(firstConfig.cfg()),
        overwrite, Comparison.OUTPUTS);
    ErrorHandler.outputDir(dir);
    StopRequest.install();
    SparkContext sc = firstConfig == null ? null : SparkSessions.start("fedspark compare",
        firstConfig.cfg().getString(Keys.MASTER), firstConfig.cfg().getBoolean(Keys.UI), firstConfig.cfg().sparkConf());
    try {
      Configuration hadoop = sc == null ? ForkFreeLocalFileSystem.configuration() : sc.hadoopConfiguration();
      OutputDir target = new OutputDir(dir, hadoop);
      // Refuse an occupied directory now, before any run has spent its time.
      target.claim(Comparison.OUTPUTS, overwrite);
      for (Input in : inputs) {
        if (!in.runDir()) {
          refuseRunningOverAnInput(inputs, in, runDir(target, in), hadoop);
          new OutputDir(runDir(target, in), hadoop).claim(RunReport.OUTPUTS, overwrite);
        }
      }
      List<Comparison.Row> rows = new ArrayList<>();
      for (int i = 0; i < inputs.size() && StopRequest.requested() == null; i++) {
        Input in = inputs.get(i);
        console.printf("fedspark compare: [%d/%d] %s: %s%n", i + 1, inputs.size(), in.label(),
            in.runDir() ? "reading the finished run in " + in.arg() : "running " + in.arg() + " into " + runDir(target, in));
        rows.add(in.runDir() ? Comparison.readRunDir(in.label(), in.arg(), hadoop) : run(sc, in, runDir(target, in), hadoop));
      }
      Comparison.write(target, rows);
      console.println();
      console.print(Comparison.markdown(rows));
      console.println();
      for (Comparison.Row r : rows) {
        if (!r.completed()) {
          console.println("fedspark compare: " + r.label() + " " + r.status() + (r.message().isEmpty() ? "" : ": " + r.message())
              + " (see " + r.runDir() + ")");
        }
      }
      console.println("fedspark compare: results in " + target.uri() + " (" + String.join(", ", Comparison.OUTPUTS) + ")");
      if (StopRequest.requested() != null) {
        System.err.println("fedspark compare: interrupted by " + StopRequest.requested() + " after " + rows.size() + " of "
            + inputs.size() + " runs; the table holds those");
        return StopRequest.exitCode();
      }
      return rows.stream().allMatch(Comparison.Row::completed) ? 0 : NOT_ALL_COMPLETED;
    } finally {
      if (sc != null) {
        sc.stop();
      }
    }
  }

  /**
   * Runs one config; a run that throws (bad data found late, a Spark error) becomes a failed row so
   * that the remaining runs still happen.
   */
  private static Comparison.Row run(SparkContext sc, Input in, String runDir, Configuration hadoop) {
    try {
      FedSpark.run(sc, in.cfg(), runDir, System.out);
    } catch (Exception e) {
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      try {
        Comparison.Row written = Comparison.readRunDir(in.label(), runDir, hadoop);
        return new Comparison.Row(written.label(), "failed", message, written.algorithm(), written.model(),
            written.metrics(), written.paramsPerClient(), written.trainableParams(), written.wallSeconds(), written.runDir());
      } catch (RuntimeException unreadable) {
        return Comparison.failed(in.label(), message, runDir);
      }
    }
    return Comparison.readRunDir(in.label(), runDir, hadoop);
  }

  /** A config must not run into a run directory that is itself being compared (--overwrite would erase it). */
  private static void refuseRunningOverAnInput(List<Input> inputs, Input config, String dir, Configuration hadoop) {
    String where = qualified(dir, hadoop);
    for (Input other : inputs) {
      if (other.runDir() && qualified(other.arg(), hadoop).equals(where)) {
        throw new ConfigException(config.arg() + " would run into " + dir + ", which is also given as a finished run to "
            + "compare; choose another --out");
      }
    }
  }

  private static String qualified(String dir, Configuration hadoop) {
    try {
      Path p = new Path(dir);
      return p.getFileSystem(hadoop).makeQualified(p).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
    }
  }

  private static String runDir(OutputDir target, Input in) {
    return target.path(in.label()).toString();
  }

  /** Classifies and loads every ARG, giving each a unique label; throws before anything runs. */
  private List<Input> resolve() {
    Set<String> used = new HashSet<>();
    List<Input> inputs = new ArrayList<>();
    for (String arg : args) {
      boolean isDir = isDirectory(arg);
      String label = unique(baseName(arg, isDir), used);
      FedConfig cfg = isDir ? runConfig(arg) : FedSpark.loadConfig(arg, overwrite ? List.of(Keys.OVERWRITE.path() + "=true")
          : List.of(), overrides);
      inputs.add(new Input(label, arg, isDir, cfg));
    }
    return inputs;
  }

  /** A run directory's resolved configuration, as the run wrote it. */
  private static FedConfig runConfig(String dir) {
    String file = new Path(dir, "config.conf").toString();
    if (!isFile(file)) {
      throw new ConfigException(dir + " is a directory but not a fedspark run directory (it has no config.conf); "
          + "pass a config file or the output directory of a 'fedspark run'");
    }
    return FedSpark.loadConfig(file, List.of());
  }

  private void checkSameFederation(List<Input> inputs) {
    Map<String, FedConfig> configs = new LinkedHashMap<>();
    inputs.forEach(i -> configs.put(i.label(), i.cfg()));
    List<String> differences = SameFederation.differences(configs);
    if (!differences.isEmpty()) {
      throw new ConfigException("the runs to compare are not on the same federation, so their accuracies are not comparable:\n  - "
          + String.join("\n  - ", differences)
          + "\nMake the configs agree (e.g. --set KEY=VALUE applies to every config file), "
          + "or pass --allow-different-data to compare them anyway. Nothing was run.");
    }
  }

  /** File name without its extension (a config), or the directory's name (a run directory). */
  static String baseName(String arg, boolean dir) {
    String name = new Path(arg).getName();
    int dot = name.lastIndexOf('.');
    return dir || dot <= 0 ? name : name.substring(0, dot);
  }

  /** {@code name}, or {@code name-2}, {@code name-3}, ... if already taken. */
  static String unique(String name, Set<String> used) {
    String label = name;
    for (int n = 2; !used.add(label); n++) {
      label = name + "-" + n;
    }
    return label;
  }

  private static boolean isDirectory(String arg) {
    FileStatus s = status(arg);
    return s != null && s.isDirectory();
  }

  private static boolean isFile(String arg) {
    FileStatus s = status(arg);
    return s != null && s.isFile();
  }

  private static FileStatus status(String arg) {
    try {
      Path p = new Path(arg);
      var fs = p.getFileSystem(ForkFreeLocalFileSystem.configuration());
      return fs.exists(p) ? fs.getFileStatus(p) : null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + arg + ": " + e.getMessage(), e);
    }
  }
}
