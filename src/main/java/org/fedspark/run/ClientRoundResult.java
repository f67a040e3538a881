package org.fedspark.run;

import java.io.Serializable;

/**
 * One client's outcome of a round: its new state, its encoded upload ({@code update}, empty when it
 * sent nothing or was not sampled) and its local training loss (summed over examples seen).
 */
public record ClientRoundResult<S extends Serializable>(
    int clientId, boolean sampled, S state, byte[] update, double lossSum, long examples) implements Serializable {}
