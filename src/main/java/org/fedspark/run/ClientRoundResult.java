package org.fedspark.run;

import java.io.Serializable;
import org.fedspark.client.ClientState;

/**
 * One client's outcome of a round: its new state, its encoded upload ({@code update}, empty when it
 * sent nothing or was not sampled), its local training loss (summed over examples seen), the values
 * of its algorithm's declared client metrics (NaN where not reported), the number of values it holds
 * (state plus what it received), the shape of its decoded upload and, if its new state holds NaN or
 * ±∞, the name of that vector.
 */
public record ClientRoundResult(int clientId, boolean sampled, ClientState state, byte[] update, double lossSum,
    long examples, double[] metrics, long valuesHeld, UploadStats upload, String nonFiniteState)
    implements Serializable {

  /** A client that was not sampled: it keeps its state and sends nothing. */
  static ClientRoundResult idle(int clientId, ClientState state) {
    return new ClientRoundResult(clientId, false, state, new byte[0], 0, 0, new double[0], 0, UploadStats.NONE, null);
  }
}
