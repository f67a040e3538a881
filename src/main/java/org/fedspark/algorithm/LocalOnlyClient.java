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
 * Local-only training, the no-communication baseline: each client trains its own model, kept in its
 * partition, from the common initialization, and sends nothing. It bounds from below what federation
 * must beat on clients with enough data, and shows the cost of too little data on the others.
 */
public final class LocalOnlyClient implements ClientStrategy {
  private static final long serialVersionUID = 1L;

  /** The state vector holding the client's own model. */
  static final String MODEL = "model";

  private final LocalTraining training;

  public LocalOnlyClient(LocalTraining training) {
    this.training = training;
  }

  @Override
  public ClientState initialState(ClientContext ctx) {
    return ClientState.of(MODEL, ctx.initialParams());
  }

  @Override
  public FitResult fit(ClientContext ctx, ClientState state, Message fromServer) {
    double[] w = state.vector(MODEL).clone();
    TrainStats stats = LocalSolver.train(LocalProblem.of(ctx.model()), w, ctx.train(), training.options(ctx.round()),
        ctx.rng("sgd"));
    return new FitResult(state.with(MODEL, w), Message.EMPTY, stats);
  }

  @Override
  public double[] personalModel(ClientContext ctx, ClientState state, Message fromServer) {
    return state.vector(MODEL);
  }
}
