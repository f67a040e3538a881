package org.fedspark.server;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The server half of a federated algorithm; it runs on the Spark driver and never touches client data.
 * Mirrors Flower's {@code Strategy}: {@link #configureFit} says what to send, {@link #aggregateFit}
 * folds the uploads into the server state, {@link #configureEvaluate} says what clients evaluate with.
 * The engine does the sampling, transport, byte counting and evaluation.
 *
 * <p>A server is {@link java.io.Serializable}: a resume point saves it whole (its model, optimizer
 * moments, duals, solver warm starts), so every field must be serializable or rebuilt on demand.
 * {@link #configureEvaluate} must not change the server's state: it is also called to save the
 * models.
 */
public interface ServerStrategy extends java.io.Serializable {

  /** Called once before round 1. */
  void initialize(ServerContext ctx);

  /**
   * Called once after {@link #initialize} and before round 1, with the federation and the output
   * directory, for servers that must look at every client before training (a similarity network over
   * client summaries). Default: nothing.
   */
  default void prepare(ServerResources resources) {}

  /** The messages for round {@code round} (from 1) to the sampled clients (sorted ids). */
  RoundPlan configureFit(int round, int[] sampledClients);

  /**
   * The round's broadcast as every client decoded it, before {@link #aggregateFit}. With a lossy
   * downlink codec this differs from what {@link #configureFit} returned: clients started from it, so
   * their updates are relative to it, and a server that adds updates to a model must add them to this
   * one, not to its unquantized copy. Default: ignored (lossless transport changes nothing).
   */
  default void broadcastDelivered(int round, org.fedspark.codec.Message delivered) {}

  /**
   * Each sampled client's own message of this round ({@link RoundPlan#perClient()}) as that client
   * decoded it, before {@link #aggregateFit}; the per-client counterpart of {@link #broadcastDelivered}
   * (a client's personal part, sent to it alone, started its update from the decoded values). Called
   * only when the downlink codec is lossy: otherwise each client decoded exactly what was sent.
   * Default: ignored.
   */
  default void perClientDelivered(int round, Map<Integer, org.fedspark.codec.Message> delivered) {}

  /**
   * The message vectors whose values are parameter blocks, by name, with the blocks each carries in
   * order (e.g. an averaging server's {@code params} and its clients' {@code delta}: the shared
   * blocks). Per-block codecs ({@code codec.uplink-blocks}, {@code codec.downlink-blocks}) cut these
   * vectors, and only these. Default: none.
   */
  default Map<String, org.fedspark.model.BlockSet> vectorBlocks() {
    return Map.of();
  }

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

  /**
   * Names of the numbers this server reports each round (its objective, a solver's residuals and
   * iterations, a kept rank): extra {@code metrics.csv} columns, declared up front so the columns
   * are known before round 1.
   */
  default List<String> serverMetrics() {
    return List.of();
  }

  /** The values of {@link #serverMetrics()} after the last {@link #aggregateFit}; a missing one is empty. */
  default Map<String, Double> metrics() {
    return Map.of();
  }
}
