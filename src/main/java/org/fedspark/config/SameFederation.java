package org.fedspark.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether several configurations describe the identical federation: the same clients with the same
 * data, the same train/test splits, and the same clients sampled in each round. Comparing methods
 * only means something on an identical federation; a different seed or client fraction alone moves
 * accuracy by more than many method differences.
 */
public final class SameFederation {
  private SameFederation() {}

  /** Every key under {@code data.} and {@code partition.}, plus the seed, the rounds and the client fraction. */
  public static final List<ConfigKey> KEYS = Keys.ALL.stream()
      .filter(k -> k.path().startsWith("data.") || k.path().startsWith("partition.")
          || k == Keys.SEED || k == Keys.ROUNDS || k == Keys.FRACTION)
      .toList();

  /**
   * One line per key on which the configurations disagree, naming the key and each configuration's
   * value, e.g. {@code key 'run.seed' differs: a = 1, b = 2}; empty when they all agree.
   *
   * @param configs label → configuration, in the order to list them
   */
  public static List<String> differences(Map<String, FedConfig> configs) {
    List<String> problems = new ArrayList<>();
    for (ConfigKey k : KEYS) {
      Map<String, Object> values = new LinkedHashMap<>();
      configs.forEach((label, cfg) -> values.put(label, value(cfg, k)));
      if (values.values().stream().distinct().count() > 1) {
        List<String> each = new ArrayList<>();
        values.forEach((label, v) -> each.add(label + " = " + (v.toString().isEmpty() ? "\"\"" : v)));
        problems.add("key '" + k.path() + "' differs: " + String.join(", ", each));
      }
    }
    return problems;
  }

  /** The key's value as its type, so that 0.1 and 0.10 are equal. */
  private static Object value(FedConfig cfg, ConfigKey k) {
    return switch (k.type()) {
      case INT -> cfg.getInt(k);
      case LONG -> cfg.getLong(k);
      case DOUBLE -> cfg.getDouble(k);
      case BOOLEAN -> cfg.getBoolean(k);
      case STRING, CHOICE -> cfg.getString(k);
    };
  }
}
