package org.fedspark.client;

import java.io.Serializable;
import org.fedspark.codec.Message;

/**
 * What a client's local training returns: its new personal state (kept in its partition), the message
 * it uploads ({@link Message#EMPTY} for none) and its training statistics.
 */
public record FitResult<S extends Serializable>(S state, Message update, LocalSgd.TrainStats stats) {}
