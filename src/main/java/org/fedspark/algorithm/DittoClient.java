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
import org.fedspark.client.TrainStats;
import org.fedspark.codec.Message;
import org.fedspark.model.BlockSet;

/**
 * Client of Ditto (Li, Hu, Beirami & Smith, "Ditto: Fair and Robust Federated Learning Through
 * Personalization", ICML 2021, Algorithm 1). Each client solves two problems per round, both from the
 * received global model {@code w_t}:
 *
 * <ul>
 *   <li>the global one, exactly as a FedAvg client: local epochs on its loss from {@code w_t}, upload
 *       {@code Δ = w − w_t} with weight n_k;
 *   <li>its personal one, {@code min_v F_k(v) + (λ/2)‖v − w_t‖²}: {@code personalEpochs} epochs of SGD
 *       on its own model {@code v_k}, kept in its state and never sent.
 * </ul>
 * λ interpolates between local training (λ = 0) and the global model (λ → ∞). The personalized model is
 * {@code v_k}. Clients report {@code ditto_distance} = ‖v_k − w_t‖₂ after the personal step (mean over
 * participants), the quantity λ controls.
 */
public final class DittoClient implements ClientStrategy {
  private static final long serialVersionUID = 1L;

  /** The state vector holding the client's personal model v_k. */
  static final String PERSONAL_MODEL = "v";
  static final String DISTANCE = "ditto_distance";

  private final LocalTraining training;
  private final double lambda;
  private final int personalEpochs;

  public DittoClient(LocalTraining training, double lambda, int personalEpochs) {
    this.training = training;
    this.lambda = lambda;
    this.personalEpochs = personalEpochs;
  }

  @Override
  public ClientState initialState(ClientContext ctx) {
    return ClientState.of(PERSONAL_MODEL, ctx.initialParams());
  }

  @Override
  public FitResult fit(ClientContext ctx, ClientState state, Message fromServer) {
    double[] global = fromServer.vector(FedAvgServer.PARAMS);
    double[] w = global.clone();
    TrainStats stats = LocalSolver.train(LocalProblem.of(ctx.model()), w, ctx.train(), training.options(ctx.round()),
        ctx.rng("sgd"));
    for (int i = 0; i < w.length; i++) {
      w[i] -= global[i];
    }
    double[] v = state.vector(PERSONAL_MODEL).clone();
    LocalProblem personal = LocalProblem.of(ctx.model()).proximal(BlockSet.all(ctx.model().layout()), lambda, global);
    LocalSolver.train(personal, v, ctx.train(), training.options(ctx.round(), personalEpochs), ctx.rng("ditto-personal"));
    double dist = 0;
    for (int i = 0; i < v.length; i++) {
      dist += (v[i] - global[i]) * (v[i] - global[i]);
    }
    Message up = FedAvgServer.upload(w, ctx.train().size());
    return new FitResult(state.with(PERSONAL_MODEL, v), up, stats, Map.of(DISTANCE, Math.sqrt(dist)));
  }

  @Override
  public double[] personalModel(ClientContext ctx, ClientState state, Message fromServer) {
    return state.vector(PERSONAL_MODEL);
  }

  @Override
  public List<ClientMetric> clientMetrics() {
    return List.of(ClientMetric.mean(DISTANCE, "‖v_k − w_t‖₂ after the personal step, mean over participants"));
  }
}
