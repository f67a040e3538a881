package org.fedspark.server;

import java.util.Map;
import org.fedspark.codec.Message;

/**
 * What the server sends in one round: one message broadcast to every sampled client (the shared part:
 * a global model) and, optionally, one message per client for parts only that client may see (its
 * personal block of a server-side solve). Per-client messages travel only to the partition that holds
 * the client.
 */
public record RoundPlan(Message broadcast, Map<Integer, Message> perClient) {
  public static RoundPlan broadcast(Message m) {
    return new RoundPlan(m, Map.of());
  }
}
