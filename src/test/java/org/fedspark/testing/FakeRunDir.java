package org.fedspark.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fedspark.config.FedConfig;
import org.fedspark.report.MetricsCsv;
import org.fedspark.report.RoundMetrics;

/**
 * Writes a run's output directory without running anything: {@code metrics.csv} through the same
 * renderer a run uses, {@code summary.json} with the fields and nesting of {@code RunReport}, and the
 * resolved {@code config.conf}. For tests of tools that read finished runs.
 */
public final class FakeRunDir {
  private FakeRunDir() {}

  /** A round's metrics; the fields a comparison does not show are fixed. */
  public static RoundMetrics round(int round, double accMean, double worst10, double globalAcc, long cumUp, long cumDown) {
    return new RoundMetrics(round, accMean, accMean, 0.1, worst10, 1.0, globalAcc, Double.isNaN(globalAcc) ? Double.NaN : 1.1,
        0.9, 3, cumUp / round, cumDown / round, cumUp, cumDown, 0.25, 0.125, round * 0.5);
  }

  /**
   * @param paramsPerClient written as {@code run.params_per_client} when not null
   * @param overrides config keys set in {@code config.conf}, e.g. {@code run.seed=7}
   */
  public static Path write(Path dir, String status, String message, String algorithm, List<RoundMetrics> rows,
      long parameters, Long paramsPerClient, double wallSeconds, String... overrides) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("config.conf"), FedConfig.defaultsOnly().with(List.of(overrides)).render());
    if (!rows.isEmpty()) {
      Files.writeString(dir.resolve("metrics.csv"), MetricsCsv.render(rows));
    }
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("name", "fake");
    run.put("algorithm", algorithm);
    run.put("seed", 42);
    run.put("rounds_planned", 50);
    run.put("model", "softmax");
    run.put("model_layout", "W 5x20, b 5");
    run.put("parameters", parameters);
    if (paramsPerClient != null) {
      run.put("params_per_client", paramsPerClient);
    }
    run.put("codec", "float64");
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("status", status);
    if (!message.isEmpty()) {
      s.put("message", message);
    }
    s.put("started", "2026-01-01T00:00:00Z");
    s.put("wall_seconds", wallSeconds);
    s.put("run", run);
    s.put("dataset", Map.of("name", "synthetic", "clients", 12));
    s.put("rounds_completed", rows.isEmpty() ? 0 : rows.get(rows.size() - 1).round());
    s.put("environment", Map.of("spark_version", "4.0.1"));
    s.put("output_dir", dir.toUri().toString());
    Files.writeString(dir.resolve("summary.json"),
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(s) + "\n");
    return dir;
  }
}
