package org.fedspark.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code fedspark}: the command line. Also the main class for {@code spark-submit --class
 * org.fedspark.cli.FedSparkCli target/fedspark-*-all.jar run CONFIG}.
 */
@Command(name = "fedspark", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Simulates federated learning (FedAvg, FedProx, local-only, fine-tuning, ...) on Apache Spark.",
    subcommands = {RunCommand.class, ResumeCommand.class, EvaluateCommand.class, CompareCommand.class, KeysCommand.class, BenchCommand.class, ExportLeafCommand.class,
        CommandLine.HelpCommand.class},
    footer = {"", "Examples:",
        "  fedspark run conf/quickstart.conf",
        "  fedspark run conf/fmnist-fedavg.conf --set train.lr=0.1 --set run.rounds=100 --out runs/lr01",
        "  fedspark compare conf/fmnist-fedavg.conf conf/fmnist-local.conf --set run.rounds=50 --out runs/cmp",
        "  fedspark resume runs/lr01   # continue a killed run from its newest resume point",
        "  fedspark evaluate runs/lr01 # evaluate the models it saved",
        "  fedspark keys            # every configuration key with its default and meaning",
        "  fedspark bench           # Spark round time vs a plain JVM loop",
        "  fedspark export-leaf conf/synthetic-fedprox.conf --out data/synthetic-leaf   # the same federation as LEAF JSON"})
public final class FedSparkCli implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /**
   * Exits with the command's code ({@link ExitCode}), so that a cluster manager sees a failed run as a
   * failed driver (standalone: driver state FAILED; YARN: application FAILED). One exception: a
   * successful run in cluster deploy mode returns from {@code main} instead of calling
   * {@code System.exit(0)}, since YARN's application master reports an application that exits before it
   * returned as failed ("Shutdown hook called before final status was reported").
   */
  public static void main(String[] args) {
    int code = execute(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    if (code == 0 && "cluster".equals(System.getProperty("spark.submit.deployMode"))) {
      return;
    }
    System.exit(code);
  }

  /**
   * Runs the command line and returns its exit code ({@link ExitCode}). Errors ({@code OutOfMemoryError},
   * Hadoop's {@code FSError} on a full disk) are turned into one line and a code here, since picocli
   * hands only exceptions to its handler.
   */
  static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    CommandLine cmd = new CommandLine(new FedSparkCli()).setExecutionExceptionHandler(new ErrorHandler());
    cmd.setOut(out);
    cmd.setErr(err);
    try {
      return cmd.execute(args);
    } catch (Error e) {
      return ErrorHandler.handle(e, err);
    } finally {
      out.flush();
      err.flush();
    }
  }
}
