package org.fedspark.algorithm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.fedspark.client.ClientContext;
import org.fedspark.client.ClientState;
import org.fedspark.client.FitResult;
import org.fedspark.codec.Message;
import org.fedspark.data.DatasetInfo;
import org.fedspark.data.LocalDataset;
import org.fedspark.graph.GraphOptions;
import org.fedspark.graph.KnnGraph;
import org.fedspark.model.BlockRoles;
import org.fedspark.model.Model;
import org.fedspark.model.SoftmaxRegression;
import org.fedspark.optim.GraphFusedZSolver;
import org.fedspark.server.RoundAggregate;
import org.fedspark.server.RoundPlan;
import org.fedspark.server.ServerContext;
import org.junit.jupiter.api.Test;

/**
 * The graph-fused method's two halves, driven round by round in one JVM (no Spark): the engine's part —
 * merging the broadcast with a client's own message, summing the shared part, collecting the personal
 * part — is done here by hand, exactly as {@code AggregationSpec} describes it.
 *
 * <p>The toy of the one-round tests: softmax regression with one feature and two classes, parameters
 * (W₀, W₁, b₀, b₁), logits {@code W·x + b}, split "additive all", so x and every z(n) have 4 values and
 * start at 0. At the zero model p = (½, ½), and the cross-entropy gradient of one example (x, y) is
 * {@code ((p₀ − [y=0])x, (p₁ − [y=1])x, p₀ − [y=0], p₁ − [y=1])}:
 * <ul>
 *   <li>client 0, example (1, class 1): g₀ = (½, −½, ½, −½);
 *   <li>client 1, example (1, class 0): g₁ = (−½, ½, −½, ½);
 *   <li>client 2, example (2, class 1): g₂ = (1, −1, ½, −½).
 * </ul>
 * Every client's loss at the zero model is log 2. η = 0.1, full batch, one local step.
 */
class GraphFusedTest {
  private static final double ETA = 0.1;
  private final Model model = new SoftmaxRegression(1, 2, 0.0);
  private final ParamSplit split = ParamSplit.of(model, BlockRoles.parse("additive all", model.layout()));
  private static final double[] G0 = {0.5, -0.5, 0.5, -0.5};
  private static final double[] G1 = {-0.5, 0.5, -0.5, 0.5};
  private static final double[] G2 = {1, -1, 0.5, -0.5};

  private static LocalDataset one(double x, int y) {
    return new LocalDataset(new double[] {x}, new int[] {y}, 1);
  }

  private static GraphFusedServer.Settings settings(double lambda, double tol) {
    GraphFusedZSolver.Options admm = GraphFusedZSolver.Options.defaults().withTolerances(tol, tol)
        .withMaxIterations(100_000).withLinearTolerance(1e-14);
    return new GraphFusedServer.Settings(GraphFusedServer.Penalty.GRAPH, lambda, 2, 0, admm, GraphOptions.defaults(1),
        1, 1);
  }

  /** A server for {@code data.size()} clients over the path 0 – 1 – … with unit weights. */
  private GraphFusedServer server(Model m, ParamSplit s, List<LocalDataset> data, double lambda, double eta, double tol) {
    GraphFusedServer srv = new GraphFusedServer(s, Schedule.constant(eta), settings(lambda, tol));
    int n = data.size();
    int[] counts = data.stream().mapToInt(LocalDataset::size).toArray();
    srv.initialize(new ServerContext(m, new DatasetInfo("toy", m.numFeatures(), 2, counts, new int[n]),
        new double[m.layout().size()], 1));
    int[] from = new int[n - 1];
    int[] to = new int[n - 1];
    double[] w = new double[n - 1];
    for (int e = 0; e < n - 1; e++) {
      from[e] = e;
      to[e] = e + 1;
      w[e] = 1;
    }
    srv.useGraph(new KnnGraph(n, from, to, w));
    return srv;
  }

  /**
   * One round as the engine runs it: each sampled client gets the broadcast merged with its own
   * message, "gx" is summed, "gz" collected per client, scalars summed.
   */
  private static Map<Integer, Message> round(GraphFusedServer srv, GraphFusedClient client, Model m,
      List<LocalDataset> data, int t, int[] sampled) {
    RoundPlan plan = srv.configureFit(t, sampled);
    Map<Integer, Message> uploads = new TreeMap<>();
    double[] sumGx = null;
    double loss = 0;
    TreeMap<Integer, Message> collected = new TreeMap<>();
    for (int c : sampled) {
      Message in = merge(plan.broadcast(), plan.perClient().get(c));
      FitResult r = client.fit(new ClientContext(c, t, data.get(c), m, 1), ClientState.EMPTY, in);
      Message up = r.update();
      uploads.put(c, up);
      double[] gx = up.vector(GraphFusedClient.GX);
      if (sumGx == null) {
        sumGx = new double[gx.length];
      }
      for (int i = 0; i < gx.length; i++) {
        sumGx[i] += gx[i];
      }
      loss += up.scalar(GraphFusedClient.LOSS);
      collected.put(c, Message.builder().vector(GraphFusedClient.GZ, up.vector(GraphFusedClient.GZ)).build());
    }
    srv.aggregateFit(t, new RoundAggregate(sampled.length, sampled.length, Map.of(GraphFusedClient.GX, sumGx),
        Map.of(GraphFusedClient.LOSS, loss), collected));
    return uploads;
  }

  private static Message merge(Message a, Message b) {
    Message.Builder m = Message.builder();
    a.vectors().forEach(m::vector);
    b.vectors().forEach(m::vector);
    return m.build();
  }

  private static double[] scaled(double a, double[] v) {
    double[] o = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      o[i] = a * v[i];
    }
    return o;
  }

  private GraphFusedClient client(ParamSplit s, double eta) {
    return new GraphFusedClient(s, Schedule.constant(eta), 1, 32, true);
  }

  private List<LocalDataset> toy() {
    return List.of(one(1, 1), one(1, 0), one(2, 1));
  }

  @Test
  void oneRoundWithoutPenaltyIsAPlainGradientStepForXAndForEachOwnPart() {
    GraphFusedServer srv = server(model, split, toy(), 0.0, ETA, 1e-12);
    Map<Integer, Message> up = round(srv, client(split, ETA), model, toy(), 1, new int[] {0, 1, 2});
    // uploads: the gradient at the zero model, for the shared and the personal half alike
    double[][] g = {G0, G1, G2};
    for (int c = 0; c < 3; c++) {
      assertArrayEquals(g[c], up.get(c).vector(GraphFusedClient.GX), 1e-14, "g_x of client " + c);
      assertArrayEquals(g[c], up.get(c).vector(GraphFusedClient.GZ), 1e-14, "g_z of client " + c);
      assertEquals(Math.log(2), up.get(c).scalar(GraphFusedClient.LOSS), 1e-15);
    }
    // x ← 0 − η·(1/3)(g₀ + g₁ + g₂) = −0.1·(1, −1, ½, −½)/3
    assertArrayEquals(new double[] {-1.0 / 30, 1.0 / 30, -1.0 / 60, 1.0 / 60}, srv.shared(), 1e-15);
    // λ = 0: z(n) ← −η_z g(n), nobody depends on anybody
    for (int c = 0; c < 3; c++) {
      assertArrayEquals(scaled(-ETA, g[c]), srv.column(c), 1e-12, "z of client " + c);
    }
    // objective at the round's start: mean loss log 2 + λ·0
    assertEquals(Math.log(2), srv.metrics().get(GraphFusedServer.OBJECTIVE), 1e-15);
    // personalized model = x + z(n)
    RoundPlan eval = srv.configureEvaluate(1);
    double[] w = client(split, ETA).personalModel(new ClientContext(2, 1, one(2, 1), model, 1), ClientState.EMPTY,
        merge(eval.broadcast(), eval.perClient().get(2)));
    assertArrayEquals(new double[] {-1.0 / 30 - 0.1, 1.0 / 30 + 0.1, -1.0 / 60 - 0.05, 1.0 / 60 + 0.05}, w, 1e-12);
  }

  @Test
  void withALossyDownlinkTheStepsStartFromWhatTheClientsDecoded() {
    GraphFusedServer srv = server(model, split, toy(), 0.0, ETA, 1e-12);
    round(srv, client(split, ETA), model, toy(), 1, new int[] {0, 1, 2});
    double[] z2 = srv.column(2);
    // round 2: clients 0 and 1 decoded x̂ and their own ẑ(n), not the server's exact values
    double[] xHat = {0.25, -0.5, 0.125, 1};
    double[] z0Hat = {1, 2, 3, 4};
    double[] z1Hat = {-1, 0, 0.5, 0};
    srv.configureFit(2, new int[] {0, 1});
    srv.broadcastDelivered(2, Message.builder().vector(GraphFusedClient.PARAMS, xHat).build());
    srv.perClientDelivered(2, Map.of(0, Message.builder().vector(GraphFusedClient.PERSONAL, z0Hat).build(),
        1, Message.builder().vector(GraphFusedClient.PERSONAL, z1Hat).build()));
    double[] gx = {1, 1, 1, 1};
    TreeMap<Integer, Message> gz = new TreeMap<>(Map.of(0, Message.builder().vector(GraphFusedClient.GZ, G0).build(),
        1, Message.builder().vector(GraphFusedClient.GZ, G1).build()));
    srv.aggregateFit(2, new RoundAggregate(2, 2, Map.of(GraphFusedClient.GX, scaled(2, gx)),
        Map.of(GraphFusedClient.LOSS, 0.0), gz));
    // λ = 0: x ← x̂ − η·mean g_x, z(n) ← ẑ(n) − η_z g_z(n); client 2 was not sent anything and keeps its z
    assertArrayEquals(new double[] {0.15, -0.6, 0.025, 0.9}, srv.shared(), 1e-15);
    for (int r = 0; r < 4; r++) {
      assertEquals(z0Hat[r] - ETA * G0[r], srv.column(0)[r], 1e-12);
      assertEquals(z1Hat[r] - ETA * G1[r], srv.column(1)[r], 1e-12);
    }
    assertArrayEquals(z2, srv.column(2), 1e-12);
    // the next round without a lossy downlink moves from the server's own values again
    double[] x2 = srv.shared().clone();
    srv.aggregateFit(3, new RoundAggregate(2, 2, Map.of(GraphFusedClient.GX, scaled(2, gx)),
        Map.of(GraphFusedClient.LOSS, 0.0), gz));
    assertArrayEquals(new double[] {x2[0] - ETA, x2[1] - ETA, x2[2] - ETA, x2[3] - ETA}, srv.shared(), 1e-15);
  }

  @Test
  void aClientNotSampledIsPulledByItsNeighboursAndXIsNormalizedByTheSampledCount() {
    // Clients 0 and 2 hold (1, class 1): gradient c = g₀, ‖c‖ = 1; client 1 is not sampled (zero column).
    List<LocalDataset> data = List.of(one(1, 1), one(1, 0), one(1, 1));
    double lambda = 0.05; // solver threshold N·λ = 0.15
    GraphFusedServer srv = server(model, split, data, lambda, ETA, 1e-13);
    round(srv, client(split, ETA), model, data, 1, new int[] {0, 2});
    // x ← −η·(1/S)(c + c) with S = 2 (not N = 3): −0.1·c
    assertArrayEquals(scaled(-ETA, G0), srv.shared(), 1e-15);
    // Z step on the path with z(i) = a_i·u, u = −c/‖c‖: minimise −‖c‖(a₀ + a₂) + (a₀² + a₁² + a₂²)/(2η)
    // + Nλ(|a₀ − a₁| + |a₁ − a₂|). By symmetry a₀ = a₂ = a > a₁ = b: a = η(‖c‖ − Nλ) = 0.085,
    // b = 2ηNλ = 0.03 (valid since ‖c‖ > 3Nλ).
    double[] u = scaled(-1, G0);
    assertArrayEquals(scaled(0.085, u), srv.column(0), 1e-9);
    assertArrayEquals(scaled(0.03, u), srv.column(1), 1e-9);
    assertArrayEquals(scaled(0.085, u), srv.column(2), 1e-9);
    assertEquals(0.0, srv.metrics().get(GraphFusedServer.FUSED), 0.0);
  }

  @Test
  void aLargePenaltyOnAConnectedGraphFusesEveryPartIntoTheirMean() {
    GraphFusedServer srv = server(model, split, toy(), 10.0, ETA, 1e-12);
    srv.reportGroups(new int[] {0, 0, 1});
    round(srv, client(split, ETA), model, toy(), 1, new int[] {0, 1, 2});
    // fully fused: Σ_n ‖z − (−η g_n)‖²/(2η) is minimised by the mean of the −η g_n
    double[] mean = scaled(-ETA / 3, new double[] {1, -1, 0.5, -0.5});
    for (int c = 0; c < 3; c++) {
      assertArrayEquals(mean, srv.column(c), 1e-9, "client " + c);
    }
    assertEquals(1.0, srv.metrics().get(GraphFusedServer.FUSED), 0.0);
    // edges (0,1) within group 0, (1,2) across: half the fused edges are within a group
    assertEquals(0.5, srv.metrics().get(GraphFusedServer.FUSED_WITHIN), 0.0);
  }

  @Test
  void theNuclearPenaltyShrinksTheSingularValuesOfTheGradientStep() {
    // Clients 0 and 2 hold (1, class 1) and are sampled; client 1 is not. Z_t − η_z G has the columns
    // (−ηc, 0, −ηc) with c = g₀, ‖c‖ = 1: rank one, singular value σ = η‖c‖√2. Singular value
    // thresholding by τ = η_z·N·λ scales it by (σ − τ)/σ.
    List<LocalDataset> data = List.of(one(1, 1), one(1, 0), one(1, 1));
    double lambda = 0.1;
    GraphFusedServer.Settings nuclear = new GraphFusedServer.Settings(GraphFusedServer.Penalty.NUCLEAR, lambda, 2, 0,
        GraphFusedZSolver.Options.defaults(), GraphOptions.defaults(1), 1, 1);
    GraphFusedServer srv = new GraphFusedServer(split, Schedule.constant(ETA), nuclear);
    srv.initialize(new ServerContext(model, new DatasetInfo("toy", 1, 2, new int[] {1, 1, 1}, new int[3]),
        new double[4], 1));
    round(srv, client(split, ETA), model, data, 1, new int[] {0, 2});
    double sigma = ETA * Math.sqrt(2);
    double tau = ETA * 3 * lambda;
    double[] expect = scaled(-ETA * (sigma - tau) / sigma, G0);
    assertArrayEquals(expect, srv.column(0), 1e-14);
    assertArrayEquals(new double[4], srv.column(1), 1e-14);
    assertArrayEquals(expect, srv.column(2), 1e-14);
    assertEquals(1.0, srv.metrics().get(GraphFusedServer.RANK), 0.0);
    assertEquals(Math.log(2), srv.metrics().get(GraphFusedServer.OBJECTIVE), 1e-15, "‖Z_0‖_* = 0");
    // next round's objective carries λ‖Z_1‖_* = λ·(σ − τ)
    round(srv, client(split, ETA), model, data, 2, new int[] {0, 2});
    double[] theta = split.assemble(scaled(-ETA, G0), ClientState.of(ParamSplit.PERSONAL, expect), 1);
    double loss0 = model.evaluate(split.effective(theta), one(1, 1)).lossSum();
    assertEquals(loss0 + lambda * (sigma - tau), srv.metrics().get(GraphFusedServer.OBJECTIVE), 1e-14);
  }

  @Test
  void severalLocalStepsUploadTheDisplacementOverTheStep() {
    // Two full-batch steps on client 0's example: step 1 at the zero model, step 2 at y₁ = −η(g, g) ...
    GraphFusedClient two = new GraphFusedClient(split, Schedule.constant(ETA), 2, 32, true);
    Message in = Message.builder().vector(GraphFusedClient.PARAMS, new double[4])
        .vector(GraphFusedClient.PERSONAL, new double[4]).build();
    Message up = two.fit(new ClientContext(0, 1, one(1, 1), model, 1), ClientState.EMPTY, in).update();
    // ... where the effective weights are x + z = −2η·g₀ = (−0.1, 0.1, −0.1, 0.1): logits (−0.2, 0.2)
    double p1 = 1 / (1 + Math.exp(-0.4));
    double[] g2 = {1 - p1, p1 - 1, 1 - p1, p1 - 1};
    double[] expect = new double[4];
    for (int i = 0; i < 4; i++) {
      expect[i] = G0[i] + g2[i];
    }
    assertArrayEquals(expect, up.vector(GraphFusedClient.GX), 1e-14);
    assertArrayEquals(expect, up.vector(GraphFusedClient.GZ), 1e-14);
  }

  /**
   * The conditions under which the method is a proximal gradient method on J: full participation,
   * full-batch gradients, one local step, the Z step solved to a tight tolerance, and a step within the
   * descent lemma's bound. For softmax regression the Hessian of the mean loss is at most
   * {@code ½·max_i ‖(x_i, 1)‖²} (Böhning, Ann. Inst. Stat. Math. 1992), so L ≤ ½·max‖x̃‖²; with additive
   * blocks the effective weight moves by η + η_z = 2η, hence η = 1/(2L) = 1/max‖x̃‖².
   */
  @Test
  void theObjectiveDecreasesEveryRoundUnderTheDescentConditions() {
    int n = 8;
    int d = 3;
    int k = 3;
    Model m = new SoftmaxRegression(d, k, 0.0);
    ParamSplit s = ParamSplit.of(m, BlockRoles.parse("additive all", m.layout()));
    SplittableRandom rng = new SplittableRandom(11);
    List<LocalDataset> data = new ArrayList<>();
    double maxNorm2 = 0;
    for (int c = 0; c < n; c++) {
      int rows = 15;
      double[] f = new double[rows * d];
      int[] y = new int[rows];
      double[][] w = new double[k][d];
      for (double[] row : w) {
        for (int j = 0; j < d; j++) {
          row[j] = rng.nextGaussian() + (c % 2 == 0 ? 1 : -1); // two groups of labeling models
        }
      }
      for (int r = 0; r < rows; r++) {
        double norm2 = 1;
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < d; j++) {
          f[r * d + j] = rng.nextGaussian();
          norm2 += f[r * d + j] * f[r * d + j];
        }
        for (int cl = 0; cl < k; cl++) {
          double sc = rng.nextGaussian() * 0.5;
          for (int j = 0; j < d; j++) {
            sc += w[cl][j] * f[r * d + j] * (cl + 1);
          }
          if (sc > bestScore) {
            bestScore = sc;
            best = cl;
          }
        }
        y[r] = best;
        maxNorm2 = Math.max(maxNorm2, norm2);
      }
      data.add(new LocalDataset(f, y, d));
    }
    double eta = 1 / maxNorm2;
    double lambda = 0.05;
    GraphFusedServer srv = server(m, s, data, lambda, eta, 1e-12);
    GraphFusedClient cl = new GraphFusedClient(s, Schedule.constant(eta), 1, 4, true);
    int[] all = new int[n];
    for (int c = 0; c < n; c++) {
      all[c] = c;
    }
    List<Double> objective = new ArrayList<>();
    int fusedRounds = 0;
    for (int t = 1; t <= 150; t++) {
      double independent = objective(m, s, srv, data, lambda);
      round(srv, cl, m, data, t, all);
      double reported = srv.metrics().get(GraphFusedServer.OBJECTIVE);
      assertEquals(independent, reported, 1e-12 * Math.abs(independent), "round " + t + ": J(x_t, Z_t)");
      objective.add(reported);
      if (srv.metrics().get(GraphFusedServer.FUSED) > 0) {
        fusedRounds++;
      }
    }
    for (int t = 1; t < objective.size(); t++) {
      assertTrue(objective.get(t) <= objective.get(t - 1) + 1e-12,
          "round " + (t + 1) + ": " + objective.get(t) + " > " + objective.get(t - 1));
    }
    assertTrue(objective.get(objective.size() - 1) < objective.get(0) - 0.05,
        "the objective fell from " + objective.get(0) + " to " + objective.get(objective.size() - 1));
    assertTrue(fusedRounds > 0, "the penalty is active: some edges fused");
    System.out.printf("graph-fused descent: J from %.6f to %.6f in 150 rounds, η = %.4f, edges fused in %d rounds%n",
        objective.get(0), objective.get(objective.size() - 1), eta, fusedRounds);
  }

  /** J(x, Z) from the server's state, by the model's own evaluation and the edges' norms. */
  private static double objective(Model m, ParamSplit s, GraphFusedServer srv, List<LocalDataset> data, double lambda) {
    double[] x = srv.shared();
    double loss = 0;
    int n = data.size();
    double[][] z = new double[n][];
    for (int c = 0; c < n; c++) {
      z[c] = srv.column(c);
      double[] theta = s.assemble(x, ClientState.of(ParamSplit.PERSONAL, z[c]), 1);
      var st = m.evaluate(s.effective(theta), data.get(c));
      loss += st.lossSum() / st.count();
    }
    double pen = 0;
    for (int c = 0; c + 1 < n; c++) {
      double sq = 0;
      for (int r = 0; r < z[c].length; r++) {
        sq += (z[c][r] - z[c + 1][r]) * (z[c][r] - z[c + 1][r]);
      }
      pen += Math.sqrt(sq);
    }
    return loss / n + lambda * pen;
  }

  @Test
  void personalHeadSendsOnlyTheBodyAsSharedAndTheHeadAsTheClientsOwnPart() {
    ParamSplit head = ParamSplit.of(model, BlockRoles.parse("personal b", model.layout()));
    GraphFusedServer srv = server(model, head, toy(), 0.0, ETA, 1e-12);
    Map<Integer, Message> up = round(srv, client(head, ETA), model, toy(), 1, new int[] {0, 1, 2});
    assertArrayEquals(new double[] {0.5, -0.5}, up.get(0).vector(GraphFusedClient.GX), 1e-14);
    assertArrayEquals(new double[] {0.5, -0.5}, up.get(0).vector(GraphFusedClient.GZ), 1e-14);
    assertArrayEquals(new double[] {-1.0 / 30, 1.0 / 30}, srv.shared(), 1e-15);
    assertArrayEquals(new double[] {-0.05, 0.05}, srv.column(2), 1e-12);
  }
}
