package org.fedspark.algorithm;

import java.util.Arrays;
import org.fedspark.client.ClientContext;
import org.fedspark.client.ClientState;
import org.fedspark.client.ClientStrategy;
import org.fedspark.client.FitResult;
import org.fedspark.client.LocalProblem;
import org.fedspark.client.LocalSolver;
import org.fedspark.client.Minibatches;
import org.fedspark.client.SgdOptions;
import org.fedspark.client.TrainStats;
import org.fedspark.codec.Message;
import org.fedspark.data.LocalDataset;
import org.fedspark.model.BlockSet;
import org.fedspark.model.Model;

/**
 * Client of pFedMe (Dinh, Tran &amp; Nguyen, "Personalized Federated Learning with Moreau Envelopes",
 * NeurIPS 2020, Algorithm 1). pFedMe minimises the mean over clients of the Moreau envelope
 * {@code F_i(w) = min_θ f_i(θ) + (λ/2)‖θ − w‖²}: each client's personalized model θ_i is the envelope's
 * minimiser, pulled toward the global w with strength λ, and the global model is what the envelopes
 * agree on. Because {@code ∇F_i(w) = λ(w − θ̂_i(w))}, the client can descend its envelope once it has
 * (approximately) solved the inner problem. From the received global w, {@code w_local = w},
 * {@code θ = w}, for each minibatch D of {@code train.local-epochs} passes over the client's data (the
 * paper's R local rounds, one batch each):
 *
 * <pre>
 *   θ ← K steps of  θ − η_p (∇f_i(θ; D) + λ(θ − w_local))      (inner problem, on the same batch D)
 *   w_local ← w_local − η λ (w_local − θ)                     (a step on the envelope F_i)
 * </pre>
 *
 * with η = {@code train.lr}, η_p = {@code pfedme.personal-lr}, K = {@code pfedme.inner-steps}. The inner
 * K steps are the common solver on the one-batch data set D with the proximal pull (λ/2)‖θ − w_local‖²,
 * K epochs of one full batch each. θ continues from one batch to the next within a round and starts at
 * w each round, as in the authors' code. The client uploads {@code Δ = w_local − w} with no weight, so
 * the server's mean is the paper's uniform {@code (1/S) Σ w_local}; the server step
 * {@code w ← (1 − β)w + β·mean(w_local) = w + β·mean Δ} is {@link FedAvgServer} with its step scaled by β.
 * The personalized model is the client's last θ (kept in its state).
 */
public final class PFedMeClient implements ClientStrategy {
  private static final long serialVersionUID = 1L;

  /** The state vector holding the personalized model θ_i. */
  static final String PERSONAL_MODEL = "theta";

  private final LocalTraining training;
  private final double lambda;
  private final double personalLr;
  private final int innerSteps;

  public PFedMeClient(LocalTraining training, double lambda, double personalLr, int innerSteps) {
    if (innerSteps < 1) {
      throw new IllegalArgumentException("pFedMe needs at least one inner step, got " + innerSteps);
    }
    this.training = training;
    this.lambda = lambda;
    this.personalLr = personalLr;
    this.innerSteps = innerSteps;
  }

  @Override
  public ClientState initialState(ClientContext ctx) {
    return ClientState.of(PERSONAL_MODEL, ctx.initialParams());
  }

  @Override
  public FitResult fit(ClientContext ctx, ClientState state, Message fromServer) {
    Model model = ctx.model();
    LocalDataset data = ctx.train();
    double[] global = fromServer.vector(FedAvgServer.PARAMS);
    double[] local = global.clone();
    double[] theta = global.clone();
    double eta = training.lr(ctx.round());
    int d = data.numFeatures();
    LocalProblem inner = LocalProblem.of(model).proximal(BlockSet.all(model.layout()), lambda, local);
    Minibatches batches = new Minibatches(data, training.batchSize(), ctx.rng("sgd"));
    java.util.SplittableRandom innerRng = ctx.rng("pfedme-inner");
    TrainStats stats = TrainStats.NONE;
    for (int epoch = 0; epoch < training.epochs() && data.size() > 0; epoch++) {
      batches.startEpoch();
      while (batches.next()) {
        int n = batches.size();
        LocalDataset batch = new LocalDataset(Arrays.copyOf(batches.x, n * d), Arrays.copyOf(batches.y, n), d);
        // the pull's center is `local` itself (read, not copied), so it follows the outer updates
        stats = stats.plus(LocalSolver.train(inner, theta, batch, new SgdOptions(innerSteps, n, personalLr, 0.0), innerRng));
        for (int i = 0; i < local.length; i++) {
          local[i] -= eta * lambda * (local[i] - theta[i]);
        }
      }
    }
    double[] delta = new double[local.length];
    for (int i = 0; i < delta.length; i++) {
      delta[i] = local[i] - global[i];
    }
    Message up = Message.builder().vector(FedAvgServer.DELTA, delta).build();
    return new FitResult(state.with(PERSONAL_MODEL, theta), up, stats);
  }

  @Override
  public double[] personalModel(ClientContext ctx, ClientState state, Message fromServer) {
    return state.vector(PERSONAL_MODEL);
  }
}
