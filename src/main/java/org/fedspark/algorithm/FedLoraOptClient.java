package org.fedspark.algorithm;

import java.util.List;
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
 * Client of FedLoRA-Optimizer (Zhao, Zhu, Zhang, Chen &amp; Guo, "FedLoRA-Optimizer: Federated LoRA
 * Fine-Tuning with Global and Local Optimization in Heterogeneous Data Scenarios", arXiv 2510.11274,
 * 2025). Both LoRA factors are split into magnitude and direction per vector, {@code A = A_M·A_D},
 * {@code B = B_M·B_D} (DoRA's decomposition, Liu et al., ICML 2024). The paper finds that A's direction
 * vectors carry the knowledge clients share and B's magnitudes the personal one, and tunes them in a
 * pipeline of a local and a global optimizer. Only the abstract and third-party summaries of the paper
 * could be read; this is the reading implemented (README, "Federated fine-tuning with adapters"):
 *
 * <ol>
 *   <li><b>local stage</b>: {@code fedlora-opt.local-epochs} of SGD on the client's personal blocks
 *       (by default B's magnitudes, {@code *.lora_B.mag}), everything else fixed at the received
 *       values; they stay on the client and are never sent;
 *   <li><b>global stage</b>: {@code train.local-epochs} of SGD on the shared blocks (by default A's
 *       directions, {@code *.lora_A.dir}), B's magnitudes fixed at their new values; the change of the
 *       shared blocks is uploaded with weight n_k;
 * </ol>
 *
 * and the server ({@link FedAvgServer} with {@link UnitDirections}) averages the directions and
 * re-normalizes each to unit length. A's magnitudes and B's directions stay at their initialization
 * (frozen) unless {@code model.blocks} says otherwise. The personalized model is the base plus
 * {@code (α/r)·B·A} with the server's A and the client's own B magnitudes.
 *
 * <p><b>Why the local stage comes first.</b> LoRA starts from B = 0 (here B's magnitudes 0 with random
 * unit directions), so that training starts exactly at the base model; but then
 * {@code ∂L/∂A = (α/r)·Bᵀ·G = 0}: a global stage run first would leave A's directions exactly where
 * they are in round 1. B's own gradient {@code ∂L/∂B_u = (α/r)·(G·Aᵀ)_u} is not 0 (A is random), so the
 * local stage moves B's magnitudes off 0 and the global stage that follows has a gradient to follow,
 * from round 1 on.
 */
public final class FedLoraOptClient implements ClientStrategy {
  private static final long serialVersionUID = 1L;

  private final ParamSplit split;
  private final LocalTraining training;
  private final int localEpochs;

  public FedLoraOptClient(ParamSplit split, LocalTraining training, int localEpochs) {
    if (!split.hasPersonal() || split.shared().isEmpty()) {
      throw new IllegalArgumentException("FedLoRA-Optimizer needs personal blocks (the local stage) and shared blocks"
          + " (the global stage); roles are " + split.roles());
    }
    this.split = split;
    this.training = training;
    this.localEpochs = localEpochs;
  }

  @Override
  public ClientState initialState(ClientContext ctx) {
    return split.initialState(ctx.seed());
  }

  @Override
  public FitResult fit(ClientContext ctx, ClientState state, Message fromServer) {
    double[] received = fromServer.vector(FedAvgServer.PARAMS);
    double[] theta = split.assemble(received, state, ctx.seed());
    double[] start = theta.clone();
    TrainStats local = LocalSolver.train(LocalProblem.of(split.objective()).trainable(split.personal()), theta,
        ctx.train(), training.options(ctx.round(), localEpochs), ctx.rng("local-stage"));
    TrainStats global = LocalSolver.train(LocalProblem.of(split.objective()).trainable(split.shared()), theta,
        ctx.train(), ctx.budgeted(training.options(ctx.round())), ctx.rng("sgd"));
    Message up = FedAvgServer.upload(split.sharedDelta(theta, received), ctx.train().size());
    return new FitResult(split.keep(theta, state), up, local.plus(global), AdapterChange.of(split, start, theta));
  }

  @Override
  public double[] personalModel(ClientContext ctx, ClientState state, Message fromServer) {
    return split.effective(split.assemble(fromServer.vector(FedAvgServer.PARAMS), state, ctx.seed()));
  }

  @Override
  public List<ClientMetric> clientMetrics() {
    return AdapterChange.metrics(split);
  }
}
