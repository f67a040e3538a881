package org.fedspark.server;

import java.util.Optional;
import org.fedspark.codec.Message;

/**
 * The server half of a federated algorithm; it runs on the Spark driver and never touches client data.
 * Mirrors Flower's {@code Strategy}: {@link #configureFit} says what to send, {@link #aggregateFit}
 * folds the uploads into the server state, {@link #configureEvaluate} says what clients evaluate with.
 * The engine does the sampling, transport, byte counting and evaluation.
 */
public interface ServerStrategy {

  /** Called once before round 1. */
  void initialize(ServerContext ctx);

  /** The messages for round {@code round} (from 1) to the sampled clients (sorted ids). */
  RoundPlan configureFit(int round, int[] sampledClients);

  /** How the engine should combine uploads. */
  default AggregationSpec aggregation() {
    return AggregationSpec.weightedSums();
  }

  /** Folds the round's combined uploads into the server state. */
  void aggregateFit(int round, RoundAggregate aggregate);

  /** The message every client receives to build its personalized model for evaluation. */
  Message configureEvaluate(int round);

  /** The single global model, for algorithms that have one. */
  Optional<double[]> globalModel();
}
