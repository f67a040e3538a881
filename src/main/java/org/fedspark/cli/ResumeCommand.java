package org.fedspark.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.fedspark.config.FedConfig;
import org.fedspark.config.Keys;
import org.fedspark.report.OutputDir;
import org.fedspark.run.FedSpark;
import org.fedspark.run.RunStatus;
import org.fedspark.run.Simulation;
import org.fedspark.run.SimulationResult;
import org.fedspark.run.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fedspark resume OUT_DIR}: continues a killed run from its newest resume point. */
@Command(name = "resume", mixinStandardHelpOptions = true,
    description = {"Continue a run that stopped (killed, preempted, out of disk) from its newest resume point.",
        "The run writes one about once a minute (run.resume-every-seconds, run.resume-every); a resumed run's metrics equal an uninterrupted run's.",
        "Only settings that change no result may differ (spark.master, spark.ui, run.progress; run.rounds to extend it).",
        "Exit codes as for 'fedspark run'."})
final class ResumeCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "OUT_DIR", description = "The run's output directory (any Hadoop path).")
  String dir;

  @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Override a key, e.g. --set spark.master=local[4] (repeatable).")
  List<String> overrides = new ArrayList<>();

  @Override
  public Integer call() {
    FedConfig cfg = FedSpark.loadRunConfig(dir, overrides);
    ErrorHandler.outputDir(dir);
    org.fedspark.run.StopRequest.install();
    SparkContext sc = SparkSessions.start("fedspark resume " + cfg.getString(Keys.RUN_NAME),
        cfg.getString(Keys.MASTER), cfg.getBoolean(Keys.UI), cfg.sparkConf());
    try {
      OutputDir out = new OutputDir(dir, sc.hadoopConfiguration());
      SimulationResult r = Simulation.resume(sc, out, overrides, System.out);
      RunCommand.report(r);
      return switch (r.status()) {
        case COMPLETED -> ExitCode.COMPLETED.code();
        case INTERRUPTED -> org.fedspark.run.StopRequest.exitCode();
        default -> RunCommand.DIVERGED;
      };
    } finally {
      sc.stop();
    }
  }
}
