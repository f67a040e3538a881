package org.fedspark.algorithm;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fedspark.codec.Message;
import org.fedspark.server.RoundAggregate;
import org.fedspark.server.RoundPlan;
import org.fedspark.server.ServerContext;
import org.fedspark.server.ServerStrategy;

/**
 * Server of FedAvg (McMahan et al., AISTATS 2017) and of every algorithm that averages a shared part:
 * it broadcasts the values of the shared blocks {@code x_t} and moves them by the example-weighted mean
 * of the clients' deltas, {@code x_{t+1} = x_t + η_s(t) · Σ_k n_k Δ_k / Σ_k n_k} over the round's
 * participants. With η_s = 1 (the default) this is plain FedAvg; other server step sizes and schedules
 * are the "server learning rate" of Reddi et al., ICLR 2021, and a {@link ServerOptimizer} other than
 * SGD replaces the plain step by their FedAdagrad, FedAdam or FedYogi update on the same mean delta.
 * Personal and frozen blocks never travel ({@link ParamSplit}). An optional {@link Projection} maps the
 * model back onto a constraint set after every step (FedLoRA-Optimizer's unit-norm directions,
 * {@link UnitDirections}).
 */
public final class FedAvgServer implements ServerStrategy {
  static final String PARAMS = "params";
  static final String DELTA = "delta";
  static final String WEIGHT = "weight";

  private final ParamSplit split;
  private final Schedule lr;
  private final ServerOptimizer optimizer;
  /**
   * Discard the updates of stragglers (clients that did partial work), as FedAvg does in FedProx's
   * systems-heterogeneity experiments (Li et al., MLSys 2020, section 5); FedProx keeps them.
   */
  private final boolean dropStragglers;
  /**
   * A map applied in place to the full stored parameters once at the start and after every server
   * step, e.g. re-normalizing averaged directions ({@link UnitDirections}).
   */
  @FunctionalInterface
  interface Projection extends java.io.Serializable {
    void apply(double[] storedParams);
  }

  /** Null for none. */
  private final Projection projection;
  /** The full stored parameter vector; only its shared blocks ever change. */
  private double[] global;
  private double lastLr = Double.NaN;
  /** The shared blocks as the clients decoded them this round; null until a broadcast is delivered. */
  private double[] delivered;

  public FedAvgServer(ParamSplit split, Schedule lr) {
    this(split, lr, ServerOptimizer.sgd(), false);
  }

  public FedAvgServer(ParamSplit split, Schedule lr, ServerOptimizer optimizer) {
    this(split, lr, optimizer, false);
  }

  public FedAvgServer(ParamSplit split, Schedule lr, ServerOptimizer optimizer, boolean dropStragglers) {
    this(split, lr, optimizer, dropStragglers, null);
  }

  /** @param projection applied after every step (and to the initial model); null for none */
  FedAvgServer(ParamSplit split, Schedule lr, ServerOptimizer optimizer, boolean dropStragglers, Projection projection) {
    this.split = split;
    this.lr = lr;
    this.optimizer = optimizer;
    this.dropStragglers = dropStragglers;
    this.projection = projection;
  }

  /**
   * What a client of this server uploads: the change {@code delta} of the shared values and its weight
   * n_k (its number of training examples).
   */
  static Message upload(double[] delta, int examples) {
    return Message.builder().vector(DELTA, delta).scalar(WEIGHT, examples).build();
  }

  @Override
  public void initialize(ServerContext ctx) {
    global = split.initial(ctx.seed());
    if (projection != null) {
      projection.apply(global);
    }
  }

  @Override
  public RoundPlan configureFit(int round, int[] sampledClients) {
    return RoundPlan.broadcast(Message.builder().vector(PARAMS, split.shared().gather(global)).build());
  }

  /**
   * Keeps the decoded broadcast: the clients' deltas are relative to it, so with a lossy downlink the
   * next model is x̂_t + η_s·mean Δ, the model every client actually held plus their average change.
   */
  @Override
  public void broadcastDelivered(int round, Message broadcast) {
    double[] x = broadcast.vectors().get(PARAMS);
    delivered = x != null && x.length == split.shared().size() ? x.clone() : null;
  }

  @Override
  public void aggregateFit(int round, RoundAggregate all) {
    RoundAggregate aggregate = dropStragglers ? all.withoutStragglers() : all;
    double[] reference = delivered;
    delivered = null;
    if (aggregate.numUpdates() == 0 || !(aggregate.totalWeight() > 0)) {
      return;
    }
    double[] step = aggregate.weightedMean(DELTA);
    double[] x = reference != null ? reference : split.shared().gather(global);
    lastLr = lr.at(round);
    optimizer.step(x, step, lastLr);
    double[] next = global.clone();
    split.shared().scatter(x, next);
    if (projection != null) {
      projection.apply(next);
    }
    global = next;
  }

  /** The broadcast shared values and the clients' deltas both carry the shared blocks. */
  @Override
  public Map<String, org.fedspark.model.BlockSet> vectorBlocks() {
    return Map.of(PARAMS, split.shared(), DELTA, split.shared());
  }

  @Override
  public RoundPlan configureEvaluate(int round) {
    return configureFit(round, new int[0]);
  }

  @Override
  public Optional<double[]> globalModel() {
    return split.hasGlobalModel() ? Optional.of(split.effective(global)) : Optional.empty();
  }

  @Override
  public List<String> serverMetrics() {
    return List.of("server_lr");
  }

  @Override
  public Map<String, Double> metrics() {
    return Map.of("server_lr", lastLr);
  }
}
