package org.fedspark.algorithm;

import org.fedspark.client.ClientContext;
import org.fedspark.client.ClientStrategy;
import org.fedspark.client.FitResult;
import org.fedspark.client.LocalSgd;
import org.fedspark.client.NoState;
import org.fedspark.codec.Message;

/**
 * Client of FedAvg and FedProx: starts from the received global model {@code w_t}, runs the local
 * training recipe on its own data and uploads {@code Δ = w_local − w_t} with weight {@code n_k} (its
 * number of training examples). With {@code mu > 0} every local step also pulls toward {@code w_t}
 * through FedProx's proximal term {@code (μ/2)‖w − w_t‖²} (Li et al., MLSys 2020, Eq. 2).
 *
 * <p>Its personalized model is the global model itself, unless {@code fineTuneEpochs > 0}: then it is
 * the global model after that many local epochs on the client's own training data (FedAvg + fine-tuning,
 * evaluated without changing the federated training).
 */
public final class FedAvgClient implements ClientStrategy<NoState> {
  private static final long serialVersionUID = 1L;

  private final LocalTraining training;
  private final double mu;
  private final int fineTuneEpochs;

  public FedAvgClient(LocalTraining training, double mu, int fineTuneEpochs) {
    this.training = training;
    this.mu = mu;
    this.fineTuneEpochs = fineTuneEpochs;
  }

  @Override
  public boolean stateful() {
    return false;
  }

  @Override
  public NoState initialState(ClientContext ctx) {
    return NoState.INSTANCE;
  }

  @Override
  public FitResult<NoState> fit(ClientContext ctx, NoState state, Message fromServer) {
    double[] global = fromServer.vector(FedAvgServer.PARAMS);
    double[] w = global.clone();
    LocalSgd.TrainStats stats = LocalSgd.train(ctx.model(), w, ctx.train(), training.options(ctx.round(), mu),
        mu > 0 ? global : null, ctx.rng("sgd"));
    for (int i = 0; i < w.length; i++) {
      w[i] -= global[i];
    }
    Message up = Message.builder().vector(FedAvgServer.DELTA, w).scalar(FedAvgServer.WEIGHT, ctx.train().size()).build();
    return new FitResult<>(state, up, stats);
  }

  @Override
  public double[] personalModel(ClientContext ctx, NoState state, Message fromServer) {
    double[] global = fromServer.vector(FedAvgServer.PARAMS);
    if (fineTuneEpochs == 0) {
      return global;
    }
    double[] w = global.clone();
    LocalTraining ft = new LocalTraining(fineTuneEpochs, training.batchSize(), training.lr(ctx.round()), 1.0);
    LocalSgd.train(ctx.model(), w, ctx.train(), ft.options(1, 0.0), null, ctx.rng("finetune"));
    return w;
  }
}
