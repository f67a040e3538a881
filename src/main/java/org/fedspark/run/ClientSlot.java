package org.fedspark.run;

import java.io.Serializable;
import org.fedspark.client.ClientState;

/**
 * A client's state as the engine keeps it in the client's partition, with the per-client message the
 * server addressed to it this round ({@code inbox}, null when none). Aligned partition-by-partition
 * with the data RDD (same {@link org.fedspark.data.ClientPartitioner}, same client order).
 */
public record ClientSlot(int clientId, ClientState state, byte[] inbox) implements Serializable {}
