package org.fedspark.algorithm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.fedspark.client.LocalProblem;
import org.fedspark.client.LocalSolver;
import org.fedspark.client.SgdOptions;
import org.fedspark.codec.Message;
import org.fedspark.data.ClientData;
import org.fedspark.data.FederatedData;
import org.fedspark.data.Seeds;
import org.fedspark.graph.GraphOptions;
import org.fedspark.graph.GraphOutput;
import org.fedspark.graph.KnnGraph;
import org.fedspark.graph.SimilarityNetwork;
import org.fedspark.model.Model;
import org.fedspark.optim.GraphFusedZSolver;
import org.fedspark.optim.LowRankZStep;
import org.fedspark.optim.Svt;
import org.fedspark.server.AggregationSpec;
import org.fedspark.server.RoundAggregate;
import org.fedspark.server.RoundPlan;
import org.fedspark.server.ServerContext;
import org.fedspark.server.ServerResources;
import org.fedspark.server.ServerStrategy;
import scala.Tuple2;

/**
 * Server of the graph-fused personalized method (Network Lasso coupling: Hallac, Leskovec and Boyd, KDD
 * 2015). With client n's model {@code y(n) = M x + N z(n)} ({@link GraphFusedClient}) and the clients as
 * the nodes of a similarity network with edge weights w_ij, it minimises
 *
 * <pre>
 *   J(x, Z) = (1/N) Σ_n f_n(M x + N z(n))  +  λ · Σ_{(i,j)} w_ij ‖z(i) − z(j)‖_p        (p ∈ {1, 2, ∞})
 * </pre>
 *
 * over the shared part x and the personal parts {@code Z = [z(1) … z(N)]} (d₂ × N), which live here on
 * the driver because the penalty couples every client. Why a graph: similar clients (by their data,
 * features or warmed-up models) should have similar personal parts, and because the penalty is a sum of
 * norms, neighbours whose data agree end up with exactly equal parts (the edge is <em>fused</em>), so
 * clusters of clients emerge without fixing their number. {@code graph-fused.penalty = nuclear}
 * replaces the graph term by {@code λ‖Z‖_*} (the parts share a low-dimensional subspace instead).
 *
 * <p><b>One round t</b> over the sampled set S_t (S = |S_t| clients uploaded), step η = η_t (the clients'
 * {@code train.lr}), each client having sent {@code g_x(n)}, {@code g_z(n)}:
 *
 * <pre>
 *   x_{t+1} = x_t − η · (1/S) Σ_{n∈S_t} g_x(n)
 *   Z_{t+1} = argmin_Z  (1/N)⟨G, Z⟩ + (1/(2N·η_z)) ‖Z − Z_t‖²_F + λ·R(Z),   column n of G = g_z(n) if n ∈ S_t, else 0
 *           = argmin_Z  ⟨G, Z⟩ + (1/(2η_z)) ‖Z − Z_t‖²_F + (N·λ)·R(Z)        (multiplied by N)
 * </pre>
 *
 * <ul>
 *   <li><b>Why 1/S, not 1/N, for x.</b> Under uniform sampling without replacement,
 *       {@code E[(1/S) Σ_{S_t} g_x(n)] = (1/N) Σ_n g_x(n)}: the full average gradient of the data term
 *       with respect to x, unbiased; dividing by N would shrink every step by S/N.
 *   <li><b>Why this Z step.</b> The data term's gradient with respect to z(n) is {@code (1/N) g_z(n)}; a
 *       proximal gradient step on J in the metric {@code (1/(N η_z))·I} is the first line. It gives each
 *       client's own part the per-client step η_z on its own loss (with λ = 0, {@code z(n) ← z(n) −
 *       η_z g_z(n)}, exactly like x). The step η_t of the plain Euclidean metric (i.e. G/N with step
 *       η_t) would move a personal part by only η_t/N per round, N times slower than x: useless at
 *       N = 100. {@code graph-fused.eta-z} sets η_z (default: η_t, the same per-client step as x).
 *       A client not sampled has a zero column in G but still moves: its neighbours pull it through R.
 *   <li><b>Why it descends.</b> With exact gradients, full participation and one local step this is a
 *       proximal gradient step on J in the metric {@code diag((1/η) I_x, (1/(Nη_z)) I_Z)}, so J does not
 *       increase when that metric dominates the Hessian of the data term: for f_n L-smooth, η, η_z ≤ 1/L
 *       with personal blocks, and η, η_z ≤ 1/(2L) with additive blocks (x and z(n) then move the same
 *       effective weight, whose step is η + η_z) — the descent lemma for proximal gradient (Beck and
 *       Teboulle, SIAM J. Imaging Sci. 2009).
 * </ul>
 *
 * The Z problem is solved by {@link GraphFusedZSolver} (ADMM, warm-started across rounds; threshold
 * N·λ) or {@link LowRankZStep} (singular value thresholding by η_z·N·λ).
 *
 * <p><b>The similarity network</b> is built once, before round 1 ({@link #prepare}), from the
 * {@code graph.*} keys: data or feature space by {@link SimilarityNetwork#build(FederatedData,
 * GraphOptions)} (summaries computed in the clients' partitions); model space from each client's
 * parameters after {@code graph.model-warmup-epochs} of local SGD from the common initial model (a
 * Spark job over the clients; only the parameter vectors reach the driver). It is written to the run's
 * directory ({@code edges.csv}, {@code degrees.csv}, {@code graph.json}).
 *
 * <p><b>Columns.</b> {@code objective}: J at the model the round started from, {@code (1/S) Σ_{S_t}
 * loss(n) + λ·R(Z_t)} — exact under full participation with full-batch steps (the client's loss is then
 * {@code f_n(y_t(n))}), otherwise the penalty plus a sample estimate of the data term;
 * {@code admm_primal_residual}, {@code admm_dual_residual}, {@code admm_iterations} of the Z step;
 * {@code fused_edges}, the share of edges with {@code U_m = 0} after the step; {@code fused_within_group},
 * the share of fused edges whose endpoints share a ground-truth group (when the source knows groups);
 * {@code z_rank}, the rank kept by the nuclear penalty. A column that does not apply is empty.
 */
public final class GraphFusedServer implements ServerStrategy {
  /** Couplings of the personal parts. */
  public enum Penalty {
    GRAPH, NUCLEAR
  }

  /**
   * The method's settings.
   *
   * @param penalty graph (Network Lasso) or nuclear
   * @param lambda λ ≥ 0 of the objective
   * @param p 1, 2 or ∞: the norm of the edge differences
   * @param etaZ η_z > 0, or 0 for the round's η
   * @param admm the Z solver's settings
   * @param graph the similarity network's settings
   * @param warmupEpochs model space: local epochs before the summaries are taken
   * @param warmupBatch model space: batch size of the warm-up
   */
  public record Settings(Penalty penalty, double lambda, double p, double etaZ, GraphFusedZSolver.Options admm,
      GraphOptions graph, int warmupEpochs, int warmupBatch) implements java.io.Serializable {}

  static final String OBJECTIVE = "objective";
  static final String PRIMAL = "admm_primal_residual";
  static final String DUAL = "admm_dual_residual";
  static final String ITERATIONS = "admm_iterations";
  static final String FUSED = "fused_edges";
  static final String FUSED_WITHIN = "fused_within_group";
  static final String RANK = "z_rank";

  private final ParamSplit split;
  private final Schedule lr;
  private final Settings settings;
  private int n;
  private int d2;
  private Model model;
  private long seed;
  /** Shared values x. */
  private double[] x;
  /** Personal parts Z, row-major d₂ × N (row r = coordinate r of every client). */
  private double[] z;
  private KnnGraph graph;
  private GraphFusedZSolver solver;
  private int[] groups;
  private final Map<String, Double> metrics = new LinkedHashMap<>();
  /** This round's x and own parts as the clients decoded them; null when the downlink was lossless. */
  private double[] deliveredX;
  private Map<Integer, double[]> deliveredZ;

  public GraphFusedServer(ParamSplit split, Schedule lr, Settings settings) {
    if (!split.hasPersonal()) {
      throw new IllegalArgumentException("graph-fused needs personal values (model.blocks)");
    }
    if (!(settings.lambda() >= 0) || Double.isInfinite(settings.lambda())) {
      throw new IllegalArgumentException("lambda must be finite and >= 0, got " + settings.lambda());
    }
    if (!(settings.etaZ() >= 0) || Double.isInfinite(settings.etaZ())) {
      throw new IllegalArgumentException("eta-z must be finite and >= 0, got " + settings.etaZ());
    }
    this.split = split;
    this.lr = lr;
    this.settings = settings;
    for (String c : serverMetrics()) {
      metrics.put(c, Double.NaN);
    }
  }

  @Override
  public void initialize(ServerContext ctx) {
    n = ctx.info().numClients();
    model = ctx.model();
    seed = ctx.seed();
    double[] stored = split.initial(seed);
    x = split.shared().gather(stored);
    double[] z0 = split.personal().gather(stored);
    d2 = z0.length;
    z = new double[d2 * n];
    for (int r = 0; r < d2; r++) {
      java.util.Arrays.fill(z, r * n, (r + 1) * n, z0[r]);
    }
  }

  /** Builds the similarity network (graph penalty only), writes it, and keeps the groups for reporting. */
  @Override
  public void prepare(ServerResources resources) {
    groups = resources.groups();
    if (settings.penalty() != Penalty.GRAPH) {
      return;
    }
    GraphOptions opt = settings.graph();
    SimilarityNetwork.Result net = opt.space() == GraphOptions.Space.MODEL
        ? SimilarityNetwork.build(warmedUpModels(resources.data(), model, seed,
            new SgdOptions(settings.warmupEpochs(), settings.warmupBatch(), lr.at(1), 0.0)), opt)
        : SimilarityNetwork.build(resources.data(), opt);
    GraphOutput.write(resources.out(), net, groups);
    useGraph(net.graph());
  }

  /** Sets the similarity network (what {@link #prepare} does after building it); call after {@link #initialize}. */
  void useGraph(KnnGraph g) {
    if (g.numNodes() != n) {
      throw new IllegalArgumentException("graph has " + g.numNodes() + " nodes, the federation " + n + " clients");
    }
    graph = g;
    solver = new GraphFusedZSolver(n, g.from(), g.to(), g.weights(), d2, n * settings.lambda(), settings.p(),
        settings.admm());
  }

  /** Ground-truth groups for the {@code fused_within_group} column only. */
  void reportGroups(int[] g) {
    groups = g;
  }

  /**
   * Each client's model parameters after {@code o.epochs()} of local SGD from the common initial model,
   * computed in the clients' partitions (row c = client c).
   */
  static double[][] warmedUpModels(FederatedData data, Model model, long seed, SgdOptions o) {
    JavaRDD<ClientData> clients = data.clients();
    List<Tuple2<Integer, double[]>> trained = clients.map(c -> {
      double[] theta = org.fedspark.client.InitialParams.of(model, seed);
      LocalSolver.train(LocalProblem.of(model), theta, c.train(), o, Seeds.stream(seed, 0, c.clientId(), "graph-warmup"));
      return new Tuple2<>(c.clientId(), theta);
    }).collect();
    double[][] out = new double[data.info().numClients()][];
    for (Tuple2<Integer, double[]> t : trained) {
      out[t._1()] = t._2();
    }
    return out;
  }

  @Override
  public RoundPlan configureFit(int round, int[] sampledClients) {
    Map<Integer, Message> own = new HashMap<>();
    for (int c : sampledClients) {
      own.put(c, Message.builder().vector(GraphFusedClient.PERSONAL, column(c)).build());
    }
    return new RoundPlan(broadcast(), own);
  }

  private Message broadcast() {
    return Message.builder().vector(GraphFusedClient.PARAMS, x.clone()).build();
  }

  /** z(c), the column c of Z. */
  double[] column(int c) {
    double[] v = new double[d2];
    for (int r = 0; r < d2; r++) {
      v[r] = z[r * n + c];
    }
    return v;
  }

  /**
   * The shared values x̂ every client decoded: with a lossy downlink, the clients' gradients are at
   * x̂, so the x step moves from x̂ (as the averaging server does).
   */
  @Override
  public void broadcastDelivered(int round, Message delivered) {
    double[] xs = delivered.vectors().get(GraphFusedClient.PARAMS);
    deliveredX = xs != null && xs.length == x.length ? xs.clone() : null;
  }

  /**
   * Each sampled client's personal part ẑ(n) as it decoded it: its gradient is at ẑ(n), so the Z step
   * starts from ẑ(n) in its column (the columns of clients not sampled were not sent and stay).
   */
  @Override
  public void perClientDelivered(int round, Map<Integer, Message> delivered) {
    deliveredZ = new HashMap<>();
    delivered.forEach((c, m) -> {
      double[] zc = m.vectors().get(GraphFusedClient.PERSONAL);
      if (zc != null && zc.length == d2) {
        deliveredZ.put(c, zc);
      }
    });
  }

  /** Replaces x and the sampled clients' columns of Z by what the clients decoded, if a lossy downlink changed them. */
  private void startFromDelivered() {
    if (deliveredX != null) {
      x = deliveredX;
    }
    if (deliveredZ != null) {
      z = z.clone();
      deliveredZ.forEach((c, zc) -> {
        for (int r = 0; r < d2; r++) {
          z[r * n + c] = zc[r];
        }
      });
    }
    deliveredX = null;
    deliveredZ = null;
  }

  /** Shared part summed; personal part collected per client: the Z step needs every column of G. */
  @Override
  public AggregationSpec aggregation() {
    return new AggregationSpec("weight", java.util.Set.of(GraphFusedClient.GZ));
  }

  @Override
  public void aggregateFit(int round, RoundAggregate aggregate) {
    metrics.replaceAll((k, v) -> Double.NaN);
    int s = aggregate.numUpdates();
    if (s == 0) {
      deliveredX = null;
      deliveredZ = null;
      return;
    }
    if (settings.penalty() == Penalty.GRAPH && solver == null) {
      throw new IllegalStateException("graph-fused: no similarity network; prepare() was not called");
    }
    startFromDelivered();
    double eta = lr.at(round);
    double etaZ = settings.etaZ() > 0 ? settings.etaZ() : eta;
    metrics.put(OBJECTIVE, aggregate.scalarSums().getOrDefault(GraphFusedClient.LOSS, Double.NaN) / s
        + settings.lambda() * penalty(z));
    double[] sumGx = aggregate.weightedSums().get(GraphFusedClient.GX);
    for (int i = 0; i < x.length; i++) {
      x[i] -= eta * sumGx[i] / s;
    }
    double[] g = new double[d2 * n];
    aggregate.collected().forEach((client, m) -> {
      double[] gz = m.vector(GraphFusedClient.GZ);
      for (int r = 0; r < d2; r++) {
        g[r * n + client] = gz[r];
      }
    });
    if (settings.penalty() == Penalty.GRAPH) {
      GraphFusedZSolver.Result r = solver.solve(g, z, etaZ);
      z = r.z();
      metrics.put(PRIMAL, r.primalResidual());
      metrics.put(DUAL, r.dualResidual());
      metrics.put(ITERATIONS, (double) r.iterations());
      int edges = graph.numEdges();
      metrics.put(FUSED, edges == 0 ? Double.NaN : (double) r.fusedCount() / edges);
      if (groups != null && r.fusedCount() > 0) {
        int within = 0;
        for (int e : r.fusedEdges()) {
          if (groups[graph.from()[e]] == groups[graph.to()[e]]) {
            within++;
          }
        }
        metrics.put(FUSED_WITHIN, (double) within / r.fusedCount());
      }
    } else {
      Svt.Result r = LowRankZStep.solve(g, z, d2, n, etaZ, n * settings.lambda());
      z = r.toArray();
      metrics.put(RANK, (double) r.rank());
    }
  }

  /** R(Z): {@code Σ_m w_m ‖z(i) − z(j)‖_p} over the network's edges, or {@code ‖Z‖_*}. */
  double penalty(double[] zs) {
    if (settings.penalty() == Penalty.NUCLEAR) {
      double sum = 0;
      for (double sv : Svt.singularValues(zs, 0, d2, n)) {
        sum += sv;
      }
      return sum;
    }
    double total = 0;
    double p = settings.p();
    for (int e = 0; e < graph.numEdges(); e++) {
      int i = graph.from()[e];
      int j = graph.to()[e];
      double acc = 0;
      for (int r = 0; r < d2; r++) {
        double d = Math.abs(zs[r * n + i] - zs[r * n + j]);
        acc = p == 1 ? acc + d : p == 2 ? acc + d * d : Math.max(acc, d);
      }
      total += graph.weights()[e] * (p == 2 ? Math.sqrt(acc) : acc);
    }
    return total;
  }

  @Override
  public RoundPlan configureEvaluate(int round) {
    Map<Integer, Message> own = new HashMap<>();
    for (int c = 0; c < n; c++) {
      own.put(c, Message.builder().vector(GraphFusedClient.PERSONAL, column(c)).build());
    }
    return new RoundPlan(broadcast(), own);
  }

  /** Every client has its own personal part: there is no single global model. */
  @Override
  public Optional<double[]> globalModel() {
    return Optional.empty();
  }

  @Override
  public List<String> serverMetrics() {
    List<String> c = new ArrayList<>(List.of(OBJECTIVE));
    if (settings.penalty() == Penalty.GRAPH) {
      c.addAll(List.of(PRIMAL, DUAL, ITERATIONS, FUSED, FUSED_WITHIN));
    } else {
      c.add(RANK);
    }
    return c;
  }

  @Override
  public Map<String, Double> metrics() {
    return Map.copyOf(metrics);
  }

  /** The shared values x (a copy). */
  double[] shared() {
    return x.clone();
  }

  /** Z, row-major d₂ × N (a copy). */
  double[] personalParts() {
    return z.clone();
  }
}
