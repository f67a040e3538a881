package org.fedspark.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.fedspark.config.ConfigException;
import org.fedspark.config.FedConfig;
import org.fedspark.config.Keys;
import org.fedspark.data.FederatedData;
import org.fedspark.data.FederatedDataLoader;
import org.fedspark.model.Model;
import org.fedspark.report.OutputDir;

/**
 * {@code fedspark evaluate}: the saved models of a run ({@link SavedModels}) evaluated on the run's
 * federation or on another one given by {@code data.*} overrides, with the statistics a run reports.
 * On the run's own data the figures equal the run's last metrics row exactly: the same parameters
 * (saved as doubles, bit for bit), the same test splits, the same evaluation code.
 *
 * @param round the round the models are from
 * @param dataset the evaluated federation's name
 * @param clients clients evaluated
 * @param columns the evaluation's metrics, named as in {@code metrics.csv}
 * @param reported the run's own figures for that round (from {@code summary.json}), empty when the
 *     data was changed or the run's last row is of another round
 */
public record ModelEvaluation(int round, String dataset, int clients, Map<String, Double> columns,
    Map<String, Double> reported) {

  /** Keys that an evaluation may change: which data, and how Spark runs. */
  static boolean changeable(String key) {
    return key.startsWith("data.") || key.startsWith("spark.") || key.equals(Keys.PROGRESS.path());
  }

  /** Columns that differ from the run's reported figures (empty when they all agree or nothing was reported). */
  public List<String> differences() {
    List<String> d = new ArrayList<>();
    reported.forEach((k, v) -> {
      Double mine = columns.get(k);
      if (mine == null || Double.doubleToLongBits(mine) != Double.doubleToLongBits(v)) {
        d.add(k + " " + mine + " (run: " + v + ")");
      }
    });
    return d;
  }

  /** Loads the run in {@code out}, its models and the data, and evaluates. */
  public static ModelEvaluation of(SparkContext sc, OutputDir out, List<String> overrides) {
    if (!out.exists("config.conf")) {
      throw new ConfigException(out.uri() + " is not a fedspark run directory (it has no config.conf)");
    }
    FedConfig runCfg = FedConfig.parse(FedSpark.readText(out.path("config.conf").toString()),
        out.path("config.conf").toString(), List.of());
    FedConfig cfg = runCfg.with(overrides);
    Map<String, String> was = runCfg.values();
    boolean sameData = true;
    for (Map.Entry<String, String> e : cfg.values().entrySet()) {
      if (!e.getValue().equals(was.get(e.getKey()))) {
        if (!changeable(e.getKey())) {
          throw new ConfigException("key '" + e.getKey() + "' cannot change when evaluating saved models (only data.* "
              + "and spark.* keys can): the models were trained with " + was.get(e.getKey()));
        }
        sameData &= !e.getKey().startsWith("data.");
      }
    }
    int partitions = cfg.getInt(Keys.PARTITIONS) > 0 ? cfg.getInt(Keys.PARTITIONS)
        : ClusterInfo.defaultPartitions(sc).count();
    FederatedData fed = FederatedDataLoader.load(sc, DataSpecs.from(cfg), partitions);
    try {
      Model model = Simulation.buildModel(cfg, fed.info());
      SavedModels.Loaded models = SavedModels.read(sc, out, model.layout());
      EvalSummary s = EvalSummary.of(SavedModels.evaluate(fed, model, models));
      Map<String, Double> columns = new LinkedHashMap<>();
      columns.put("personalized_acc_mean", s.accMean());
      columns.put("personalized_acc_weighted", s.accWeighted());
      columns.put("personalized_acc_std", s.accStd());
      columns.put("personalized_acc_worst10", s.accWorst10());
      columns.put("personalized_loss", s.loss());
      columns.put("global_acc", s.globalAcc());
      columns.put("global_loss", s.globalLoss());
      int round = models.round() >= 0 ? models.round() : roundOfPersonal(sc, out);
      Map<String, Double> reported = sameData ? reported(out, round, columns) : Map.of();
      return new ModelEvaluation(round, fed.info().name(), fed.info().numClients(), columns, reported);
    } finally {
      fed.clients().unpersist(false);
    }
  }

  private static int roundOfPersonal(SparkContext sc, OutputDir out) {
    return SparkSessions.sql(sc).read().parquet(out.path(SavedModels.DIR).toString()).selectExpr("max(round)").first().getInt(0);
  }

  /** The run's figures for {@code round} from summary.json's last row, if that row is of this round. */
  private static Map<String, Double> reported(OutputDir out, int round, Map<String, Double> columns) {
    if (!out.exists("summary.json")) {
      return Map.of();
    }
    try (InputStream in = out.fileSystem().open(out.path("summary.json"))) {
      JsonNode last = new ObjectMapper().readTree(in).path("last");
      if (last.path("round").asInt(-1) != round) {
        return Map.of();
      }
      Map<String, Double> r = new LinkedHashMap<>();
      for (String k : columns.keySet()) {
        JsonNode v = last.get(k);
        r.put(k, v == null || v.isNull() ? Double.NaN : v.asDouble());
      }
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + out.path("summary.json") + ": " + e.getMessage(), e);
    }
  }
}
