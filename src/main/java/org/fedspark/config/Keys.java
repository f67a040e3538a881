package org.fedspark.config;

import static org.fedspark.config.ConfigKey.bool;
import static org.fedspark.config.ConfigKey.choice;
import static org.fedspark.config.ConfigKey.decimal;
import static org.fedspark.config.ConfigKey.integer;
import static org.fedspark.config.ConfigKey.longKey;
import static org.fedspark.config.ConfigKey.string;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fedspark.data.DataSpec;
import org.fedspark.model.Models;

/** Every configuration key fedspark reads, with its default and documentation. */
public final class Keys {
  private Keys() {}

  private static final int MAX = Integer.MAX_VALUE;
  private static final double INF = Double.MAX_VALUE;

  // run
  public static final ConfigKey RUN_NAME = string("run.name", "fedspark", "Name of the run, used in the default output directory and the report.");
  public static final ConfigKey SEED = longKey("run.seed", 42, "Seed of every random choice (data generation, partitioning, splits, sampling, SGD order, initialization).");
  public static final ConfigKey ROUNDS = integer("run.rounds", 50, 1, MAX, "Number of communication rounds.");
  public static final ConfigKey EVAL_EVERY = integer("run.eval-every", 5, 1, MAX, "Evaluate (and write a metrics row) every this many rounds; the last round is always evaluated.");
  public static final ConfigKey CHECKPOINT_EVERY = integer("run.checkpoint-every", 10, 1, MAX, "Checkpoint the clients' personal state every this many rounds, cutting the RDD lineage.");
  public static final ConfigKey OUT = string("run.out", "", "Output directory (any Hadoop path). Empty: runs/<run.name>-<timestamp>. --out overrides it.");
  public static final ConfigKey OVERWRITE = bool("run.overwrite", false, "Replace an earlier run's results in the output directory; otherwise a directory that holds them is refused (--overwrite sets it).");
  public static final ConfigKey PROGRESS = choice("run.progress", "auto", List.of("auto", "bar", "lines", "off"), "Console progress: an in-place bar on a terminal, one line per round otherwise (auto), or none.");

  // spark
  public static final ConfigKey MASTER = string("spark.master", "local[*]", "Spark master when not launched by spark-submit (spark-submit's --master wins).");
  public static final ConfigKey UI = bool("spark.ui", false, "Start the Spark web UI (off by default: a local run opens no port).");
  public static final ConfigKey PARTITIONS = integer("spark.partitions", 0, 0, MAX, "Number of client partitions; 0 = 2 × Spark's default parallelism, at most one per client. Results do not depend on it.");
  public static final ConfigKey CHECKPOINT_DIR = string("spark.checkpoint-dir", "", "Directory for RDD checkpoints (any Hadoop path); empty = <out>/_checkpoints, removed when the run ends.");

  // data
  public static final ConfigKey SOURCE = choice("data.source", DataSpec.Source.SYNTHETIC, DataSpec.Source.class, "Where the examples come from.");
  public static final ConfigKey PATH = string("data.path", "", "File or directory for libsvm/csv/parquet; the IDX directory for fashion-mnist (empty = /usr/share/datasets/fashion-mnist).");
  public static final ConfigKey LABEL_COLUMN = string("data.label-column", "label", "Label column (csv, parquet).");
  public static final ConfigKey FEATURES_COLUMN = string("data.features-column", "", "Parquet: the features column (vector or array). CSV: comma-separated feature columns; empty = all but label and client.");
  public static final ConfigKey CLIENT_COLUMN = string("data.client-column", "", "Column naming each row's client (natural partition); empty = split with partition.*.");
  public static final ConfigKey CSV_HEADER = bool("data.csv-header", true, "Whether CSV files start with a header row.");
  public static final ConfigKey NUM_FEATURES = integer("data.num-features", 0, 0, MAX, "Number of features for libsvm; 0 = infer from the data.");
  public static final ConfigKey NUM_CLASSES = integer("data.num-classes", 0, 0, MAX, "Number of classes; 0 = largest label + 1.");
  public static final ConfigKey TEST_FRACTION = decimal("data.test-fraction", 0.2, 0.0, 0.9, "Fraction of each client's examples held out as its own test split.");
  public static final ConfigKey BAD_ROWS = choice("data.bad-rows", "error", List.of("error", "drop"), "Rows with an out-of-range label or NaN/infinite features: stop with an error, or drop them with a warning.");
  public static final ConfigKey EMPTY_CLIENTS = choice("data.empty-clients", "error", List.of("error", "drop"), "Clients left without training examples: stop with an error, or drop them with a warning.");
  public static final ConfigKey SPLIT_COLUMN = string("data.split-column", "", "csv/parquet: column saying each row's split (data.split-train / data.split-test); rows are then used as given and data.test-fraction does not apply. Empty = fedspark splits each client.");
  public static final ConfigKey SPLIT_TRAIN = string("data.split-train", "train", "Value of data.split-column that marks a training row.");
  public static final ConfigKey SPLIT_TEST = string("data.split-test", "test", "Value of data.split-column that marks a test row.");
  public static final ConfigKey LEAF_TEST = string("data.leaf-test", "", "leaf: test JSON files or directories (comma-separated); data.path holds the training files. Empty = fedspark splits each user (data.test-fraction).");

  // synthetic
  public static final ConfigKey SYN_ALPHA = decimal("data.synthetic.alpha", 1.0, 0.0, INF, "Synthetic(α, β): variance of each device's model mean (model heterogeneity).");
  public static final ConfigKey SYN_BETA = decimal("data.synthetic.beta", 1.0, 0.0, INF, "Synthetic(α, β): variance of each device's feature mean (data heterogeneity).");
  public static final ConfigKey SYN_IID = bool("data.synthetic.iid", false, "The IID variant: one model for every device and zero feature means.");
  public static final ConfigKey SYN_CLIENTS = integer("data.synthetic.clients", 30, 1, MAX, "Number of devices.");
  public static final ConfigKey SYN_FEATURES = integer("data.synthetic.features", 60, 1, MAX, "Number of features.");
  public static final ConfigKey SYN_CLASSES = integer("data.synthetic.classes", 10, 2, MAX, "Number of classes.");

  // partition
  public static final ConfigKey SCHEME = choice("partition.scheme", "dirichlet", List.of("iid", "dirichlet", "shards", "quantity-skew"), "How to split data that has no client column into clients.");
  public static final ConfigKey CLIENTS = integer("partition.clients", 100, 1, MAX, "Number of clients to split into.");
  public static final ConfigKey DIRICHLET_ALPHA = decimal("partition.dirichlet-alpha", 0.5, 1e-6, INF, "Dirichlet concentration of label skew: small = each client sees few classes.");
  public static final ConfigKey SHARDS = integer("partition.shards-per-client", 2, 1, MAX, "Shards (≈ classes) per client for the shards scheme.");
  public static final ConfigKey QUANTITY_SIGMA = decimal("partition.quantity-sigma", 1.0, 0.0, INF, "σ of the log-normal client sizes for quantity-skew.");

  // model
  public static final ConfigKey MODEL = choice("model.type", Models.Type.SOFTMAX, Models.Type.class, "Model: multinomial softmax regression, binary logistic regression, or a one-hidden-layer ReLU MLP.");
  public static final ConfigKey HIDDEN = integer("model.hidden", 64, 1, MAX, "Hidden units of the MLP.");
  public static final ConfigKey WEIGHT_DECAY = decimal("model.weight-decay", 0.0, 0.0, INF, "L2 weight decay on weight matrices (not biases).");

  // algorithm and training
  public static final ConfigKey ALGORITHM = choice("algorithm.name", AlgorithmName.FEDAVG, AlgorithmName.class, "Federated algorithm (the README's algorithm table says what each does).");
  public static final ConfigKey BLOCKS = string("model.blocks", "", "Role of each parameter block: rules 'ROLE PATTERN...' separated by ';', roles shared, personal, additive, frozen; patterns are block names, globs, all, head, body (e.g. 'personal head'). Empty = the algorithm's default (all shared; head personal for fedper and fedrep).");
  public static final ConfigKey FRACTION = decimal("train.client-fraction", 0.1, 1e-9, 1.0, "Fraction of clients sampled each round.");
  public static final ConfigKey EPOCHS = integer("train.local-epochs", 1, 1, MAX, "Local epochs per round.");
  public static final ConfigKey BATCH = integer("train.batch-size", 32, 1, MAX, "Minibatch size of local SGD.");
  public static final ConfigKey LR = decimal("train.lr", 0.05, 1e-12, INF, "Local SGD step size.");
  public static final ConfigKey LR_SCHEDULE = choice("train.lr-schedule", "constant", List.of("constant", "exponential", "cosine"), "Client step size over rounds: constant, exponential (lr · decay^(t−1)) or cosine (from lr down to lr-min at the last round).");
  public static final ConfigKey LR_DECAY = decimal("train.lr-decay", 1.0, 1e-6, 1.0, "Exponential schedule: step size multiplier per round (lr_t = lr · decay^(t−1)).");
  public static final ConfigKey LR_MIN = decimal("train.lr-min", 0.0, 0.0, INF, "Cosine schedule: the step size at the last round.");
  public static final ConfigKey LR_WARMUP = integer("train.lr-warmup", 0, 0, MAX, "Linear warm-up: the step size grows as t/warmup times the schedule over the first this many rounds (0 = none).");
  public static final ConfigKey MOMENTUM = decimal("train.momentum", 0.0, 0.0, 0.999, "Heavy-ball momentum β of local SGD (m ← β m + g, w ← w − lr m), reset each round; 0 = plain SGD.");
  public static final ConfigKey SERVER_LR = decimal("server.lr", 1.0, 0.0, INF, "Server step size η_s on the averaged update of the shared blocks (x ← x + η_s · mean Δ); 1 is plain averaging.");
  public static final ConfigKey SERVER_LR_SCHEDULE = choice("server.lr-schedule", "constant", List.of("constant", "exponential", "cosine"), "Server step size over rounds, as train.lr-schedule.");
  public static final ConfigKey SERVER_LR_DECAY = decimal("server.lr-decay", 1.0, 1e-6, 1.0, "Exponential server schedule: multiplier per round.");
  public static final ConfigKey SERVER_LR_MIN = decimal("server.lr-min", 0.0, 0.0, INF, "Cosine server schedule: the server step size at the last round.");
  public static final ConfigKey SERVER_LR_WARMUP = integer("server.lr-warmup", 0, 0, MAX, "Linear warm-up of the server step size over this many rounds (0 = none).");
  public static final ConfigKey MU = decimal("fedprox.mu", 0.01, 0.0, INF, "FedProx proximal weight μ.");
  public static final ConfigKey FT_EPOCHS = integer("fedavg-ft.epochs", 1, 1, MAX, "fedavg-ft: local fine-tuning epochs before each client's personalized evaluation.");
  public static final ConfigKey DITTO_LAMBDA = decimal("ditto.lambda", 0.1, 0.0, INF, "Ditto: weight λ of the pull (λ/2)‖v − w‖² of each client's personal model v toward the global model w.");
  public static final ConfigKey DITTO_EPOCHS = integer("ditto.personal-epochs", 1, 1, MAX, "Ditto: local epochs on the personal model per round.");
  public static final ConfigKey FEDREP_HEAD_EPOCHS = integer("fedrep.head-epochs", 5, 1, MAX, "FedRep: epochs on the personal head (body frozen) before the train.local-epochs on the shared body (head frozen).");
  public static final ConfigKey APFL_ALPHA = decimal("apfl.alpha", 0.25, 0.0, 1.0, "APFL: initial mixing weight α of the personal model in α·v + (1 − α)·w.");
  public static final ConfigKey APFL_ADAPT = bool("apfl.adaptive-alpha", true, "APFL: learn α by gradient steps (clipped to [0, 1]); false keeps it fixed.");

  // stragglers (systems heterogeneity, Li et al., MLSys 2020, section 5)
  public static final ConfigKey STRAGGLERS_FRACTION = decimal("stragglers.fraction", 0.0, 0.0, 1.0, "Share of each round's sampled clients that straggle (drawn per round from the run seed); 0 = none.");
  public static final ConfigKey STRAGGLERS_MODE = choice("stragglers.mode", "partial", List.of("partial", "drop"), "partial: a straggler runs a uniformly random number of local epochs in [1, train.local-epochs); FedAvg's server discards such updates, FedProx uses them. drop: stragglers send nothing.");

  /** All keys, in documentation order. */
  public static final List<ConfigKey> ALL = List.of(
      RUN_NAME, SEED, ROUNDS, EVAL_EVERY, CHECKPOINT_EVERY, OUT, OVERWRITE, PROGRESS,
      MASTER, UI, PARTITIONS, CHECKPOINT_DIR,
      SOURCE, PATH, LABEL_COLUMN, FEATURES_COLUMN, CLIENT_COLUMN, CSV_HEADER, NUM_FEATURES, NUM_CLASSES,
      TEST_FRACTION, BAD_ROWS, EMPTY_CLIENTS, SPLIT_COLUMN, SPLIT_TRAIN, SPLIT_TEST, LEAF_TEST,
      SYN_ALPHA, SYN_BETA, SYN_IID, SYN_CLIENTS, SYN_FEATURES, SYN_CLASSES,
      SCHEME, CLIENTS, DIRICHLET_ALPHA, SHARDS, QUANTITY_SIGMA,
      MODEL, HIDDEN, WEIGHT_DECAY, BLOCKS,
      ALGORITHM, FRACTION, EPOCHS, BATCH, LR, LR_SCHEDULE, LR_DECAY, LR_MIN, LR_WARMUP, MOMENTUM,
      SERVER_LR, SERVER_LR_SCHEDULE, SERVER_LR_DECAY, SERVER_LR_MIN, SERVER_LR_WARMUP,
      MU, FT_EPOCHS, DITTO_LAMBDA, DITTO_EPOCHS, FEDREP_HEAD_EPOCHS, APFL_ALPHA, APFL_ADAPT,
      STRAGGLERS_FRACTION, STRAGGLERS_MODE);

  /** Prefix under which any key is passed to Spark verbatim, e.g. {@code spark.conf."spark.executor.memory" = 4g}. */
  public static final String SPARK_CONF_PREFIX = "spark.conf";

  private static final Map<String, ConfigKey> BY_PATH = new LinkedHashMap<>();

  static {
    for (ConfigKey k : ALL) {
      if (BY_PATH.put(k.path(), k) != null) {
        throw new IllegalStateException("duplicate key " + k.path());
      }
    }
  }

  /** The key with this path, or null. */
  public static ConfigKey byPath(String path) {
    return BY_PATH.get(path);
  }
}
