package org.fedspark.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.fedspark.data.DataSpec.Source;

/**
 * Which keys have an effect under which settings: the one registry of "key K applies only when
 * condition C", by data source, partition scheme, model, algorithm, codec and so on. A key whose value
 * differs from its default while its condition is false would be silently ignored (e.g.
 * {@code data.path} with {@code data.source = synthetic} trains on synthetic data): set by the user
 * explicitly (in the config file itself or with {@code run --set}) it is an error naming the key and
 * the setting that makes it moot; set in an {@code include}d file, a run's written {@code config.conf}
 * (which spells out every key) or {@code compare}'s shared {@code --set} (meant for several configs) it
 * is a warning. A key at its default is never reported: it has no effect whatever the settings.
 */
public final class KeyScope {
  private KeyScope() {}

  /** A condition on the configuration, with the words that say when it holds. */
  record Condition(String description, Predicate<FedConfig> holds) {}

  /** One rule: these keys apply only when the condition holds. */
  record Rule(List<ConfigKey> keys, Condition when) {}

  private static final List<Source> FILE_SOURCES = List.of(Source.LIBSVM, Source.CSV, Source.PARQUET);

  private static Condition source(Source... sources) {
    List<String> names = Arrays.stream(sources).map(ConfigKey::label).toList();
    return new Condition(Keys.SOURCE.path() + " is " + or(names),
        c -> Arrays.asList(sources).contains(c.getEnum(Keys.SOURCE, Source.class)));
  }

  private static Condition choice(ConfigKey key, String... values) {
    return new Condition(key.path() + " is " + or(List.of(values)), c -> Arrays.asList(values).contains(c.getString(key)));
  }

  private static Condition notChoice(ConfigKey key, String... values) {
    return new Condition(key.path() + " is not " + or(List.of(values)), c -> !Arrays.asList(values).contains(c.getString(key)));
  }

  private static Condition and(Condition a, Condition b) {
    return new Condition(a.description() + " and " + b.description(), c -> a.holds().test(c) && b.holds().test(c));
  }

  private static String or(List<String> names) {
    return names.size() == 1 ? names.get(0)
        : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
  }

  private static Rule rule(Condition when, ConfigKey... keys) {
    return new Rule(List.of(keys), when);
  }

  /** Clients are formed by partition.* (no natural clients in the data). */
  private static final Condition PARTITIONED = new Condition(
      Keys.SOURCE.path() + " is libsvm, csv, parquet, fashion-mnist or rotated-fashion-mnist with no "
          + Keys.CLIENT_COLUMN.path(),
      c -> {
        Source s = c.getEnum(Keys.SOURCE, Source.class);
        boolean files = FILE_SOURCES.contains(s) && c.getString(Keys.CLIENT_COLUMN).isBlank();
        return files || s == Source.FASHION_MNIST || s == Source.ROTATED_FASHION_MNIST;
      });

  private static Condition algorithm(AlgorithmName... names) {
    return choice(Keys.ALGORITHM, Arrays.stream(names).map(KeyScope::label).toArray(String[]::new));
  }

  private static String label(AlgorithmName n) {
    return ConfigKey.label(n);
  }

  private static Condition codec(String... codecs) {
    return new Condition(Keys.CODEC_UPLINK.path() + " or " + Keys.CODEC_DOWNLINK.path() + " is " + or(List.of(codecs)),
        c -> Arrays.asList(codecs).contains(c.getString(Keys.CODEC_UPLINK))
            || Arrays.asList(codecs).contains(c.getString(Keys.CODEC_DOWNLINK)));
  }

  private static Condition positive(ConfigKey key) {
    return new Condition(key.path() + " > 0", c -> c.getDouble(key) > 0);
  }

  private static Condition notEmpty(ConfigKey key) {
    return new Condition(key.path() + " is set", c -> !c.getString(key).isBlank());
  }

  /** The registry. */
  static final List<Rule> RULES = List.of(
      rule(source(Source.LIBSVM, Source.CSV, Source.PARQUET, Source.FASHION_MNIST, Source.ROTATED_FASHION_MNIST, Source.LEAF),
          Keys.PATH),
      rule(source(Source.CSV, Source.PARQUET), Keys.LABEL_COLUMN, Keys.FEATURES_COLUMN, Keys.CLIENT_COLUMN, Keys.SPLIT_COLUMN),
      rule(source(Source.CSV), Keys.CSV_HEADER),
      rule(source(Source.LIBSVM, Source.CSV, Source.PARQUET, Source.LEAF), Keys.BAD_ROWS),
      rule(notEmpty(Keys.SPLIT_COLUMN), Keys.SPLIT_TRAIN, Keys.SPLIT_TEST),
      rule(source(Source.LEAF), Keys.LEAF_TEST),
      rule(source(Source.SYNTHETIC), Keys.SYN_ALPHA, Keys.SYN_BETA, Keys.SYN_IID, Keys.SYN_CLIENTS, Keys.SYN_FEATURES,
          Keys.SYN_CLASSES),
      rule(new Condition(Keys.SYN_IID.path() + " = false", c -> !c.getBoolean(Keys.SYN_IID)), Keys.SYN_ALPHA, Keys.SYN_BETA),
      rule(source(Source.CLUSTERED), Keys.CL_CLIENTS, Keys.CL_GROUPS, Keys.CL_FEATURES, Keys.CL_CLASSES, Keys.CL_SAMPLES,
          Keys.CL_SAMPLES_SIGMA, Keys.CL_MEAN_SHIFT, Keys.CL_GROUP_SCALE, Keys.CL_CLIENT_NOISE, Keys.CL_SAMPLE_LABELS),
      rule(source(Source.ROTATED_FASHION_MNIST), Keys.ROT_GROUPS),
      rule(PARTITIONED, Keys.SCHEME, Keys.CLIENTS, Keys.DIRICHLET_ALPHA, Keys.SHARDS, Keys.QUANTITY_SIGMA),
      rule(choice(Keys.SCHEME, "dirichlet"), Keys.DIRICHLET_ALPHA),
      rule(choice(Keys.SCHEME, "shards"), Keys.SHARDS),
      rule(choice(Keys.SCHEME, "quantity-skew"), Keys.QUANTITY_SIGMA),
      rule(choice(Keys.MODEL, "mlp"), Keys.HIDDEN),
      rule(algorithm(AlgorithmName.FEDPROX), Keys.MU),
      rule(algorithm(AlgorithmName.FEDAVG_FT), Keys.FT_EPOCHS),
      rule(algorithm(AlgorithmName.DITTO), Keys.DITTO_LAMBDA, Keys.DITTO_EPOCHS),
      rule(algorithm(AlgorithmName.FEDREP), Keys.FEDREP_HEAD_EPOCHS),
      rule(algorithm(AlgorithmName.APFL), Keys.APFL_ALPHA, Keys.APFL_ADAPT),
      rule(algorithm(AlgorithmName.FEDSLR), Keys.FEDSLR_ALPHA, Keys.FEDSLR_RANK_THRESHOLD, Keys.FEDSLR_SPARSE_THRESHOLD,
          Keys.FEDSLR_PERSONAL_EPOCHS),
      rule(algorithm(AlgorithmName.PFEDME), Keys.PFEDME_LAMBDA, Keys.PFEDME_PERSONAL_LR, Keys.PFEDME_INNER_STEPS,
          Keys.PFEDME_BETA),
      rule(algorithm(AlgorithmName.GRAPH_FUSED), Keys.GF_LOCAL_STEPS, Keys.GF_FULL_BATCH, Keys.GF_ETA_Z, Keys.GF_PENALTY,
          Keys.GF_LAMBDA, Keys.GF_P, Keys.GF_RHO, Keys.GF_TOLERANCE, Keys.GF_MAX_ITERATIONS),
      rule(and(algorithm(AlgorithmName.GRAPH_FUSED), choice(Keys.GF_PENALTY, "graph")), Keys.GF_P, Keys.GRAPH_SPACE,
          Keys.GRAPH_K, Keys.GRAPH_MODE, Keys.GRAPH_WEIGHTS, Keys.GRAPH_METHOD, Keys.GRAPH_EXACT_MAX, Keys.GRAPH_TREES,
          Keys.GRAPH_LEAF, Keys.GRAPH_REFINE, Keys.GRAPH_RECALL_SAMPLE, Keys.GRAPH_RFF, Keys.GRAPH_BANDWIDTH,
          Keys.GRAPH_LABEL_WEIGHT, Keys.GRAPH_SKETCH_DIM, Keys.GRAPH_MODEL_WARMUP),
      rule(choice(Keys.GRAPH_SPACE, "data"), Keys.GRAPH_RFF, Keys.GRAPH_BANDWIDTH, Keys.GRAPH_LABEL_WEIGHT),
      rule(choice(Keys.GRAPH_SPACE, "feature"), Keys.GRAPH_SKETCH_DIM),
      rule(choice(Keys.GRAPH_SPACE, "model"), Keys.GRAPH_MODEL_WARMUP),
      rule(notChoice(Keys.ALGORITHM, label(AlgorithmName.GRAPH_FUSED)), Keys.EPOCHS, Keys.MOMENTUM),
      rule(notChoice(Keys.ALGORITHM, label(AlgorithmName.LOCAL), label(AlgorithmName.FEDSLR), label(AlgorithmName.GRAPH_FUSED)),
          Keys.SERVER_LR, Keys.SERVER_LR_SCHEDULE, Keys.SERVER_LR_DECAY, Keys.SERVER_LR_MIN, Keys.SERVER_LR_WARMUP,
          Keys.SERVER_OPTIMIZER, Keys.SERVER_BETA1, Keys.SERVER_BETA2, Keys.SERVER_TAU),
      rule(notChoice(Keys.SERVER_OPTIMIZER, "sgd"), Keys.SERVER_BETA1, Keys.SERVER_TAU),
      rule(choice(Keys.SERVER_OPTIMIZER, "adam", "yogi"), Keys.SERVER_BETA2),
      rule(choice(Keys.LR_SCHEDULE, "cosine"), Keys.LR_MIN),
      rule(choice(Keys.SERVER_LR_SCHEDULE, "cosine"), Keys.SERVER_LR_MIN),
      rule(codec("kmeans"), Keys.CODEC_KMEANS_LEVELS),
      rule(new Condition(Keys.CODEC_UPLINK.path() + " is topk", c -> c.getString(Keys.CODEC_UPLINK).equals("topk")),
          Keys.CODEC_TOPK_FRACTION),
      rule(codec("qsgd"), Keys.CODEC_QSGD_LEVELS),
      rule(codec("piecewise", "kmeans"), Keys.CODEC_VALUES),
      rule(positive(Keys.LAMBDA_GAMMA), Keys.LAMBDA_SOLVER, Keys.LAMBDA_ADMM_ITERATIONS, Keys.LAMBDA_ADMM_TOLERANCE,
          Keys.LAMBDA_ADMM_KAPPA),
      rule(choice(Keys.LAMBDA_SOLVER, "admm"), Keys.LAMBDA_ADMM_ITERATIONS, Keys.LAMBDA_ADMM_TOLERANCE,
          Keys.LAMBDA_ADMM_KAPPA),
      rule(positive(Keys.STRAGGLERS_FRACTION), Keys.STRAGGLERS_MODE));

  /** Every key set away from its default that has no effect under {@code cfg}, with why. */
  public static Map<String, String> ineffective(FedConfig cfg) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Rule r : RULES) {
      if (r.when().holds().test(cfg)) {
        continue;
      }
      for (ConfigKey k : r.keys()) {
        if (!out.containsKey(k.path()) && !atDefault(cfg, k)) {
          out.put(k.path(), "it applies only when " + r.when().description());
        }
      }
    }
    return out;
  }

  /**
   * Reports the keys set with no effect: an error listing those set explicitly, a warning (to
   * {@code warn}) for each of the others.
   *
   * @param topOrigin the config file's origin as given to {@link FedConfig#parse}
   * @param resolved whether the file is a run's written config.conf, which holds every key
   * @param shared keys set by overrides meant for several configs ({@code compare --set})
   */
  public static void check(FedConfig cfg, String topOrigin, boolean resolved, List<String> shared,
      Consumer<String> warn) {
    Map<String, String> origins = cfg.origins();
    List<String> errors = new ArrayList<>();
    for (Map.Entry<String, String> e : ineffective(cfg).entrySet()) {
      String key = e.getKey();
      String origin = origins.getOrDefault(key, "");
      boolean fromSet = origin.startsWith("--set ");
      boolean explicit = fromSet ? !shared.contains(key)
          : !resolved && (origin.equals(topOrigin) || origin.startsWith(topOrigin + ":"));
      String text = "key '" + key + "' = " + render(cfg, Keys.byPath(key)) + " (" + origin + ") has no effect: "
          + e.getValue();
      if (explicit) {
        errors.add(text + "; remove it, or change the setting it depends on");
      } else {
        warn.accept(text + "; it is ignored");
      }
    }
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
  }

  private static boolean atDefault(FedConfig cfg, ConfigKey k) {
    Object d = k.defaultValue();
    return switch (k.type()) {
      case INT -> cfg.getInt(k) == ((Number) d).intValue();
      case LONG -> cfg.getLong(k) == ((Number) d).longValue();
      case DOUBLE -> cfg.getDouble(k) == ((Number) d).doubleValue();
      case BOOLEAN -> cfg.getBoolean(k) == (Boolean) d;
      case STRING, CHOICE -> cfg.getString(k).trim().equals(String.valueOf(d));
    };
  }

  private static String render(FedConfig cfg, ConfigKey k) {
    return switch (k.type()) {
      case INT -> Integer.toString(cfg.getInt(k));
      case LONG -> Long.toString(cfg.getLong(k));
      case DOUBLE -> Double.toString(cfg.getDouble(k));
      case BOOLEAN -> Boolean.toString(cfg.getBoolean(k));
      case STRING, CHOICE -> "'" + cfg.getString(k) + "'";
    };
  }
}
