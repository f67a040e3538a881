package org.fedspark.client;

import java.io.Serializable;

/** The personal state of algorithms that keep none (FedAvg, FedProx). */
public enum NoState implements Serializable {
  INSTANCE
}
