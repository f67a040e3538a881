package org.fedspark.algorithm;

import java.util.List;
import java.util.Map;
import org.fedspark.client.ClientContext;
import org.fedspark.client.ClientMetric;
import org.fedspark.client.ClientState;
import org.fedspark.client.ClientStrategy;
import org.fedspark.client.FitResult;
import org.fedspark.client.LocalProblem;
import org.fedspark.client.LocalSolver;
import org.fedspark.client.Objective;
import org.fedspark.client.TrainStats;
import org.fedspark.codec.Message;
import org.fedspark.model.BlockSet;
import org.fedspark.model.Composition;
import org.fedspark.model.Model;
import org.fedspark.model.ParamBlock;
import org.fedspark.model.ParamLayout;
import org.fedspark.optim.L1Prox;

/**
 * Client of FedSLR (Huang, Shen, Li, Zhu &amp; Tao, "Fusion of Global and Local Knowledge for
 * Personalized Federated Learning", TMLR 2023). Client i's model is {@code W + P_i}: a global low-rank
 * part W, shared, and a personal sparse part P_i that never leaves the client. Each round, from the
 * received W (rebuilt from its factors, {@link FedSlrServer#decode}), it does two stages.
 *
 * <p><b>Stage 1, the global part (FedDyn's local problem; Acar et al., ICLR 2021).</b> From w = W,
 * {@code train.local-epochs} of SGD on
 *
 * <pre>
 *   f_i(w) + ⟨w, −μ_i⟩ + (α/2)‖w − W‖²,      then upload Δ_i = w_i − W and set μ_i ← μ_i + α(W − w_i).
 * </pre>
 *
 * The reference code writes this as weight decay α + 10⁻³ with the linear term ⟨w, −αW − μ_i⟩:
 * (α/2)‖w‖² − α⟨w, W⟩ = (α/2)‖w − W‖² − (α/2)‖W‖², so the two differ by a constant and by
 * (10⁻³/2)‖w‖², which is its ordinary weight decay ({@code model.weight-decay} here). μ_i is FedDyn's
 * gradient state ∇f_i(θ_i^{t−1}): at a stationary point of the objective above, ∇f_i(w_i) = μ_i −
 * α(w_i − W), which is exactly the update, so μ_i tracks the client's gradient at its last local optimum
 * (FedDyn's {@code ∇L_k(θ_k^t) = ∇L_k(θ_k^{t−1}) − α(θ_k^t − θ^{t−1})}). The linear term −⟨w, μ_i⟩
 * cancels that gradient, so local optima stop drifting toward the client's own minimiser.
 *
 * <p><b>Stage 2, the personal part.</b> With W fixed at the received value, {@code fedslr.personal-epochs}
 * of proximal SGD on {@code f_i(W + P) + λ_s‖P‖₁}: after each gradient step P is soft-thresholded by
 * {@code η·λ_s} ({@link L1Prox}; λ_s = {@code fedslr.sparse-threshold}), which is what makes P sparse.
 * The additive form W + P is a {@link Composition} ({@code additive(block, "sparse")}) seen through
 * {@link Objective#composed}, with only the {@code .sparse} blocks trainable and the ℓ1 prox on them.
 * We use it rather than training the effective weights v = W + P directly (whose gradient is the same,
 * ∂f(W + P)/∂P = ∇f(W + P)) because the ℓ1 prox acts on P = v − W, not on v: with the composition, the
 * existing solver, mask and L1Prox do exactly the reference's step with no shifted operator. (The
 * model's own weight decay, if set, then acts on the composed W + P, as a layer's decay acts on its
 * effective weight.)
 *
 * <p>P covers every block (weights and biases, as the reference's masked linear layers do). The
 * reference initialises P as a copy of the initial weights, so its first personalized model would be
 * W + P = 2W₀ and P would start fully dense, to be shrunk by only η·λ_s ≈ 10⁻⁴ per step; we start P at 0
 * (the reference's {@code zero_p_init} option): the personalized model starts at the global one and P
 * holds only what the client's data adds.
 *
 * <p>Personalized model: {@code W + P_i}. Reports {@code sparse_density}, the fraction of nonzero
 * entries of P_i after the round (mean over participants).
 */
public final class FedSlrClient implements ClientStrategy {
  private static final long serialVersionUID = 1L;

  /** The state vector holding the dual μ_i (model layout). */
  static final String DUAL = "mu";
  /** The state vector holding the sparse part P_i (model layout). */
  static final String SPARSE = "sparse";
  static final String SUFFIX = "sparse";
  static final String DENSITY = "sparse_density";

  private final LocalTraining training;
  private final double alpha;
  private final double sparseThreshold;
  private final int personalEpochs;

  public FedSlrClient(LocalTraining training, double alpha, double sparseThreshold, int personalEpochs) {
    this.training = training;
    this.alpha = alpha;
    this.sparseThreshold = sparseThreshold;
    this.personalEpochs = personalEpochs;
  }

  @Override
  public ClientState initialState(ClientContext ctx) {
    int n = ctx.model().layout().size();
    return ClientState.of(DUAL, new double[n]).with(SPARSE, new double[n]);
  }

  @Override
  public FitResult fit(ClientContext ctx, ClientState state, Message fromServer) {
    Model model = ctx.model();
    ParamLayout layout = model.layout();
    BlockSet all = BlockSet.all(layout);
    double[] global = FedSlrServer.decode(fromServer, layout);
    double[] mu = state.vector(DUAL);

    // Stage 1: f_i(w) + ⟨w, −μ_i⟩ + (α/2)‖w − W‖² from w = W.
    double[] negMu = new double[mu.length];
    for (int i = 0; i < mu.length; i++) {
      negMu[i] = -mu[i];
    }
    double[] w = global.clone();
    LocalProblem dyn = LocalProblem.of(model).proximal(all, alpha, global).linear(all, negMu);
    TrainStats stats = LocalSolver.train(dyn, w, ctx.train(), training.options(ctx.round()), ctx.rng("sgd"));
    double[] delta = new double[w.length];
    double[] nextMu = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      delta[i] = w[i] - global[i];
      nextMu[i] = mu[i] + alpha * (global[i] - w[i]);
    }

    // Stage 2: f_i(W + P) + λ_s‖P‖₁ over P, W fixed at the received value.
    double[] sparse = trainSparse(ctx, global, state.vector(SPARSE));

    // No "weight" scalar: the engine then weighs every upload by 1, the uniform mean FedSLR uses.
    Message up = Message.builder().vector(FedSlrServer.DELTA, delta).build();
    ClientState next = state.with(DUAL, nextMu).with(SPARSE, sparse);
    return new FitResult(next, up, stats, Map.of(DENSITY, density(sparse)));
  }

  /** {@code personalEpochs} of proximal SGD on P with W fixed; returns the new P. */
  double[] trainSparse(ClientContext ctx, double[] global, double[] sparse) {
    ParamLayout layout = ctx.model().layout();
    Composition.Builder cb = Composition.builder(layout);
    for (ParamBlock b : layout.blocks()) {
      cb.additive(b.name(), SUFFIX);
    }
    Composition c = cb.build();
    ParamLayout stored = c.stored();
    List<String> names = layout.blocks().stream().map(ParamBlock::name).toList();
    BlockSet shared = BlockSet.of(stored, names);
    BlockSet personal = BlockSet.of(stored, names.stream().map(n -> n + "." + SUFFIX).toList());
    double[] theta = new double[stored.size()];
    shared.scatter(global, theta);
    personal.scatter(sparse, theta);
    LocalProblem p = LocalProblem.of(Objective.composed(ctx.model(), c)).trainable(personal)
        .prox(personal, new L1Prox(sparseThreshold));
    LocalSolver.train(p, theta, ctx.train(), training.options(ctx.round(), personalEpochs), ctx.rng("fedslr-sparse"));
    return personal.gather(theta);
  }

  /** Fraction of nonzero entries. */
  static double density(double[] v) {
    int nz = 0;
    for (double x : v) {
      if (x != 0) {
        nz++;
      }
    }
    return v.length == 0 ? 0 : (double) nz / v.length;
  }

  @Override
  public double[] personalModel(ClientContext ctx, ClientState state, Message fromServer) {
    double[] w = FedSlrServer.decode(fromServer, ctx.model().layout());
    double[] p = state.vector(SPARSE);
    for (int i = 0; i < w.length; i++) {
      w[i] += p[i];
    }
    return w;
  }

  @Override
  public List<ClientMetric> clientMetrics() {
    return List.of(ClientMetric.mean(DENSITY, "fraction of nonzero entries of the personal sparse part P after the round, mean over participants"));
  }
}
