package org.fedspark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.fedspark.config.FedConfig;
import org.fedspark.config.Keys;
import org.fedspark.report.OutputDir;
import org.fedspark.run.FedSpark;
import org.fedspark.run.ModelEvaluation;
import org.fedspark.run.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fedspark evaluate OUT_DIR}: evaluates the models a run saved. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"Evaluate the models a run saved in OUT_DIR/models on the run's data, or on other data given with",
        "--set data.KEY=VALUE (the same number of clients and features). On the run's own data the figures equal",
        "the run's last metrics row exactly, and the command says so.",
        "Exit codes: 0 evaluated, 2 bad input, 6 the figures differ from what the run reported, 1 other errors."})
final class EvaluateCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "OUT_DIR", description = "A run's output directory (any Hadoop path).")
  String dir;

  @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Evaluate on other data: data.* keys (and spark.*), repeatable.")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON to FILE (any Hadoop path).")
  String json;

  @Override
  public Integer call() throws Exception {
    FedConfig cfg = FedSpark.loadRunConfig(dir, overrides);
    SparkContext sc = SparkSessions.start("fedspark evaluate", cfg.getString(Keys.MASTER), cfg.getBoolean(Keys.UI),
        cfg.sparkConf());
    try {
      OutputDir out = new OutputDir(dir, sc.hadoopConfiguration());
      ModelEvaluation e = ModelEvaluation.of(sc, out, overrides);
      Map<String, Double> c = e.columns();
      System.out.printf(Locale.ROOT, "fedspark: models of round %d from %s, evaluated on %s (%d clients)%n", e.round(),
          out.uri(), e.dataset(), e.clients());
      System.out.printf(Locale.ROOT, "  personalized accuracy %.4f (mean over clients), %.4f (pooled), std %.4f, "
          + "worst 10%% %.4f; loss %.4f%n", c.get("personalized_acc_mean"), c.get("personalized_acc_weighted"),
          c.get("personalized_acc_std"), c.get("personalized_acc_worst10"), c.get("personalized_loss"));
      if (!Double.isNaN(c.get("global_acc"))) {
        System.out.printf(Locale.ROOT, "  global model accuracy %.4f; loss %.4f%n", c.get("global_acc"), c.get("global_loss"));
      }
      if (json != null) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("run", out.uri());
        doc.put("round", e.round());
        doc.put("dataset", e.dataset());
        doc.put("clients", e.clients());
        Map<String, Object> clean = new LinkedHashMap<>();
        c.forEach((k, v) -> clean.put(k, Double.isFinite(v) ? v : null));
        doc.put("metrics", clean);
        doc.put("matches_run", e.reported().isEmpty() ? null : e.differences().isEmpty());
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(json);
        OutputDir parent = new OutputDir(p.getParent() == null ? "." : p.getParent().toString(),
            sc.hadoopConfiguration());
        parent.writeString(p.getName(), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .writeValueAsString(doc) + "\n");
      }
      if (e.reported().isEmpty()) {
        System.out.println("  (other data than the run's, or the run did not report this round: nothing to compare)");
        return 0;
      }
      if (e.differences().isEmpty()) {
        System.out.println("  identical to what the run reported for round " + e.round());
        return 0;
      }
      System.out.println("  DIFFERS from what the run reported for round " + e.round() + ": "
          + String.join(", ", e.differences()));
      return ExitCode.EVALUATION_DIFFERS.code();
    } finally {
      sc.stop();
    }
  }
}
