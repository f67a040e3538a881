package org.fedspark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.fedspark.config.FedConfig;
import org.fedspark.report.OutputDir;
import org.fedspark.testing.LocalSparkTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Federations users bring, end to end: the shipped LEAF sample with its own per-user split, and a CSV
 * whose split column says each row's split, with and without a client column. Each run completes,
 * evaluates on exactly the given test rows and writes the client-name mapping.
 */
class OwnDataRunsTest extends LocalSparkTest {
  @TempDir
  Path tmp;

  private SimulationResult run(String conf, String... overrides) throws Exception {
    FedConfig cfg = FedConfig.parse(conf, "test", List.of(overrides));
    OutputDir out = new OutputDir(tmp.resolve("out" + System.nanoTime()).toString(), spark.sparkContext().hadoopConfiguration());
    return new Simulation(sc, cfg, out, System.out).run();
  }

  private static List<String> lines(SimulationResult r, String file) throws Exception {
    return Files.readAllLines(new File(java.net.URI.create(r.outputUri())).toPath().resolve(file));
  }

  @Test
  void theShippedLeafSampleRuns() throws Exception {
    String conf = new String(Files.readAllBytes(Path.of("conf/leaf-sample.conf")));
    SimulationResult r = run(conf, "run.rounds=10", "run.progress=off");
    assertEquals(RunStatus.COMPLETED, r.status(), r.message());
    assertTrue(r.last().personalizedAccWeighted() > 1.0 / 3, "above chance: " + r.last().personalizedAccWeighted());
    List<String> clients = lines(r, "clients.csv");
    assertEquals("client_id,name", clients.get(0));
    assertEquals(7, clients.size(), "six users, in sorted name order: " + clients);
  }

  /** Two well-separated classes; rows r with r % 5 == 4 are test rows; client column by r % 3. */
  private Path csv(boolean clientColumn) throws Exception {
    SplittableRandom rng = new SplittableRandom(3);
    List<String> rows = new ArrayList<>();
    rows.add((clientColumn ? "site," : "") + "label,f1,f2,split");
    for (int r = 0; r < 300; r++) {
      int y = r % 2;
      double f1 = (y == 0 ? -2 : 2) + rng.nextGaussian();
      double f2 = rng.nextGaussian();
      rows.add((clientColumn ? "s" + (r % 3) + "," : "") + y + "," + f1 + "," + f2 + "," + (r % 5 == 4 ? "test" : "train"));
    }
    Path p = tmp.resolve(clientColumn ? "sites.csv" : "pooled.csv");
    Files.write(p, rows);
    return p;
  }

  @Test
  void aCsvWithItsOwnSplitRunsWithAndWithoutAClientColumn() throws Exception {
    for (boolean sites : new boolean[] {true, false}) {
      String conf = String.join("\n", "run { name = own, seed = 5, rounds = 6, eval-every = 3, progress = off }",
          "data { source = csv, path = \"" + csv(sites) + "\", label-column = label, split-column = split"
              + (sites ? ", client-column = site" : "") + " }",
          "partition { scheme = iid, clients = 4 }", "model.type = softmax",
          "train { client-fraction = 1.0, local-epochs = 2, batch-size = 10, lr = 0.1 }");
      SimulationResult r = run(conf);
      assertEquals(RunStatus.COMPLETED, r.status(), r.message());
      assertTrue(r.last().personalizedAccWeighted() > 0.9, sites + ": " + r.last().personalizedAccWeighted());
      // 60 of the 300 rows are test rows, however the clients are formed
      com.fasterxml.jackson.databind.JsonNode s = new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(new File(java.net.URI.create(r.outputUri())).toPath().resolve("summary.json").toFile());
      assertEquals(60, s.get("dataset").get("test_examples").asInt(), sites + ": " + s.get("dataset"));
      assertEquals(240, s.get("dataset").get("train_examples").asInt());
    }
  }
}
