package org.fedspark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.fedspark.config.FedConfig;
import org.fedspark.config.Keys;
import org.fedspark.report.OutputDir;
import org.fedspark.run.RoundBenchmark;
import org.fedspark.run.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fedspark bench}: wall time of a FedAvg round through Spark vs the same arithmetic in a plain
 * JVM loop (the floor). Defaults: Fashion-MNIST, softmax, 100 clients (Dirichlet 0.5), 10 per round.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Time FedAvg rounds on the Spark engine against a plain JVM loop doing the same arithmetic.",
        "Default workload: Fashion-MNIST, softmax, 100 clients (Dirichlet 0.5), 10 clients per round, 1 local epoch."})
final class BenchCommand implements Callable<Integer> {
  private static final String DEFAULTS = String.join("\n",
      "run.name = bench", "data.source = fashion-mnist", "partition { scheme = dirichlet, clients = 100, dirichlet-alpha = 0.5 }",
      "model.type = softmax", "algorithm.name = fedavg",
      "train { client-fraction = 0.1, local-epochs = 1, batch-size = 32, lr = 0.05 }");

  @Option(names = "--rounds", description = "Timed rounds per variant (default ${DEFAULT-VALUE}).", defaultValue = "10")
  int rounds;

  @Option(names = "--warmup", description = "Untimed warm-up rounds per variant (default ${DEFAULT-VALUE}).", defaultValue = "3")
  int warmup;

  @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Change the workload, e.g. --set model.type=mlp.")
  List<String> overrides = new ArrayList<>();

  @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Directory for bench.json (default runs/bench).", defaultValue = "runs/bench")
  String out;

  @Override
  public Integer call() throws Exception {
    FedConfig cfg = FedConfig.parse(DEFAULTS, "bench defaults", overrides);
    SparkSession spark = SparkSessions.create("fedspark bench", cfg.getString(Keys.MASTER), cfg.getBoolean(Keys.UI),
        cfg.sparkConf());
    try {
      Map<String, Object> r = new RoundBenchmark(spark, cfg).run(warmup, rounds);
      r.put("linear_algebra", org.fedspark.model.Blas.describe());
      String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r);
      new OutputDir(out, spark.sparkContext().hadoopConfiguration()).writeString("bench.json", json + "\n");
      r.forEach((k, v) -> {
        if (!(v instanceof double[])) {
          System.out.printf("%-40s %s%n", k, v);
        }
      });
      System.out.println("written to " + out + "/bench.json");
      return Boolean.TRUE.equals(r.get("models_identical")) ? 0 : 1;
    } finally {
      spark.stop();
    }
  }
}
