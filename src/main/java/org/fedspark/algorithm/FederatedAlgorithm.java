package org.fedspark.algorithm;

import org.fedspark.client.ClientStrategy;
import org.fedspark.server.ServerStrategy;

/**
 * An algorithm is a client half and a server half that talk only through messages. The server half
 * stays on the driver; the client half is serialized into the clients' partitions.
 */
public record FederatedAlgorithm(String name, ServerStrategy server, ClientStrategy client) {}
