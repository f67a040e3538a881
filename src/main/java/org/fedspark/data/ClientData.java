package org.fedspark.data;

import java.io.Serializable;

/**
 * Everything one client owns: its id, its training split and its own test split (personalized
 * evaluation measures each client's model on that client's test data). A client's code is handed only
 * its own {@code ClientData}.
 */
public record ClientData(int clientId, LocalDataset train, LocalDataset test) implements Serializable {
  public ClientData {
    if (train.numFeatures() != test.numFeatures()) {
      throw new IllegalArgumentException("client " + clientId + ": train has " + train.numFeatures()
          + " features but test has " + test.numFeatures());
    }
  }

  public int numFeatures() {
    return train.numFeatures();
  }
}
