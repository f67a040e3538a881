package org.fedspark.algorithm;

import org.fedspark.config.FedConfig;
import org.fedspark.config.Keys;

/** Builds the configured {@link FederatedAlgorithm} from the {@code algorithm.*} and {@code train.*} keys. */
public final class Algorithms {
  private Algorithms() {}

  /** Algorithm names, as written in {@code algorithm.name}. */
  public enum Name {
    FEDAVG, FEDPROX, LOCAL, FEDAVG_FT
  }

  public static FederatedAlgorithm<?> create(FedConfig cfg) {
    LocalTraining training = new LocalTraining(cfg.getInt(Keys.EPOCHS), cfg.getInt(Keys.BATCH),
        cfg.getDouble(Keys.LR), cfg.getDouble(Keys.LR_DECAY));
    Name name = cfg.getEnum(Keys.ALGORITHM, Name.class);
    return switch (name) {
      case FEDAVG -> new FederatedAlgorithm<>("fedavg", new FedAvgServer(), new FedAvgClient(training, 0.0, 0));
      case FEDPROX -> new FederatedAlgorithm<>("fedprox", new FedAvgServer(),
          new FedAvgClient(training, cfg.getDouble(Keys.MU), 0));
      case FEDAVG_FT -> new FederatedAlgorithm<>("fedavg-ft", new FedAvgServer(),
          new FedAvgClient(training, 0.0, cfg.getInt(Keys.FT_EPOCHS)));
      case LOCAL -> new FederatedAlgorithm<>("local", new SilentServer(), new LocalOnlyClient(training));
    };
  }
}
