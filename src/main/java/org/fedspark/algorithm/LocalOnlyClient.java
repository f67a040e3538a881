package org.fedspark.algorithm;

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
 * Local-only training, the no-communication baseline: each client trains its own model, kept in its
 * partition, from the common initialization, and sends nothing. It bounds from below what federation
 * must beat on clients with enough data, and shows the cost of too little data on the others. With
 * LoRA adapters ({@code model.lora.*}) each client trains its own adapters on the frozen base: the
 * split's trainable blocks are its own, nothing else changes.
 */
public final class LocalOnlyClient implements ClientStrategy {
  private static final long serialVersionUID = 1L;

  /** The state vector holding the client's own values of the trainable blocks (the frozen ones are common). */
  static final String MODEL = "model";

  private final ParamSplit split;
  private final LocalTraining training;

  public LocalOnlyClient(ParamSplit split, LocalTraining training) {
    this.split = split;
    this.training = training;
  }

  @Override
  public ClientState initialState(ClientContext ctx) {
    return ClientState.of(MODEL, split.trainable().gather(split.initial(ctx.seed())));
  }

  /** The client's full stored parameters: its trainable blocks over the common frozen ones. */
  private double[] assemble(ClientContext ctx, ClientState state) {
    double[] theta = split.initial(ctx.seed());
    split.trainable().scatter(state.vector(MODEL), theta);
    return theta;
  }

  @Override
  public FitResult fit(ClientContext ctx, ClientState state, Message fromServer) {
    double[] start = assemble(ctx, state);
    double[] theta = start.clone();
    LocalProblem problem = LocalProblem.of(split.objective()).trainable(split.trainable());
    TrainStats stats = LocalSolver.train(problem, theta, ctx.train(), training.options(ctx.round()), ctx.rng("sgd"));
    return new FitResult(state.with(MODEL, split.trainable().gather(theta)), Message.EMPTY, stats, AdapterChange.of(split, start, theta));
  }

  @Override
  public double[] personalModel(ClientContext ctx, ClientState state, Message fromServer) {
    return split.effective(assemble(ctx, state));
  }

  @Override
  public java.util.List<ClientMetric> clientMetrics() {
    return AdapterChange.metrics(split);
  }
}
