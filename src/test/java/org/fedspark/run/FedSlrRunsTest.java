package org.fedspark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.fedspark.config.FedConfig;
import org.fedspark.report.OutputDir;
import org.fedspark.report.RoundMetrics;
import org.fedspark.testing.LocalSparkTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FedSLR, pFedMe and an adaptive server optimizer end to end on a small synthetic federation with an
 * MLP: they complete, learn above chance (5 classes: 0.2) and write their own columns.
 */
class FedSlrRunsTest extends LocalSparkTest {
  @TempDir
  Path tmp;

  /** 12 devices, 20 features, 5 classes, a 16-unit MLP: W1 16×20, b1 16, W2 5×16, b2 5 = 421 values. */
  private static final String SMALL = String.join("\n",
      "run { name = t, seed = 7, rounds = 8, eval-every = 4, progress = off }",
      "data { source = synthetic, synthetic { alpha = 0.5, beta = 0.5, clients = 12, features = 20, classes = 5 } }",
      "model { type = mlp, hidden = 16 }",
      "train { client-fraction = 0.5, local-epochs = 2, batch-size = 10, lr = 0.05 }");
  private static final int PARAMS = 16 * 20 + 16 + 5 * 16 + 5;

  private SimulationResult run(String... overrides) {
    FedConfig cfg = FedConfig.parse(SMALL, "test", List.of(overrides));
    OutputDir out = new OutputDir(tmp.resolve("out" + System.nanoTime()).toString(), spark.sparkContext().hadoopConfiguration());
    return new Simulation(sc, cfg, out, System.out).run();
  }

  private static List<String> header(SimulationResult r) throws Exception {
    Path csv = new File(java.net.URI.create(r.outputUri())).toPath().resolve("metrics.csv");
    return Arrays.asList(Files.readAllLines(csv).get(0).split(","));
  }

  @Test
  void fedSlrLearnsReportsKeptRanksAndDensityAndSendsFactorsWhenTheRankIsLow() throws Exception {
    SimulationResult r = run("algorithm.name=fedslr");
    assertEquals(RunStatus.COMPLETED, r.status());
    RoundMetrics last = r.last();
    List<String> h = header(r);
    for (String c : List.of("rank_W1", "rank_W2", "sparse_density")) {
      assertTrue(h.contains(c), "writes " + c + ": " + h);
    }
    double rank1 = last.extra().get("rank_W1");
    double rank2 = last.extra().get("rank_W2");
    double density = last.extra().get("sparse_density");
    System.out.printf("fedslr: pers %.3f global %.3f rank_W1 %.0f rank_W2 %.0f density %.3f down %d%n",
        last.personalizedAccMean(), last.globalAcc(), rank1, rank2, density, last.downlinkBytes());
    assertTrue(last.personalizedAccMean() > 0.35, "personalized accuracy " + last.personalizedAccMean());
    assertTrue(Double.isFinite(last.globalAcc()), "W is a global model");
    assertTrue(rank1 >= 1 && rank1 <= 16 && rank2 >= 1 && rank2 <= 5, rank1 + " " + rank2);
    assertTrue(density > 0 && density <= 1, "density " + density);

    // a strong nuclear penalty (threshold 0.04/0.1 = 0.4): the ranks fall to a few, the matrices then
    // travel as factors U√S, √S Vᵀ, and the downlink shrinks accordingly
    SimulationResult lowRank = run("algorithm.name=fedslr", "fedslr.rank-threshold=0.04");
    RoundMetrics lr = lowRank.last();
    double low1 = lr.extra().get("rank_W1");
    double low2 = lr.extra().get("rank_W2");
    System.out.printf("fedslr rank-threshold 0.04: pers %.3f global %.3f rank_W1 %.0f rank_W2 %.0f down %d%n",
        lr.personalizedAccMean(), lr.globalAcc(), low1, low2, lr.downlinkBytes());
    assertEquals(RunStatus.COMPLETED, lowRank.status());
    assertTrue(low1 >= 1 && low1 < rank1 && low1 * (16 + 20) < 16 * 20, "W1 low-rank enough to factor: " + low1);
    assertTrue(low2 >= 1 && low2 * (5 + 16) < 5 * 16, "W2 low-rank enough to factor: " + low2);
    assertTrue(lr.downlinkBytes() < 0.5 * last.downlinkBytes(), lr.downlinkBytes() + " vs " + last.downlinkBytes());
    assertTrue(lr.personalizedAccMean() > 0.35, "the sparse parts carry the personalization: " + lr.personalizedAccMean());
    // the sparser the personal part, the larger its threshold
    SimulationResult sparse = run("algorithm.name=fedslr", "fedslr.sparse-threshold=0.5");
    assertTrue(sparse.last().extra().get("sparse_density") < density);
    // the server state depends on exact sums only: the same metrics with one partition as with four
    SimulationResult one = run("algorithm.name=fedslr", "spark.partitions=1");
    for (int i = 0; i < r.metrics().size(); i++) {
      java.util.Map<String, Object> a = new java.util.LinkedHashMap<>(r.metrics().get(i).asColumns());
      java.util.Map<String, Object> b = new java.util.LinkedHashMap<>(one.metrics().get(i).asColumns());
      for (String t : List.of("round_seconds", "eval_seconds", "elapsed_seconds")) {
        a.remove(t);
        b.remove(t);
      }
      assertEquals(a, b);
    }
  }

  /**
   * With {@code fedslr.distributed-svd-entries = 1} every weight matrix goes through MLlib's
   * distributed SVD instead of the driver's; the two SVDs agree to rounding, so the kept ranks match
   * round by round and the accuracies stay within one test example's worth.
   */
  @Test
  void fedSlrWithTheDistributedSvdKeepsTheDriversRanks() {
    SimulationResult driver = run("algorithm.name=fedslr", "fedslr.rank-threshold=0.01", "fedslr.distributed-svd-entries=0");
    SimulationResult dist = run("algorithm.name=fedslr", "fedslr.rank-threshold=0.01", "fedslr.distributed-svd-entries=1");
    assertEquals(RunStatus.COMPLETED, dist.status());
    assertEquals(driver.metrics().size(), dist.metrics().size());
    for (int i = 0; i < driver.metrics().size(); i++) {
      RoundMetrics a = driver.metrics().get(i);
      RoundMetrics b = dist.metrics().get(i);
      System.out.printf("round %d: driver rank_W1 %.0f rank_W2 %.0f pers %.4f | distributed rank_W1 %.0f rank_W2 %.0f pers %.4f%n",
          a.round(), a.extra().get("rank_W1"), a.extra().get("rank_W2"), a.personalizedAccMean(),
          b.extra().get("rank_W1"), b.extra().get("rank_W2"), b.personalizedAccMean());
      assertEquals(a.extra().get("rank_W1"), b.extra().get("rank_W1"), "rank_W1 at round " + a.round());
      assertEquals(a.extra().get("rank_W2"), b.extra().get("rank_W2"), "rank_W2 at round " + a.round());
      assertEquals(a.personalizedAccMean(), b.personalizedAccMean(), 0.01, "round " + a.round());
      assertEquals(a.globalAcc(), b.globalAcc(), 0.01, "round " + a.round());
    }
    assertTrue(driver.last().extra().get("rank_W1") < 16, "the threshold cuts W1's rank: " + driver.last().extra());
  }

  @Test
  void pFedMeAndAnAdaptiveServerLearn() {
    SimulationResult p = run("algorithm.name=pfedme", "pfedme.lambda=5", "train.lr=0.1");
    assertEquals(RunStatus.COMPLETED, p.status());
    System.out.printf("pfedme: pers %.3f global %.3f%n", p.last().personalizedAccMean(), p.last().globalAcc());
    assertTrue(p.last().personalizedAccMean() > 0.35, "pfedme personalized accuracy " + p.last().personalizedAccMean());
    SimulationResult a = run("algorithm.name=fedavg", "server.optimizer=adam", "server.lr=0.03");
    assertEquals(RunStatus.COMPLETED, a.status());
    System.out.printf("fedadam: global %.3f%n", a.last().globalAcc());
    assertTrue(a.last().globalAcc() > 0.35, "fedadam global accuracy " + a.last().globalAcc());
  }
}
