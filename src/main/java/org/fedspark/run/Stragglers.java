package org.fedspark.run;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.fedspark.config.AlgorithmName;
import org.fedspark.config.ConfigException;
import org.fedspark.config.ConfigKey;
import org.fedspark.config.FedConfig;
import org.fedspark.config.Keys;
import org.fedspark.data.Seeds;

/**
 * Systems heterogeneity as FedProx's experiments simulate it (Li et al., "Federated Optimization in
 * Heterogeneous Networks", MLSys 2020, section 5): each round, {@code round(fraction · K)} of the K
 * sampled clients, drawn from a stream of the run seed and the round, are stragglers.
 *
 * <ul>
 *   <li>{@code partial}: a straggler runs a number of local <em>epochs</em> drawn uniformly from
 *       {@code [1, E)} (E = {@code train.local-epochs}), as the FedProx code draws
 *       {@code randint(1, E)} epochs for its stragglers. Epochs rather than steps because that is the
 *       paper's unit of local work, and a client's step count then still scales with its data size.
 *       The server decides what to do with the partial work: FedAvg discards it (the paper's FedAvg
 *       drops stragglers), FedProx aggregates it.</li>
 *   <li>{@code drop}: stragglers do not train and send nothing (dropouts), whatever the algorithm.</li>
 * </ul>
 *
 * @param fraction share of the sampled clients that straggle each round
 * @param drop true for {@code drop}, false for {@code partial}
 * @param epochs the configured local epochs E
 * @param seed the run seed
 */
public record Stragglers(double fraction, boolean drop, int epochs, long seed) implements Serializable {
  /** No stragglers. */
  public static final Stragglers NONE = new Stragglers(0, false, 1, 0);

  /**
   * One round's stragglers.
   *
   * @param ids sorted straggler ids (a subset of the sampled clients)
   * @param epochBudgets local epochs of {@code ids[i]} (partial mode; 0 in drop mode)
   */
  public record Draw(int[] ids, int[] epochBudgets) implements Serializable {
    static final Draw NONE = new Draw(new int[0], new int[0]);

    /** The epoch budget of client {@code id}, or 0 when it is not a straggler. */
    public int budgetOf(int id) {
      int i = Arrays.binarySearch(ids, id);
      return i < 0 ? 0 : epochBudgets[i];
    }

    public boolean isStraggler(int id) {
      return Arrays.binarySearch(ids, id) >= 0;
    }
  }

  /** The stragglers of {@code round} among the sorted {@code sampled} clients. */
  public Draw draw(int round, int[] sampled) {
    int k = (int) Math.round(fraction * sampled.length);
    if (k == 0) {
      return Draw.NONE;
    }
    SplittableRandom rng = Seeds.stream(seed, round, -1, "stragglers");
    int[] pool = sampled.clone();
    for (int i = 0; i < k; i++) { // partial Fisher–Yates: the first k are a uniform k-subset
      int j = i + rng.nextInt(pool.length - i);
      int t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
    }
    int[] ids = Arrays.copyOf(pool, k);
    Arrays.sort(ids);
    int[] budgets = new int[k];
    for (int i = 0; i < k; i++) {
      budgets[i] = drop ? 0 : 1 + rng.nextInt(epochs - 1);
    }
    return new Draw(ids, budgets);
  }

  /**
   * From {@code stragglers.*}; refuses what cannot be simulated faithfully: partial work with a
   * single local epoch (there is no epoch count in [1, 1)), and partial work for algorithms whose
   * client does not run the FedAvg local solver (they would ignore the budget).
   */
  public static Stragglers from(FedConfig cfg) {
    double fraction = cfg.getDouble(Keys.STRAGGLERS_FRACTION);
    if (fraction == 0) {
      return NONE;
    }
    boolean drop = cfg.getString(Keys.STRAGGLERS_MODE).equals("drop");
    int epochs = cfg.getInt(Keys.EPOCHS);
    if (!drop) {
      if (epochs < 2) {
        throw new ConfigException("key '" + Keys.STRAGGLERS_MODE.path() + "' = partial draws a straggler's epochs from"
            + " [1, " + Keys.EPOCHS.path() + "), which is empty for " + Keys.EPOCHS.path() + " = " + epochs
            + "; use at least 2 local epochs, or " + Keys.STRAGGLERS_MODE.path() + " = drop");
      }
      AlgorithmName alg = cfg.getEnum(Keys.ALGORITHM, AlgorithmName.class);
      if (alg != AlgorithmName.FEDAVG && alg != AlgorithmName.FEDPROX && alg != AlgorithmName.FEDAVG_FT
          && alg != AlgorithmName.FEDPER) {
        throw new ConfigException("key '" + Keys.STRAGGLERS_MODE.path() + "' = partial is supported for fedavg, fedprox,"
            + " fedavg-ft and fedper (whose clients honour the epoch budget), not " + ConfigKey.label(alg)
            + "; use " + Keys.STRAGGLERS_MODE.path() + " = drop");
      }
    }
    return new Stragglers(fraction, drop, epochs, cfg.getLong(Keys.SEED));
  }
}
