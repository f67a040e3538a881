package org.fedspark.algorithm;

import java.util.Optional;
import org.fedspark.codec.Message;
import org.fedspark.server.RoundAggregate;
import org.fedspark.server.RoundPlan;
import org.fedspark.server.ServerContext;
import org.fedspark.server.ServerStrategy;

/**
 * Server of FedAvg (McMahan et al., AISTATS 2017) and its variants: broadcasts the global model
 * {@code w_t} and moves it by the example-weighted mean of the clients' model deltas,
 * {@code w_{t+1} = w_t + Σ_k n_k Δ_k / Σ_k n_k} over the round's participants (server step size 1).
 */
public final class FedAvgServer implements ServerStrategy {
  static final String PARAMS = "params";
  static final String DELTA = "delta";
  static final String WEIGHT = "weight";

  private double[] global;

  @Override
  public void initialize(ServerContext ctx) {
    global = ctx.initialParams().clone();
  }

  @Override
  public RoundPlan configureFit(int round, int[] sampledClients) {
    return RoundPlan.broadcast(Message.builder().vector(PARAMS, global).build());
  }

  @Override
  public void aggregateFit(int round, RoundAggregate aggregate) {
    if (aggregate.numUpdates() == 0 || !(aggregate.totalWeight() > 0)) {
      return;
    }
    double[] step = aggregate.weightedMean(DELTA);
    double[] next = global.clone();
    for (int i = 0; i < next.length; i++) {
      next[i] += step[i];
    }
    global = next;
  }

  @Override
  public RoundPlan configureEvaluate(int round) {
    return RoundPlan.broadcast(Message.builder().vector(PARAMS, global).build());
  }

  @Override
  public Optional<double[]> globalModel() {
    return Optional.of(global);
  }
}
