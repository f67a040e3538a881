package org.fedspark.algorithm;

import java.io.Serializable;
import org.fedspark.client.ClientStrategy;
import org.fedspark.server.ServerStrategy;

/**
 * An algorithm is a client half and a server half that talk only through messages. The server half
 * stays on the driver; the client half is serialized into the clients' partitions.
 */
public record FederatedAlgorithm<S extends Serializable>(
    String name, ServerStrategy server, ClientStrategy<S> client) {}
