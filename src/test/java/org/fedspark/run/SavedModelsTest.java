package org.fedspark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.fedspark.config.ConfigException;
import org.fedspark.config.FedConfig;
import org.fedspark.report.OutputDir;
import org.fedspark.testing.LocalSparkTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The models a run saves: readable as plain Parquet, one row per block, personal rows only where a
 * client's model is its own, and evaluated again to exactly the accuracies the run reported.
 */
class SavedModelsTest extends LocalSparkTest {
  @TempDir
  Path tmp;

  /** 12 devices, 20 features, 5 classes, a 16-unit MLP: W1 16×20, b1 16, W2 5×16, b2 5. */
  private static final String SMALL = String.join("\n",
      "run { name = t, seed = 7, rounds = 6, eval-every = 3, progress = off }",
      "data { source = synthetic, synthetic { alpha = 0.5, beta = 0.5, clients = 12, features = 20, classes = 5 } }",
      "model { type = mlp, hidden = 16 }",
      "train { client-fraction = 0.5, local-epochs = 2, batch-size = 10, lr = 0.05 }");

  private OutputDir run(String... overrides) {
    OutputDir out = new OutputDir(tmp.resolve("out" + System.nanoTime()).toString(), spark.sparkContext().hadoopConfiguration());
    SimulationResult r = new Simulation(spark, FedConfig.parse(SMALL, "test", List.of(overrides)), out, System.out).run();
    assertEquals(RunStatus.COMPLETED, r.status());
    return out;
  }

  private Dataset<Row> models(OutputDir out) {
    return spark.read().parquet(out.path(SavedModels.DIR).toString());
  }

  @Test
  void personalizedModelsAreSavedPerBlockAndReproduceTheRunsAccuracies() {
    OutputDir out = run("algorithm.name=ditto");
    Dataset<Row> m = models(out);
    assertEquals(4, m.filter("kind = 'global'").count());
    assertEquals(12 * 4, m.filter("kind = 'personal'").count(), "Ditto: every client has its own model");
    assertEquals(12, m.filter("kind = 'personal'").select("client").distinct().count());
    Row w1 = m.filter("kind = 'global' AND block = 'W1'").first();
    assertEquals(List.of(16, 20), w1.getList(w1.fieldIndex("shape")));
    assertEquals(320, w1.getList(w1.fieldIndex("values")).size());
    assertEquals(6, w1.getInt(w1.fieldIndex("round")));
    Row b2 = m.filter("kind = 'personal' AND client = 3 AND block = 'b2'").first();
    assertEquals(List.of(5), b2.getList(b2.fieldIndex("shape")));

    ModelEvaluation e = ModelEvaluation.of(spark, out, List.of());
    assertEquals(6, e.round());
    assertEquals(7, e.reported().size());
    assertEquals(List.of(), e.differences(), "evaluate reproduces the run's last row bit for bit");
    assertTrue(e.columns().get("personalized_acc_mean") > 0.2);
  }

  @Test
  void aGlobalModelAlgorithmSavesOnlyTheGlobalModel() {
    OutputDir out = run("algorithm.name=fedavg");
    assertEquals(0, models(out).filter("kind = 'personal'").count(), "FedAvg's clients use the global model");
    ModelEvaluation e = ModelEvaluation.of(spark, out, List.of());
    assertEquals(List.of(), e.differences());
    assertEquals(e.columns().get("global_acc"), e.columns().get("personalized_acc_weighted"));
  }

  @Test
  void otherDataIsEvaluatedButNotComparedAndOtherModelsAreRefused() {
    OutputDir out = run("algorithm.name=local");
    ModelEvaluation e = ModelEvaluation.of(spark, out, List.of("data.test-fraction=0.5"));
    assertTrue(e.reported().isEmpty(), "nothing to compare on other data");
    assertTrue(e.columns().get("personalized_acc_mean") > 0.2, e.columns().toString());
    assertTrue(Double.isNaN(e.columns().get("global_acc")), "local-only has no global model");
    ConfigException bad = assertThrows(ConfigException.class,
        () -> ModelEvaluation.of(spark, out, List.of("model.hidden=8")));
    assertTrue(bad.getMessage().contains("'model.hidden'"), bad.getMessage());
  }

  @Test
  void withoutSavedModelsEvaluateSaysWhy() {
    OutputDir out = run("algorithm.name=fedavg", "run.save-models=false");
    ConfigException e = assertThrows(ConfigException.class, () -> ModelEvaluation.of(spark, out, List.of()));
    assertTrue(e.getMessage().contains("no saved models"), e.getMessage());
  }
}
