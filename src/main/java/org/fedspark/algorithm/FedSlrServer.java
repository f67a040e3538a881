package org.fedspark.algorithm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import org.fedspark.client.InitialParams;
import org.fedspark.codec.Message;
import org.fedspark.model.Blas;
import org.fedspark.model.Model;
import org.fedspark.model.ParamBlock;
import org.fedspark.model.ParamLayout;
import org.fedspark.optim.DistributedSvt;
import org.fedspark.optim.Svt;
import org.fedspark.server.RoundAggregate;
import org.fedspark.server.RoundPlan;
import org.fedspark.server.ServerResources;
import org.fedspark.server.ServerContext;
import org.fedspark.server.ServerStrategy;

/**
 * Server of FedSLR (Huang, Shen, Li, Zhu &amp; Tao, "Fusion of Global and Local Knowledge for
 * Personalized Federated Learning", TMLR 2023). The global model W is meant to be low-rank: FedSLR
 * solves {@code min_W Σ_i f_i(W + P_i) + λ_r ‖W‖_* + λ_s Σ_i ‖P_i‖₁} by an ADMM-like splitting whose
 * W-step is FedDyn's (Acar et al., "Federated Learning Based on Dynamic Regularization", ICLR 2021,
 * Algorithm 1) followed by the prox of the nuclear norm. Each round, over the sampled set S_t of the N
 * clients, from the uploads {@code Δ_i = w_i − W}:
 *
 * <pre>
 *   h ← h − (α/N) Σ_{i∈S_t} (w_i − W)                 (h = (1/N) Σ_{all i} μ_i, FedDyn's server state)
 *   X = (1/|S_t|) Σ_{i∈S_t} w_i − h/α                 (uniform mean, as the reference code averages)
 *   W ← SVT_{λ_r/α}(X) for every weight matrix,  W_b ← X_b for biases
 * </pre>
 *
 * Why h: every client's μ_i (its FedDyn dual, {@link FedSlrClient}) moves by {@code −α(w_i − W)} when it
 * trains and stays put otherwise, so the mean of all μ_i changes by exactly the sum above divided by N;
 * keeping that running mean on the server gives the reference's "mean of μ_i over all clients" without
 * ever collecting a μ_i. Subtracting h/α cancels the drift of the local optima toward the clients' own
 * minimisers (Acar et al., Eq. 4), which is what lets the thresholding see the consensus model.
 * Why SVT: {@code SVT_τ(X) = U·diag(max(σ − τ, 0))·Vᵀ = argmin_W ½‖W − X‖²_F + τ‖W‖_*} (Cai, Candès
 * &amp; Shen, SIAM J. Optim. 2010) is the prox of λ_r‖·‖_* at the FedDyn step 1/α, hence τ = λ_r/α
 * ({@code fedslr.rank-threshold}/{@code fedslr.alpha}).
 *
 * <p>The downlink carries a thresholded matrix as its factors {@code L = U√S} (rows × r) and
 * {@code R = √S Vᵀ} (r × cols) whenever {@code r·(rows + cols) < rows·cols}, as vectors
 * {@code <block>.left} and {@code <block>.right}; every other block (biases, matrices whose rank is too
 * high to gain) travels densely, concatenated in layout order in {@code params}. The engine counts the
 * bytes of what is encoded, so the downlink saving is measured, not estimated. The server keeps W as the
 * clients will rebuild it ({@link #decode}, the same product), so both hold the same values bit for bit.
 *
 * <p>Where the SVD runs: {@link Svt#threshold} on the driver (exact {@code dgesdd}, or randomized for a
 * large block of low rank), or, for a block of at least {@code fedslr.distributed-svd-entries} entries,
 * {@link DistributedSvt} on the executors (MLlib's {@code RowMatrix.computeSVD}), whose first target
 * rank is the block's rank in the previous round plus one, so that a stable rank costs one distributed
 * SVD per round rather than a doubling sequence.
 *
 * <p>Reports {@code rank_<block>} per weight matrix: the rank kept by the last thresholding.
 */
public final class FedSlrServer implements ServerStrategy {
  static final String PARAMS = "params";
  static final String DELTA = "delta";
  static final String LEFT = ".left";
  static final String RIGHT = ".right";
  static final String RANK_PREFIX = "rank_";

  private final Model model;
  private final double alpha;
  private final double rankThreshold;
  private final long distributedEntries;
  /**
   * Set by {@link #prepare}, or looked up on first use after a resume (a resume point saves the server
   * without it); needed only when a block is large enough for the distributed SVD.
   */
  private transient JavaSparkContext sc;
  private double[] global;
  /** FedDyn's h: the mean over all N clients of their duals μ_i. */
  private double[] h;
  private int numClients;
  private Message message;
  private final Map<String, Double> ranks = new LinkedHashMap<>();

  /**
   * @param distributedEntries blocks with at least this many entries are thresholded with the
   *     distributed SVD; 0 = never
   */
  public FedSlrServer(Model model, double alpha, double rankThreshold, long distributedEntries) {
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("FedSLR alpha must be finite and > 0, got " + alpha);
    }
    if (!(rankThreshold >= 0) || Double.isInfinite(rankThreshold)) {
      throw new IllegalArgumentException("FedSLR rank threshold must be finite and >= 0, got " + rankThreshold);
    }
    this.model = model;
    this.alpha = alpha;
    this.rankThreshold = rankThreshold;
    if (distributedEntries < 0) {
      throw new IllegalArgumentException("FedSLR distributed-SVD size must be >= 0, got " + distributedEntries);
    }
    this.distributedEntries = distributedEntries;
    for (ParamBlock b : model.layout().blocks()) {
      if (!b.isBias()) {
        ranks.put(RANK_PREFIX + b.name(), Double.NaN);
      }
    }
  }

  @Override
  public void initialize(ServerContext ctx) {
    global = InitialParams.of(model, ctx.seed());
    h = new double[global.length];
    numClients = ctx.info().numClients();
    message = Message.builder().vector(PARAMS, global.clone()).build();
  }

  @Override
  public void prepare(ServerResources resources) {
    sc = JavaSparkContext.fromSparkContext(resources.data().clients().context());
  }

  /** Whether block {@code b} is thresholded with the distributed SVD. */
  boolean distributed(ParamBlock b) {
    return distributedEntries > 0 && (long) b.rows() * b.cols() >= distributedEntries;
  }

  @Override
  public RoundPlan configureFit(int round, int[] sampledClients) {
    return RoundPlan.broadcast(message);
  }

  @Override
  public void aggregateFit(int round, RoundAggregate aggregate) {
    if (aggregate.numUpdates() == 0) {
      return;
    }
    double[] sum = aggregate.weightedSums().get(DELTA);
    int k = aggregate.numUpdates();
    double[] x = new double[global.length];
    for (int i = 0; i < x.length; i++) {
      h[i] -= alpha / numClients * sum[i];
      x[i] = global[i] + sum[i] / k - h[i] / alpha;
    }
    threshold(x);
  }

  /** Thresholds the weight matrices of {@code x}, builds the round's message and the new W. */
  private void threshold(double[] x) {
    ParamLayout layout = model.layout();
    double tau = rankThreshold / alpha;
    Message.Builder mb = Message.builder();
    double[] dense = new double[x.length];
    int nDense = 0;
    Map<String, double[][]> factors = new LinkedHashMap<>();
    for (ParamBlock b : layout.blocks()) {
      if (!b.isBias()) {
        Svt.Result r = distributed(b) ? distributedThreshold(x, b, tau) : Svt.threshold(x, b.offset(), b.rows(), b.cols(), tau);
        ranks.put(RANK_PREFIX + b.name(), (double) r.rank());
        if ((long) r.rank() * (b.rows() + b.cols()) < (long) b.rows() * b.cols()) {
          factors.put(b.name(), factors(r));
          continue;
        }
        r.writeTo(x, b.offset());
      }
      System.arraycopy(x, b.offset(), dense, nDense, b.size());
      nDense += b.size();
    }
    mb.vector(PARAMS, Arrays.copyOf(dense, nDense));
    factors.forEach((name, lr) -> mb.vector(name + LEFT, lr[0]).vector(name + RIGHT, lr[1]));
    message = mb.build();
    global = decode(message, layout);
  }

  private Svt.Result distributedThreshold(double[] x, ParamBlock b, double tau) {
    if (sc == null) {
      try {
        sc = JavaSparkContext.fromSparkContext(org.apache.spark.sql.SparkSession.active().sparkContext());
      } catch (IllegalStateException e) {
        throw new IllegalStateException("FedSLR: block " + b.name() + " (" + b.rows() + " × " + b.cols()
            + ") needs the distributed SVD but there is no active Spark session", e);
      }
    }
    Double last = ranks.get(RANK_PREFIX + b.name());
    int initialRank = last == null || last.isNaN() ? Svt.INITIAL_RANK : last.intValue() + 1;
    return DistributedSvt.threshold(sc, x, b.offset(), b.rows(), b.cols(), tau, initialRank, sc.defaultParallelism());
  }

  /** {@code L = U·diag(√s)} (rows × r) and {@code R = diag(√s)·Vᵀ} (r × cols), row-major. */
  static double[][] factors(Svt.Result r) {
    int k = r.rank();
    double[] left = r.u().clone();
    double[] right = r.vt().clone();
    for (int j = 0; j < k; j++) {
      double s = Math.sqrt(r.shrunk()[j]);
      for (int i = 0; i < r.rows(); i++) {
        left[i * k + j] *= s;
      }
      for (int c = 0; c < r.cols(); c++) {
        right[j * r.cols() + c] *= s;
      }
    }
    return new double[][] {left, right};
  }

  /**
   * The full parameter vector a FedSLR message carries: factored blocks rebuilt as {@code L·R}, the
   * others read in layout order from {@code params}.
   */
  static double[] decode(Message m, ParamLayout layout) {
    double[] out = new double[layout.size()];
    double[] dense = m.vector(PARAMS);
    int at = 0;
    for (ParamBlock b : layout.blocks()) {
      if (m.vectors().containsKey(b.name() + LEFT)) {
        product(m.vector(b.name() + LEFT), m.vector(b.name() + RIGHT), b.rows(), b.cols(), out, b.offset());
      } else {
        System.arraycopy(dense, at, out, b.offset(), b.size());
        at += b.size();
      }
    }
    if (at != dense.length) {
      throw new IllegalArgumentException("FedSLR message has " + dense.length + " dense values, the layout needs " + at);
    }
    return out;
  }

  /** Row-major {@code out[off, …) = L·R} for L rows × r and R r × cols (r from the lengths). */
  static void product(double[] left, double[] right, int rows, int cols, double[] out, int off) {
    int r = left.length / rows;
    if (left.length != rows * r || right.length != r * cols) {
      throw new IllegalArgumentException("factors of lengths " + left.length + " and " + right.length
          + " do not make a " + rows + " × " + cols + " matrix");
    }
    if (r == 0) {
      Arrays.fill(out, off, off + rows * cols, 0.0);
      return;
    }
    // Column-major view of the row-major product: (L·R)ᵀ = Rᵀ·Lᵀ, cols × rows.
    Blas.blas().dgemm("N", "N", cols, rows, r, 1.0, right, 0, cols, left, 0, r, 0.0, out, off, cols);
  }

  @Override
  public RoundPlan configureEvaluate(int round) {
    return RoundPlan.broadcast(message);
  }

  @Override
  public Optional<double[]> globalModel() {
    return Optional.of(global.clone());
  }

  @Override
  public List<String> serverMetrics() {
    return new ArrayList<>(ranks.keySet());
  }

  @Override
  public Map<String, Double> metrics() {
    return Map.copyOf(ranks);
  }

  /** FedDyn's server state h (for tests). */
  double[] h() {
    return h.clone();
  }
}
