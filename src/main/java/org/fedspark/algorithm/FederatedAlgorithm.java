package org.fedspark.algorithm;

import org.fedspark.client.ClientStrategy;
import org.fedspark.server.ServerStrategy;

/**
 * An algorithm is a client half and a server half that talk only through messages. The server half
 * stays on the driver; the client half is serialized into the clients' partitions.
 *
 * @param trainable values a client's local training updates in a round (the stored blocks that are not
 *     frozen; both models for algorithms that train a global and a personal one); −1 when unknown
 */
public record FederatedAlgorithm(String name, ServerStrategy server, ClientStrategy client, long trainable) {

  public FederatedAlgorithm(String name, ServerStrategy server, ClientStrategy client) {
    this(name, server, client, -1);
  }

  /** This algorithm with its trainable count. */
  public FederatedAlgorithm withTrainable(long values) {
    return new FederatedAlgorithm(name, server, client, values);
  }
}
