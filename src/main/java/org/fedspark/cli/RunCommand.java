package org.fedspark.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.fedspark.config.FedConfig;
import org.fedspark.config.Keys;
import org.fedspark.report.RoundMetrics;
import org.fedspark.run.FedSpark;
import org.fedspark.run.Preflight;
import org.fedspark.run.StopRequest;
import org.fedspark.run.RunStatus;
import org.fedspark.run.SimulationResult;
import org.fedspark.run.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fedspark run CONFIG [--set key=value ...] [--out DIR]}. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run a federated simulation described by a HOCON config file.",
        "Keys not in the file take their defaults ('fedspark keys' lists them all).",
        "Writes config.conf, metrics.csv, summary.json, accuracy.png, loss.png and report.html to the output directory.",
        "Exit codes: 0 completed, 2 bad configuration, data, output directory or environment, 3 diverged (NaN),"
            + " 4 disk full, 5 out of memory, 130 Ctrl-C, 143 SIGTERM, 1 other errors (README: Troubleshooting)."})
final class RunCommand implements Callable<Integer> {
  static final int DIVERGED = ExitCode.DIVERGED.code();

  @Parameters(index = "0", paramLabel = "CONFIG", description = "Config file (HOCON; any Hadoop path, e.g. conf/quickstart.conf or hdfs://...).")
  String configPath;

  @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Override a key, e.g. --set train.lr=0.1 (repeatable).")
  List<String> overrides = new ArrayList<>();

  @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Output directory (any Hadoop path); default run.out, else runs/<run.name>-<timestamp>.")
  String out;

  @Option(names = "--overwrite", description = "Replace an earlier run's results in the output directory (same as --set run.overwrite=true); without it such a directory is refused.")
  boolean overwrite;

  @Override
  public Integer call() {
    List<String> sets = new ArrayList<>(overrides);
    if (overwrite) {
      sets.add(Keys.OVERWRITE.path() + "=true");
    }
    FedConfig cfg = FedSpark.loadConfig(configPath, sets);
    String dir = FedSpark.outputDir(cfg, out);
    // Everything checkable is checked before Spark starts and before the output directory is written.
    org.apache.hadoop.conf.Configuration hadoop = Preflight.hadoopConf(cfg);
    Preflight.check(cfg, dir, hadoop);
    ErrorHandler.outputDir(dir);
    StopRequest.install();
    // The data's driver-side reading overlaps Spark's start-up (the two take about 0.4 s each).
    org.fedspark.data.FederatedDataLoader.prefetch(org.fedspark.run.DataSpecs.from(cfg), hadoop);
    SparkContext sc = SparkSessions.start("fedspark " + cfg.getString(Keys.RUN_NAME), cfg.getString(Keys.MASTER),
        cfg.getBoolean(Keys.UI), cfg.sparkConf());
    try {
      if (StopRequest.requested() != null) {
        System.err.println("fedspark: " + StopRequest.requested() + " before the run started; nothing was run");
        return StopRequest.exitCode();
      }
      SimulationResult r = FedSpark.run(sc, cfg, dir, System.out);
      report(r);
      return switch (r.status()) {
        case COMPLETED -> ExitCode.COMPLETED.code();
        case INTERRUPTED -> StopRequest.exitCode();
        default -> DIVERGED;
      };
    } finally {
      sc.stop();
    }
  }

  static void report(SimulationResult r) {
    if (r.status() == RunStatus.INTERRUPTED) {
      System.err.println("fedspark: " + r.message() + "; summary, metrics and report so far in " + r.outputUri());
      return;
    }
    if (r.status() != RunStatus.COMPLETED) {
      System.out.println("fedspark: run " + r.status().label() + ": " + r.message());
      System.out.println("fedspark: metrics up to the failure are kept in " + r.outputUri());
      return;
    }
    RoundMetrics m = r.last();
    System.out.printf(Locale.ROOT, "fedspark: done. Round %d: personalized accuracy %.4f (mean over clients), %.4f (pooled)%s; "
        + "train loss %.4f; %.1f MB up, %.1f MB down in total%n", m.round(), m.personalizedAccMean(),
        m.personalizedAccWeighted(), Double.isNaN(m.globalAcc()) ? "" : String.format(Locale.ROOT, ", global model %.4f", m.globalAcc()),
        m.trainLoss(), m.cumUplinkBytes() / 1e6, m.cumDownlinkBytes() / 1e6);
    System.out.println("fedspark: results in " + r.outputUri() + " (metrics.csv, summary.json, report.html)");
  }
}
