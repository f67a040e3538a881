package org.fedspark.algorithm;

import static org.fedspark.model.Blas.blas;

import java.util.List;
import java.util.Map;
import org.fedspark.client.ClientContext;
import org.fedspark.client.ClientMetric;
import org.fedspark.client.ClientState;
import org.fedspark.client.ClientStrategy;
import org.fedspark.client.FitResult;
import org.fedspark.client.Minibatches;
import org.fedspark.client.TrainStats;
import org.fedspark.codec.Message;
import org.fedspark.model.Model;

/**
 * Client of APFL (Deng, Kamani & Mahdavi, "Adaptive Personalized Federated Learning", 2020,
 * Algorithm 1). A client keeps a local model {@code v} and a mixing weight {@code α ∈ [0, 1]}; its
 * personalized model is the mixture {@code v̄ = α v + (1 − α) w} with the current global model w. On
 * each minibatch ξ, from the values before the step:
 *
 * <pre>
 *   w ← w − η ∇f(w; ξ)                        (the global copy, as in FedAvg)
 *   v ← v − η α ∇f(v̄; ξ)                       (∇_v f(v̄) = α ∇f(v̄))
 *   α ← clip_[0,1](α − η ⟨v − w, ∇f(v̄; ξ)⟩)     (∇_α f(v̄) = ⟨v − w, ∇f(v̄)⟩; only if adaptive)
 * </pre>
 *
 * The client uploads {@code Δ = w − w_t} with weight n_k, keeps v and α. Clients report
 * {@code apfl_alpha}, the mean α over participants after the round.
 */
public final class ApflClient implements ClientStrategy {
  private static final long serialVersionUID = 1L;

  static final String LOCAL_MODEL = "v";
  static final String ALPHA = "alpha";
  static final String ALPHA_METRIC = "apfl_alpha";

  private final LocalTraining training;
  private final double alpha0;
  private final boolean adaptive;

  public ApflClient(LocalTraining training, double alpha0, boolean adaptive) {
    this.training = training;
    this.alpha0 = alpha0;
    this.adaptive = adaptive;
  }

  @Override
  public ClientState initialState(ClientContext ctx) {
    return ClientState.of(LOCAL_MODEL, ctx.initialParams()).withScalar(ALPHA, alpha0);
  }

  @Override
  public FitResult fit(ClientContext ctx, ClientState state, Message fromServer) {
    Model model = ctx.model();
    double[] global = fromServer.vector(FedAvgServer.PARAMS);
    double[] w = global.clone();
    double[] v = state.vector(LOCAL_MODEL).clone();
    double alpha = state.scalar(ALPHA);
    int size = w.length;
    double[] gw = new double[size];
    double[] gMix = new double[size];
    double[] mix = new double[size];
    double eta = training.lr(ctx.round());
    Minibatches batches = new Minibatches(ctx.train(), training.batchSize(), ctx.rng("sgd"));
    double lossSum = 0;
    long examples = 0;
    int steps = 0;
    for (int epoch = 0; epoch < training.epochs() && ctx.train().size() > 0; epoch++) {
      batches.startEpoch();
      while (batches.next()) {
        int n = batches.size();
        lossSum += n * model.lossAndGradient(w, batches.x, batches.y, n, gw);
        mixture(alpha, v, w, mix);
        model.lossAndGradient(mix, batches.x, batches.y, n, gMix);
        double gAlpha = 0;
        for (int i = 0; i < size; i++) {
          gAlpha += (v[i] - w[i]) * gMix[i];
        }
        blas().daxpy(size, -eta, gw, 1, w, 1);
        blas().daxpy(size, -eta * alpha, gMix, 1, v, 1);
        if (adaptive) {
          alpha = Math.min(1, Math.max(0, alpha - eta * gAlpha));
        }
        examples += n;
        steps++;
      }
    }
    TrainStats stats = examples == 0 ? TrainStats.NONE : new TrainStats(lossSum / examples, steps, examples);
    for (int i = 0; i < size; i++) {
      w[i] -= global[i];
    }
    Message up = FedAvgServer.upload(w, ctx.train().size());
    ClientState next = state.with(LOCAL_MODEL, v).withScalar(ALPHA, alpha);
    return new FitResult(next, up, stats, Map.of(ALPHA_METRIC, alpha));
  }

  @Override
  public double[] personalModel(ClientContext ctx, ClientState state, Message fromServer) {
    double[] global = fromServer.vector(FedAvgServer.PARAMS);
    double[] mix = new double[global.length];
    mixture(state.scalar(ALPHA), state.vector(LOCAL_MODEL), global, mix);
    return mix;
  }

  /** {@code out = α v + (1 − α) w}. */
  static void mixture(double alpha, double[] v, double[] w, double[] out) {
    for (int i = 0; i < out.length; i++) {
      out[i] = alpha * v[i] + (1 - alpha) * w[i];
    }
  }

  @Override
  public List<ClientMetric> clientMetrics() {
    return List.of(ClientMetric.mean(ALPHA_METRIC, "the mixing weight α after the round, mean over participants"));
  }
}
