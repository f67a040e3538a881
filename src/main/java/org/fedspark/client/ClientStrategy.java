package org.fedspark.client;

import java.io.Serializable;
import java.util.List;
import org.fedspark.codec.Message;

/**
 * The client half of a federated algorithm: code that runs inside the client's RDD partition and sees
 * only its {@link ClientContext}, its own {@link ClientState} and the server's message. Its server half
 * is a {@link org.fedspark.server.ServerStrategy}; the two meet only through {@link Message}s, as
 * Flower's {@code Client.fit}/{@code Strategy.aggregate_fit} do.
 *
 * <p>Implementations are serializable, immutable and hold only hyper-parameters.
 */
public interface ClientStrategy extends Serializable {

  /**
   * Whether clients keep state between rounds. If not, the engine still keeps one (empty) slot per
   * client to route per-client messages, but never rebuilds it after a round.
   */
  default boolean stateful() {
    return true;
  }

  /** The state a client starts with, before round 1. */
  ClientState initialState(ClientContext ctx);

  /** One round of local work on a sampled client. */
  FitResult fit(ClientContext ctx, ClientState state, Message fromServer);

  /**
   * The model this client would use on its own data now: what personalized evaluation measures on the
   * client's test split. {@code fromServer} is the server's evaluation message. The result may be
   * one of the message's own vectors (FedAvg's global model, uncopied): callers read it, never write it.
   * An implementation must not hand out one array with different contents for different clients (a
   * reused buffer): evaluation remembers, by identity, whether the last array equalled the global model.
   */
  double[] personalModel(ClientContext ctx, ClientState state, Message fromServer);

  /**
   * The metrics {@link FitResult#metrics()} carries, each a {@code metrics.csv} column that the
   * engine aggregates over the round's participants. Declared up front so the columns are known
   * before round 1.
   */
  default List<ClientMetric> clientMetrics() {
    return List.of();
  }
}
