package org.fedspark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.fedspark.client.InitialParams;
import org.fedspark.config.ConfigException;
import org.fedspark.config.FedConfig;
import org.fedspark.model.Model;
import org.fedspark.model.Models;
import org.fedspark.model.ParamBlock;
import org.fedspark.model.Pretrained;
import org.fedspark.report.OutputDir;
import org.fedspark.report.RoundMetrics;
import org.fedspark.testing.LocalSparkTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuning from a saved model ({@code model.base}): the base is loaded exactly as saved, adapters
 * start exactly at it end to end, every adapter method runs, and a base pretrained on a held-out share
 * refuses a run whose data would overlap it.
 */
class PretrainedBaseTest extends LocalSparkTest {
  @TempDir
  static Path tmp;

  /** One pretrained base for the whole class (a 3-round FedAvg run of the MLP). */
  private static OutputDir base;

  private OutputDir base() {
    if (base == null) {
      base = run(SMALL, "algorithm.name=fedavg");
    }
    return base;
  }

  private static String text(OutputDir out, String name) {
    try (java.io.InputStream in = out.fileSystem().open(out.path(name))) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<RoundMetrics> metrics(OutputDir out) {
    return org.fedspark.report.MetricsCsv.read(text(out, "metrics.csv"), "metrics.csv");
  }

  /** 12 devices, 20 features, 5 classes, a 16-unit MLP: W1 16×20, b1 16, W2 5×16, b2 5. */
  private static final String SMALL = String.join("\n",
      "run { name = t, seed = 7, rounds = 3, eval-every = 1, progress = off }",
      "data { source = synthetic, synthetic { alpha = 0.5, beta = 0.5, clients = 12, features = 20, classes = 5 } }",
      "model { type = mlp, hidden = 16 }",
      "train { client-fraction = 0.5, local-epochs = 1, batch-size = 10, lr = 0.05 }");

  private OutputDir run(String config, String... overrides) {
    OutputDir out = new OutputDir(tmp.resolve("out" + System.nanoTime()).toString(), spark.sparkContext().hadoopConfiguration());
    SimulationResult r = new Simulation(sc, FedConfig.parse(config, "test", List.of(overrides)), out, System.out).run();
    assertEquals(RunStatus.COMPLETED, r.status(), r.message());
    return out;
  }

  private static List<String> with(String base, String... more) {
    List<String> o = new ArrayList<>(List.of("model.base=" + base));
    o.addAll(List.of(more));
    return o;
  }

  /** The global model's values in the Parquet rows, by block, read without SavedModels. */
  private double[] savedGlobal(OutputDir out, Model model) {
    double[] w = new double[model.layout().size()];
    for (Row r : spark.read().parquet(out.path("models").toString()).filter("kind = 'global'").collectAsList()) {
      ParamBlock b = model.layout().block(r.getString(r.fieldIndex("block")));
      List<Double> v = r.getList(r.fieldIndex("values"));
      for (int i = 0; i < v.size(); i++) {
        w[b.offset() + i] = v.get(i);
      }
    }
    return w;
  }

  private static Model mlp() {
    return Models.create("mlp", 20, 5, 16, 0.0);
  }

  @Test
  void theBaseIsTheSavedGlobalModelExactly() {
    OutputDir base = base();
    FedConfig cfg = FedConfig.parse(SMALL, "test", with(base.uri()));
    Model m = Simulation.withBase(sc, cfg, mlp());
    assertTrue(m instanceof Pretrained);
    double[] saved = savedGlobal(base, m);
    assertTrue(Arrays.equals(saved, m.initialParams(new java.util.SplittableRandom(1))), "bit for bit");
    assertFalse(Arrays.equals(saved, InitialParams.of(mlp(), 7)), "not the random initialization");
    Model plain = mlp();
    org.junit.jupiter.api.Assertions.assertSame(plain, Simulation.withBase(sc, FedConfig.parse(SMALL, "test", List.of()), plain));
  }

  /**
   * With the server's step 0 the shared adapters never move from B = 0, so the fine-tuned global model
   * the run saves must be the base itself, bit for bit, after going through the whole engine; and the
   * global accuracy of every round is the base's.
   */
  @Test
  void adaptersStartExactlyAtTheBaseEndToEnd() {
    OutputDir base = base();
    OutputDir still = run(SMALL, with(base.uri(), "algorithm.name=fedit", "model.lora.blocks=all", "server.lr=0")
        .toArray(String[]::new));
    Model m = mlp();
    assertTrue(Arrays.equals(savedGlobal(base, m), savedGlobal(still, m)));
    List<RoundMetrics> rows = metrics(still);
    double baseAcc = metrics(base).get(2).globalAcc();
    for (RoundMetrics r : rows) {
      assertEquals(baseAcc, r.globalAcc(), 0.0, "round " + r.round());
    }
  }

  @Test
  void everyAdapterMethodRunsAndReportsItsTraffic() throws Exception {
    OutputDir base = base();
    OutputDir personal = null;
    // rank 4: A1 4×20, B1 16×4, A2 4×16, B2 5×4
    int a = 80 + 64;
    int b = 64 + 20;
    record Case(String algorithm, long trainable, double up) {}
    for (Case c : List.of(new Case("fedit", a + b, a + b + 1), new Case("ffa-lora", b, b + 1),
        new Case("fedsa-lora", a + b, a + 1), new Case("fedlora-opt", a + 16 + 5, a + 1),
        new Case("local", a + b, 0))) {
      OutputDir out = run(SMALL, with(base.uri(), "algorithm.name=" + c.algorithm(), "model.lora.blocks=all",
          "run.rounds=1", "run.save-models=" + c.algorithm().equals("fedsa-lora")).toArray(String[]::new));
      if (c.algorithm().equals("fedsa-lora")) {
        personal = out;
      }
      JsonNode s = new ObjectMapper().readTree(text(out, "summary.json"));
      assertEquals(c.trainable(), s.path("run").path("trainable_params").asLong(), c.algorithm());
      RoundMetrics last = metrics(out).get(0);
      assertEquals(c.up(), last.extra().get("uplink_values"), 0.0, c.algorithm());
      assertTrue(last.extra().get("lora_B_mag_change") > 0, c.algorithm() + " moves B");
      if (!c.algorithm().equals("ffa-lora")) {
        assertTrue(last.extra().get("lora_A_dir_change") > 0, c.algorithm() + " turns A");
      } else {
        assertEquals(0.0, last.extra().get("lora_A_dir_change"), 0.0, "FFA-LoRA's A is frozen");
      }
      if (c.algorithm().equals("fedlora-opt")) {
        assertEquals(0.0, last.extra().get("lora_A_mag_change"), 1e-12, "only A's direction is trained");
      }
      assertEquals(c.algorithm().equals("fedit") || c.algorithm().equals("ffa-lora"), !Double.isNaN(last.globalAcc()),
          c.algorithm() + ": a global model only when no block is personal");
    }
    // a run with personal blocks saved no global model, so it cannot be a base
    String noGlobal = personal.uri();
    ConfigException e = assertThrows(ConfigException.class,
        () -> Simulation.withBase(sc, FedConfig.parse(SMALL, "test", with(noGlobal)), mlp()));
    assertTrue(e.getMessage().startsWith("key 'model.base'") && e.getMessage().contains("no global model"), e.getMessage());
  }

  @Test
  void aBaseOfAnotherShapeIsRefused() {
    OutputDir base = base();
    ConfigException e = assertThrows(ConfigException.class,
        () -> Simulation.withBase(sc, FedConfig.parse(SMALL, "test", with(base.uri())), Models.create("mlp", 20, 5, 8, 0.0)));
    assertTrue(e.getMessage().startsWith("key 'model.base'"), e.getMessage());
  }

  private static final String POOLED = String.join("\n",
      "run { name = p, seed = 3, rounds = 1, eval-every = 1, progress = off }",
      "data { source = libsvm, path = \"" + Path.of("data/sample.libsvm").toAbsolutePath() + "\", num-features = 8 }",
      "data { holdout-fraction = 0.3 }",
      "partition { scheme = iid, clients = 4 }",
      "model { type = mlp, hidden = 8 }",
      "train { client-fraction = 1.0, lr = 0.05 }");

  @Test
  void aBaseFromTheHeldOutShareNeedsTheSameShareHeldOut() {
    OutputDir base = run(POOLED, "data.use-holdout=true", "partition.clients=1");
    // the same seed and share: accepted, and the two runs' data are disjoint (sizes add up)
    OutputDir ok = run(POOLED, with(base.uri(), "algorithm.name=fedit", "model.lora.blocks=all", "model.lora.rank=2")
        .toArray(String[]::new));
    assertTrue(ok.exists("models"));
    for (String[] bad : List.of(new String[] {"data.holdout-fraction=0.2"}, new String[] {"run.seed=4"},
        new String[] {"data.use-holdout=true"})) {
      ConfigException e = assertThrows(ConfigException.class, () -> Simulation.withBase(sc,
          FedConfig.parse(POOLED, "test", with(base.uri(), bad)), Models.create("mlp", 8, 3, 8, 0.0)));
      assertTrue(e.getMessage().contains("key 'model.base'") && e.getMessage().contains(bad[0].split("=")[0]), e.getMessage());
    }
  }
}
