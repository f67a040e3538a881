package org.fedspark.algorithm;

import java.io.Serializable;
import org.fedspark.client.ClientContext;
import org.fedspark.client.ClientStrategy;
import org.fedspark.client.FitResult;
import org.fedspark.client.LocalSgd;
import org.fedspark.codec.Message;

/**
 * Local-only training, the no-communication baseline: each client trains its own model, kept in its
 * partition, from the common initialization, and sends nothing. It bounds from below what federation
 * must beat on clients with enough data, and shows the cost of too little data on the others.
 */
public final class LocalOnlyClient implements ClientStrategy<LocalOnlyClient.OwnModel> {
  private static final long serialVersionUID = 1L;

  /** A client's own parameters. */
  public record OwnModel(double[] params) implements Serializable {}

  private final LocalTraining training;

  public LocalOnlyClient(LocalTraining training) {
    this.training = training;
  }

  @Override
  public OwnModel initialState(ClientContext ctx) {
    return new OwnModel(ctx.initialParams());
  }

  @Override
  public FitResult<OwnModel> fit(ClientContext ctx, OwnModel state, Message fromServer) {
    double[] w = state.params().clone();
    LocalSgd.TrainStats stats = LocalSgd.train(ctx.model(), w, ctx.train(), training.options(ctx.round(), 0.0), null,
        ctx.rng("sgd"));
    return new FitResult<>(new OwnModel(w), Message.EMPTY, stats);
  }

  @Override
  public double[] personalModel(ClientContext ctx, OwnModel state, Message fromServer) {
    return state.params();
  }
}
