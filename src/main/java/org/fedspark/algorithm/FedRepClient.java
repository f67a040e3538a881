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

/**
 * Client of FedRep (Collins, Hassani, Mokhtari & Shakkottai, "Exploiting Shared Representations for
 * Personalized Federated Learning", ICML 2021, Algorithm 1): the body (a representation) is shared, the
 * head is personal. Each round a sampled client first trains its head for {@code headEpochs} epochs
 * with the received body frozen, then the body for the recipe's local epochs with its new head
 * frozen, and uploads the body's delta; the server averages bodies (FedAvgServer over the shared
 * blocks). Which blocks are the head comes from {@code model.blocks} (default {@code personal head}).
 * Clients report {@code head_train_loss}, the mean loss during the head epochs.
 */
public final class FedRepClient implements ClientStrategy {
  private static final long serialVersionUID = 1L;

  static final String HEAD_LOSS = "head_train_loss";

  private final ParamSplit split;
  private final LocalTraining training;
  private final int headEpochs;

  public FedRepClient(ParamSplit split, LocalTraining training, int headEpochs) {
    if (!split.hasPersonal() || split.shared().isEmpty()) {
      throw new IllegalArgumentException("FedRep needs a personal head and a shared body; model.blocks gives "
          + split.roles());
    }
    this.split = split;
    this.training = training;
    this.headEpochs = headEpochs;
  }

  @Override
  public ClientState initialState(ClientContext ctx) {
    return split.initialState(ctx.seed());
  }

  @Override
  public FitResult fit(ClientContext ctx, ClientState state, Message fromServer) {
    double[] received = fromServer.vector(FedAvgServer.PARAMS);
    double[] theta = split.assemble(received, state, ctx.seed());
    TrainStats head = LocalSolver.train(LocalProblem.of(split.objective()).trainable(split.personal()), theta,
        ctx.train(), training.options(ctx.round(), headEpochs), ctx.rng("fedrep-head"));
    TrainStats body = LocalSolver.train(LocalProblem.of(split.objective()).trainable(split.shared()), theta,
        ctx.train(), training.options(ctx.round()), ctx.rng("fedrep-body"));
    Message up = FedAvgServer.upload(split.sharedDelta(theta, received), ctx.train().size());
    return new FitResult(split.keep(theta, state), up, body, Map.of(HEAD_LOSS, head.meanLoss()));
  }

  @Override
  public double[] personalModel(ClientContext ctx, ClientState state, Message fromServer) {
    return split.effective(split.assemble(fromServer.vector(FedAvgServer.PARAMS), state, ctx.seed()));
  }

  @Override
  public List<ClientMetric> clientMetrics() {
    return List.of(ClientMetric.mean(HEAD_LOSS, "mean training loss during the head epochs, mean over participants"));
  }
}
