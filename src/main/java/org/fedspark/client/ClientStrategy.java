package org.fedspark.client;

import java.io.Serializable;
import org.fedspark.codec.Message;

/**
 * The client half of a federated algorithm: code that runs inside the client's RDD partition and sees
 * only its {@link ClientContext}, its personal state and the server's message. Its server half is a
 * {@link org.fedspark.server.ServerStrategy}; the two meet only through {@link Message}s, as Flower's
 * {@code Client.fit}/{@code Strategy.aggregate_fit} do.
 *
 * <p>Implementations are serializable, immutable and hold only hyper-parameters.
 *
 * @param <S> the personal state kept by each client between rounds ({@link NoState} for none)
 */
public interface ClientStrategy<S extends Serializable> extends Serializable {

  /** Whether clients keep state between rounds (if not, the engine keeps no per-client RDD of state). */
  default boolean stateful() {
    return true;
  }

  /** The state a client starts with, before round 1. */
  S initialState(ClientContext ctx);

  /** One round of local work on a sampled client. */
  FitResult<S> fit(ClientContext ctx, S state, Message fromServer);

  /**
   * The model this client would use on its own data now: what personalized evaluation measures on the
   * client's test split. {@code fromServer} is the server's evaluation message.
   */
  double[] personalModel(ClientContext ctx, S state, Message fromServer);
}
