package org.fedspark.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.fedspark.config.FedConfig;
import org.fedspark.config.Keys;
import org.fedspark.data.DatasetInfo;
import org.fedspark.data.FederatedData;
import org.fedspark.model.Blas;
import org.fedspark.model.Model;
import org.fedspark.run.RunStatus;

/**
 * Keeps {@code summary.json} current and, when the run ends, writes the charts and the HTML report.
 * The summary says plainly which values are the last ones ({@code last}) and which the best
 * ({@code best_personalized_acc_mean}), and its {@code status} says whether the run completed: a file
 * with status {@code running} belongs to a run that is going on or was killed.
 */
public final class RunReport {
  /** Every file a run writes to its output directory. */
  public static final List<String> OUTPUTS =
      List.of("config.conf", "metrics.csv", "summary.json", "accuracy.png", "loss.png", "report.html", "models");
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final FedConfig cfg;
  private final OutputDir out;
  private final Map<String, Object> run = new LinkedHashMap<>();
  private final Map<String, Object> dataset = new LinkedHashMap<>();
  private final Map<String, Object> environment = new LinkedHashMap<>();
  private final Map<String, Object> startup = new LinkedHashMap<>();
  private final String started = Instant.now().toString();
  private final long startNanos = System.nanoTime();
  private Map<String, Object> summary = Map.of();

  public RunReport(FedConfig cfg, OutputDir out, SparkContext sc) {
    this.cfg = cfg;
    this.out = out;
    run.put("name", cfg.getString(Keys.RUN_NAME));
    run.put("algorithm", cfg.getString(Keys.ALGORITHM));
    run.put("seed", cfg.getLong(Keys.SEED));
    run.put("rounds_planned", cfg.getInt(Keys.ROUNDS));
    environment.put("spark_version", sc.version());
    environment.put("master", sc.master());
    environment.put("default_parallelism", sc.defaultParallelism());
    environment.put("java_version", System.getProperty("java.version"));
    environment.put("linear_algebra", Blas.describe());
  }

  /** The BLAS/LAPACK implementations in use, e.g. "BLAS=JavaBLAS, LAPACK=JavaLAPACK". */
  public String blas() {
    return Blas.describe();
  }

  /** Records what was loaded and built. */
  public void describe(FederatedData fed, Model model, String algorithm, String codec, double loadSeconds) {
    DatasetInfo info = fed.info();
    run.put("algorithm", algorithm);
    run.put("model", cfg.getString(Keys.MODEL));
    run.put("model_layout", model.layout().toString());
    run.put("parameters", model.layout().size());
    run.put("codec", codec);
    dataset.put("name", info.name());
    dataset.put("clients", info.numClients());
    dataset.put("features", info.numFeatures());
    dataset.put("classes", info.numClasses());
    dataset.put("train_examples", info.totalTrain());
    dataset.put("test_examples", info.totalTest());
    int[] sorted = info.trainCounts().clone();
    Arrays.sort(sorted);
    if (sorted.length > 0) {
      dataset.put("train_per_client_min", sorted[0]);
      dataset.put("train_per_client_median", sorted[sorted.length / 2]);
      dataset.put("train_per_client_max", sorted[sorted.length - 1]);
    }
    dataset.put("load_seconds", loadSeconds);
    environment.put("partitions", fed.partitioner().numPartitions());
  }

  /**
   * Records how the partition count was chosen ({@code partitions_chosen_by}) and the default
   * parallelism once the executors are known (at construction it may predate their registration).
   */
  public void notePartitions(String how, int defaultParallelism) {
    environment.put("partitions_chosen_by", how);
    environment.put("default_parallelism", defaultParallelism);
  }

  /**
   * Adds what executors reported ({@code linear_algebra_executors}: implementation → executor ids; the
   * driver's stays in {@code linear_algebra}) and returns a one-line warning when not all of them, the
   * driver included, use the same BLAS and LAPACK, else null.
   */
  public String noteExecutorLinearAlgebra(Map<String, List<String>> byImplementation) {
    @SuppressWarnings("unchecked")
    Map<String, List<String>> all = (Map<String, List<String>>) environment.computeIfAbsent("linear_algebra_executors",
        k -> new java.util.TreeMap<String, List<String>>());
    byImplementation.forEach((impl, ids) -> {
      java.util.SortedSet<String> merged = new java.util.TreeSet<>(all.getOrDefault(impl, List.of()));
      merged.addAll(ids);
      all.put(impl, List.copyOf(merged));
    });
    String driver = Blas.describe();
    if (all.size() <= 1 && (all.isEmpty() || all.containsKey(driver))) {
      return null;
    }
    StringBuilder which = new StringBuilder();
    all.forEach((impl, ids) -> which.append(which.length() == 0 ? "" : "; ").append(impl).append(" on executor")
        .append(ids.size() == 1 ? " " : "s ").append(String.join(",", ids)));
    return "executors do not all use the driver's BLAS (" + driver + " on the driver; " + which + "): results differ"
        + " in the last bits between implementations; install the same BLAS on every node, or pass"
        + " -D" + Blas.PROPERTY + "=java to the driver and in spark.executor.extraJavaOptions";
  }

  /** Rewrites summary.json (atomically) with the metrics so far. */
  /**
   * Records {@code params_per_client}: the values a participating client held in the last evaluated
   * round (its state between rounds plus the server's message), averaged over the participants.
   */
  public void noteValuesPerClient(double values) {
    run.put("params_per_client", values);
  }

  /**
   * Records where the time before round 1 went, in seconds since the JVM started: when Spark had
   * started ({@code spark_started}), and when the first round began ({@code first_round}), the data
   * having been loaded in between ({@code dataset.load_seconds}). A resumed run records its own start.
   */
  public void noteStartup(double sparkStarted, double firstRound) {
    startup.put("spark_started", sparkStarted);
    startup.put("first_round", firstRound);
  }

  /** Records {@code trainable_params}: the values a client's local training updates (−1: unknown, not written). */
  public void noteTrainable(long values) {
    if (values >= 0) {
      run.put("trainable_params", values);
    }
  }

  public void writeSummary(RunStatus status, String message, List<RoundMetrics> rows) {
    write(status, message, rows, Mode.ATOMIC);
  }

  /** As {@link #writeSummary}, rewriting the file in place (a full disk leaves no room for a temporary copy). */
  public void writeSummaryInPlace(RunStatus status, String message, List<RoundMetrics> rows) {
    write(status, message, rows, Mode.IN_PLACE);
  }

  /** As {@link #writeSummary}, on the output directory's background writer ({@link OutputDir#writeInBackground}). */
  public void writeSummaryInBackground(RunStatus status, String message, List<RoundMetrics> rows) {
    write(status, message, rows, Mode.BACKGROUND);
  }

  private enum Mode { ATOMIC, IN_PLACE, BACKGROUND }

  private void write(RunStatus status, String message, List<RoundMetrics> rows, Mode mode) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("status", status.label());
    if (!message.isEmpty()) {
      s.put("message", message);
    }
    s.put("started", started);
    s.put("wall_seconds", (System.nanoTime() - startNanos) / 1e9);
    s.put("run", run);
    s.put("dataset", dataset);
    if (!rows.isEmpty()) {
      RoundMetrics last = rows.get(rows.size() - 1);
      s.put("rounds_completed", last.round());
      s.put("last", clean(last.asColumns()));
      RoundMetrics best = null;
      for (RoundMetrics r : rows) {
        if (!Double.isNaN(r.personalizedAccMean()) && (best == null || r.personalizedAccMean() > best.personalizedAccMean())) {
          best = r;
        }
      }
      Map<String, Object> bestEntry = new LinkedHashMap<>();
      bestEntry.put("value", best == null ? null : best.personalizedAccMean());
      bestEntry.put("round", best == null ? null : best.round());
      s.put("best_personalized_acc_mean", bestEntry);
      double roundSeconds = 0;
      for (RoundMetrics r : rows) {
        roundSeconds += r.roundSeconds();
      }
      s.put("total_uplink_bytes", last.cumUplinkBytes());
      s.put("total_downlink_bytes", last.cumDownlinkBytes());
      s.put("mean_evaluated_round_seconds", roundSeconds / rows.size());
    } else {
      s.put("rounds_completed", 0);
    }
    s.put("environment", environment);
    if (!startup.isEmpty()) {
      s.put("startup", startup);
    }
    s.put("output_dir", out.uri());
    s.put("outputs", OUTPUTS.stream().filter(n -> n.equals("summary.json") || out.exists(n)).toList());
    summary = s;
    try {
      byte[] json = (JSON.writeValueAsString(s) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
      switch (mode) {
        case IN_PLACE -> out.overwriteInPlace("summary.json", json);
        case BACKGROUND -> out.writeInBackground("summary.json", json);
        default -> out.write("summary.json", json);
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Records that this process continued the run after round {@code round} ({@code fedspark resume}). */
  public void noteResumed(int round) {
    run.put("resumed_after_round", round);
  }

  /**
   * The status in {@code out}'s {@code summary.json} ("running", "completed", ...), or null when there
   * is none or it cannot be read.
   */
  public static String status(OutputDir out) {
    if (!out.exists("summary.json")) {
      return null;
    }
    try (java.io.InputStream in = out.fileSystem().open(out.path("summary.json"))) {
      com.fasterxml.jackson.databind.JsonNode n = JSON.readTree(in);
      return n == null || !n.hasNonNull("status") ? null : n.get("status").asText();
    } catch (java.io.IOException e) {
      return null;
    }
  }

  /** Final summary, charts and HTML report. */
  public void finish(RunStatus status, String message, List<RoundMetrics> rows) {
    writeSummary(status, message, rows);
    if (!rows.isEmpty()) {
      Charts.write(out, rows, cfg.getString(Keys.RUN_NAME));
    }
    HtmlReport.write(out, summary, rows);
    writeSummary(status, message, rows); // again, now listing the charts and the report among the outputs
  }

  public Map<String, Object> summary() {
    return summary;
  }

  /** JSON has no NaN: undefined metrics become null. */
  private static Map<String, Object> clean(Map<String, Object> m) {
    Map<String, Object> c = new LinkedHashMap<>();
    m.forEach((k, v) -> c.put(k, v instanceof Double d && !Double.isFinite(d) ? null : v));
    return c;
  }
}
