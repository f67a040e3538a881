package org.fedspark.client;

import java.io.Serializable;

/**
 * A number every participating client reports each round (e.g. the density of its sparse part), and
 * how the engine combines it over the round's participants into one {@code metrics.csv} column:
 * {@link Aggregate#MEAN} (unweighted mean over the clients that reported it) or {@link Aggregate#SUM}.
 * Both are computed exactly ({@link org.fedspark.server.ReproducibleSum}), so they do not depend on
 * the partitioning.
 */
public record ClientMetric(String name, Aggregate aggregate, String doc) implements Serializable {
  /** How the values of the participants are combined. */
  public enum Aggregate {
    MEAN, SUM
  }

  public static ClientMetric mean(String name, String doc) {
    return new ClientMetric(name, Aggregate.MEAN, doc);
  }

  public static ClientMetric sum(String name, String doc) {
    return new ClientMetric(name, Aggregate.SUM, doc);
  }
}
