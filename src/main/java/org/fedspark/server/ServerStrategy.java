package org.fedspark.server;

import java.util.Optional;

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

  /**
   * What clients receive to build their personalized models for evaluation: a message for every
   * client and, optionally, one per client (e.g. the personal block a server-side solve produced for
   * it). All clients are evaluated, sampled or not, so per-client messages may go to any client.
   */
  RoundPlan configureEvaluate(int round);

  /** The single global model, for algorithms that have one. */
  Optional<double[]> globalModel();
}
