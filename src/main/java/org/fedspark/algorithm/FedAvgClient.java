package org.fedspark.algorithm;

import org.fedspark.client.ClientContext;
import org.fedspark.client.ClientState;
import org.fedspark.client.ClientStrategy;
import org.fedspark.client.FitResult;
import org.fedspark.client.LocalProblem;
import org.fedspark.client.LocalSolver;
import org.fedspark.client.TrainStats;
import org.fedspark.codec.Message;

/**
 * Client of FedAvg and of the algorithms that differ from it only in what they share or add to the
 * local objective. It starts from the received shared blocks {@code x_t} (plus its own personal blocks,
 * if the split has any), runs the local training recipe on its own data, keeps its personal blocks and
 * uploads {@code Δ = x_local − x_t} of the shared blocks with weight {@code n_k} (its number of training
 * examples):
 *
 * <ul>
 *   <li>FedAvg (McMahan et al., AISTATS 2017): every block shared;
 *   <li>FedProx (Li et al., MLSys 2020, Eq. 2): every local step also pulls the shared blocks toward
 *       {@code x_t} through {@code (μ/2)‖x − x_t‖²};
 *   <li>FedPer (Arivazhagan et al., "Federated Learning with Personalization Layers", 2019): the head
 *       personal ({@code model.blocks = personal head}); body and head are trained together each round
 *       and only the body is averaged;
 *   <li>FedAvg + fine-tuning: the personalized model is the global model after {@code fineTuneEpochs}
 *       local epochs on the client's own training data (evaluated without changing the federated
 *       training);
 *   <li>the federated LoRA methods that differ only in which factor is trained and which is averaged
 *       (LoRA adapters on a frozen pretrained base, {@code model.lora.*}): FedIT (Zhang et al., "Towards
 *       Building the Federated GPT: Federated Instruction Tuning", ICASSP 2024: A and B shared), FFA-LoRA
 *       (Sun et al., "Improving LoRA in Privacy-preserving Federated Learning", ICLR 2024: A frozen at its
 *       random initialization, B shared) and FedSA-LoRA (Guo et al., "Selective Aggregation for Low-Rank
 *       Adaptation in Federated Learning", ICLR 2025: A shared, B personal).
 * </ul>
 */
public final class FedAvgClient implements ClientStrategy {
  private static final long serialVersionUID = 1L;

  private final ParamSplit split;
  private final LocalTraining training;
  private final double mu;
  private final int fineTuneEpochs;

  public FedAvgClient(ParamSplit split, LocalTraining training, double mu, int fineTuneEpochs) {
    this.split = split;
    this.training = training;
    this.mu = mu;
    this.fineTuneEpochs = fineTuneEpochs;
  }

  @Override
  public boolean stateful() {
    return split.hasPersonal();
  }

  @Override
  public ClientState initialState(ClientContext ctx) {
    return split.initialState(ctx.seed());
  }

  @Override
  public FitResult fit(ClientContext ctx, ClientState state, Message fromServer) {
    double[] received = fromServer.vector(FedAvgServer.PARAMS);
    double[] theta = split.assemble(received, state, ctx.seed());
    // The starting point is kept only where something reads it: FedProx's proximal term, the adapters' change.
    double[] start = mu > 0 || !split.adapters().isEmpty() ? theta.clone() : null;
    LocalProblem problem = LocalProblem.of(split.objective()).trainable(split.trainable());
    if (mu > 0) {
      problem.proximal(split.shared(), mu, start);
    }
    TrainStats stats = LocalSolver.train(problem, theta, ctx.train(), ctx.budgeted(training.options(ctx.round())),
        ctx.rng("sgd"));
    Message up = FedAvgServer.upload(split.sharedDelta(theta, received), ctx.train().size());
    return new FitResult(split.keep(theta, state), up, stats, AdapterChange.of(split, start, theta));
  }

  /** With LoRA adapters, how far local training moved A and B ({@link AdapterChange}). */
  @Override
  public java.util.List<org.fedspark.client.ClientMetric> clientMetrics() {
    return AdapterChange.metrics(split);
  }

  @Override
  public double[] personalModel(ClientContext ctx, ClientState state, Message fromServer) {
    double[] received = fromServer.vector(FedAvgServer.PARAMS);
    if (fineTuneEpochs == 0 && split.modelIsShared() && received.length == split.layout().size()) {
      // The received global model itself, not a copy: evaluation only reads it, and with every client
      // in it (10,000 on conf/scale-10k.conf) a copy each was a model's worth of garbage per client.
      return received;
    }
    double[] theta = split.assemble(received, state, ctx.seed());
    if (fineTuneEpochs > 0) {
      LocalProblem problem = LocalProblem.of(split.objective()).trainable(split.trainable());
      LocalSolver.train(problem, theta, ctx.train(), training.options(ctx.round(), fineTuneEpochs), ctx.rng("finetune"));
    }
    return split.effective(theta);
  }
}
