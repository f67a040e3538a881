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
    SimulationResult r = new Simulation(sc, FedConfig.parse(SMALL, "test", List.of(overrides)), out, System.out).run();
    assertEquals(RunStatus.COMPLETED, r.status());
    return out;
  }

  private Dataset<Row> models(OutputDir out) {
    return spark.read().parquet(out.path(SavedModels.DIR).toString());
  }

  private static List<String> listing(OutputDir out) {
    try {
      return java.util.Arrays.stream(out.fileSystem().listStatus(out.path(SavedModels.DIR)))
          .map(f -> f.getPath().getName()).filter(n -> !n.endsWith(".crc")).sorted().toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void personalizedModelsAreSavedPerBlockAndReproduceTheRunsAccuracies() throws Exception {
    OutputDir[] ran = new OutputDir[1];
    List<String> jobs = jobsOf(() -> ran[0] = run("algorithm.name=ditto"));
    OutputDir out = ran[0];
    assertEquals(List.of("fedspark evaluation, round 6", "fedspark save models"), jobs.subList(jobs.size() - 2, jobs.size()));
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

    ModelEvaluation e = ModelEvaluation.of(sc, out, List.of());
    assertEquals(6, e.round());
    assertEquals(7, e.reported().size());
    assertEquals(List.of(), e.differences(), "evaluate reproduces the run's last row bit for bit");
    assertTrue(e.columns().get("personalized_acc_mean") > 0.2);
  }

  @Test
  void sparkReadsTheFilesAsSparkWouldHaveWrittenThemAndARetriedWriteLeavesOneWholeFile() throws Exception {
    // Parquet's own writer, not Spark SQL's: Spark must infer exactly the declared schema (types,
    // nullability, lists of non-null elements) from the files alone.
    OutputDir out = run("algorithm.name=ditto");
    assertEquals(SavedModels.schema().asNullable(), models(out).schema(), "Spark reads every file column as nullable");
    // The Parquet schema is the one Spark SQL itself writes for these rows.
    java.nio.file.Path bySpark = tmp.resolve("by-spark");
    spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create(1, "global", null, null, "b",
        new Integer[] {2}, new double[] {1, 2})), SavedModels.schema()).write().parquet(bySpark.toString());
    java.nio.file.Path part;
    try (var files = java.nio.file.Files.list(bySpark)) {
      part = files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    try (var reader = org.apache.parquet.hadoop.ParquetFileReader.open(org.apache.parquet.hadoop.util.HadoopInputFile
        .fromPath(new org.apache.hadoop.fs.Path(part.toString()), sc.hadoopConfiguration()))) {
      assertEquals(reader.getFooter().getFileMetaData().getSchema(), ModelsParquet.SCHEMA);
    }

    org.fedspark.model.ParamLayout layout = org.fedspark.model.ParamLayout.builder().matrix("W", 2, 3).bias("b", 2).build();
    double[] a = {1, -0.0, Math.PI, Double.MIN_VALUE, 5, 6, 7, Double.MAX_VALUE};
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(tmp.resolve("retry").toString(), "part-00000.parquet");
    ModelsParquet.write(sc.hadoopConfiguration(), file, layout, List.of(new ModelsParquet.Model(1, "personal", 4, "n4", a)));
    // a second attempt of the same task (same rows) over a finished file: still one whole file
    ModelsParquet.write(sc.hadoopConfiguration(), file, layout, List.of(new ModelsParquet.Model(1, "personal", 4, "n4", a)));
    List<Row> rows = spark.read().parquet(file.getParent().toString()).orderBy("block").collectAsList();
    assertEquals(2, rows.size(), "W and b, once");
    List<Double> w = rows.get(0).getList(rows.get(0).fieldIndex("values"));
    assertEquals(List.of(1.0, -0.0, Math.PI, Double.MIN_VALUE, 5.0, 6.0), w, "bit for bit");
    assertEquals(List.of(2, 3), rows.get(0).getList(rows.get(0).fieldIndex("shape")));
    assertEquals("n4", rows.get(1).getString(rows.get(1).fieldIndex("client_name")));
    try (var files = java.nio.file.Files.list(tmp.resolve("retry"))) {
      assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList(),
          "no partial file is left");
    }
  }

  /**
   * The writer's warm-up runs the real writer to the end (a whole Parquet file's bytes, footer and
   * all, into nowhere): a warm-up that failed early would warm nothing, silently.
   */
  @Test
  void theWritersWarmUpWritesAWholeFileIntoNowhere() throws Exception {
    long bytes = ModelsParquet.warmUp(sc.hadoopConfiguration());
    // magic (4) + row group + footer with the schema + footer length (4) + magic (4)
    assertTrue(bytes > 300 && bytes < 10_000, "a two-row file: " + bytes + " bytes");
  }

  /** The call sites of the Spark jobs {@code work} started, in order. */
  private List<String> jobsOf(Runnable work) throws java.util.concurrent.TimeoutException {
    List<String> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart job) {
        seen.add(String.valueOf(job.properties().getProperty("callSite.short")));
      }
    };
    sc.addSparkListener(listener);
    try {
      work.run();
      sc.listenerBus().waitUntilEmpty(); // every event posted so far has reached the listener (as RoundJobsTest waits)
      return List.copyOf(seen);
    } finally {
      sc.removeSparkListener(listener);
    }
  }

  @Test
  void aGlobalModelAlgorithmSavesOnlyTheGlobalModelWithoutVisitingTheClientsAgain() throws Exception {
    OutputDir[] ran = new OutputDir[1];
    List<String> jobs = jobsOf(() -> ran[0] = run("algorithm.name=fedavg"));
    OutputDir out = ran[0];
    // The last evaluation found every client's personalized model to be the global one: no save job.
    assertEquals("fedspark evaluation, round 6", jobs.get(jobs.size() - 1), "the run's last job: " + jobs);
    assertEquals(List.of("_SUCCESS", "part-global.parquet"), listing(out));
    assertEquals(0, models(out).filter("kind = 'personal'").count(), "FedAvg's clients use the global model");
    ModelEvaluation e = ModelEvaluation.of(sc, out, List.of());
    assertEquals(List.of(), e.differences());
    assertEquals(e.columns().get("global_acc"), e.columns().get("personalized_acc_weighted"));
  }

  @Test
  void otherDataIsEvaluatedButNotComparedAndOtherModelsAreRefused() {
    OutputDir out = run("algorithm.name=local");
    ModelEvaluation e = ModelEvaluation.of(sc, out, List.of("data.test-fraction=0.5"));
    assertTrue(e.reported().isEmpty(), "nothing to compare on other data");
    assertTrue(e.columns().get("personalized_acc_mean") > 0.2, e.columns().toString());
    assertTrue(Double.isNaN(e.columns().get("global_acc")), "local-only has no global model");
    ConfigException bad = assertThrows(ConfigException.class,
        () -> ModelEvaluation.of(sc, out, List.of("model.hidden=8")));
    assertTrue(bad.getMessage().contains("'model.hidden'"), bad.getMessage());
  }

  @Test
  void withoutSavedModelsEvaluateSaysWhy() {
    OutputDir out = run("algorithm.name=fedavg", "run.save-models=false");
    ConfigException e = assertThrows(ConfigException.class, () -> ModelEvaluation.of(sc, out, List.of()));
    assertTrue(e.getMessage().contains("no saved models"), e.getMessage());
  }
}
