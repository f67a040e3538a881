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
  public static final ConfigKey RESUME_EVERY = integer("run.resume-every", 0, 0, MAX, "Every this many rounds, write a resume point (server and client state; 'fedspark resume' continues from the newest) and save the models; 0 = by time only (run.resume-every-seconds).");
  public static final ConfigKey RESUME_SECONDS = integer("run.resume-every-seconds", 60, 0, MAX, "Write a resume point after the first round that ends this many seconds after the last one (or the start), so that a kill loses at most about this much work; 0 = by rounds only (run.resume-every). With both 0, never (the models are still saved at the end).");
  public static final ConfigKey SAVE_MODELS = bool("run.save-models", true, "Save the global model and every client's personalized model in <out>/models (Parquet) at the end of the run.");
  public static final ConfigKey OUT = string("run.out", "", "Output directory (any Hadoop path). Empty: runs/<run.name>-<timestamp>. --out overrides it.");
  public static final ConfigKey OVERWRITE = bool("run.overwrite", false, "Replace an earlier run's results in the output directory; otherwise a directory that holds them is refused (--overwrite sets it).");
  public static final ConfigKey PROGRESS = choice("run.progress", "auto", List.of("auto", "bar", "lines", "off"), "Console progress: an in-place bar on a terminal, one line per round otherwise (auto), or none.");

  // spark
  public static final ConfigKey MASTER = string("spark.master", "local[*]", "Spark master when not launched by spark-submit (spark-submit's --master wins).");
  public static final ConfigKey UI = bool("spark.ui", false, "Start the Spark web UI (off by default: a local run opens no port). It listens on SPARK_LOCAL_IP, which bin/fedspark sets to 127.0.0.1 unless you set it.");
  public static final ConfigKey PARTITIONS = integer("spark.partitions", 0, 0, MAX, "Number of client partitions; 0 = 8 × the threads on a local master (whose jobs run one task per thread over partitions balanced by work), else 2 × the cores: spark.cores.max, spark.executor.instances × spark.executor.cores, or else the executors registered within spark.scheduler.maxRegisteredResourcesWaitingTime (summary.json: partitions_chosen_by). At most one per client. Results do not depend on it.");
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
  public static final ConfigKey HOLDOUT_FRACTION = decimal("data.holdout-fraction", 0.0, 0.0, 0.99, "Share of the pooled examples (fashion-mnist, rotated-fashion-mnist, and csv/libsvm/parquet without a client column) set aside before the split into clients, drawn from run.seed; e.g. for pretraining a base model (model.base). 0 = none.");
  public static final ConfigKey USE_HOLDOUT = bool("data.use-holdout", false, "Split the held-out share (data.holdout-fraction) into partition.clients clients instead of the rest; with one client this is centralized training on it, e.g. a pretraining run.");
  public static final ConfigKey LEAF_TEST = string("data.leaf-test", "", "leaf: test JSON files or directories (comma-separated); data.path holds the training files. Empty = fedspark splits each user (data.test-fraction).");

  // synthetic
  public static final ConfigKey SYN_ALPHA = decimal("data.synthetic.alpha", 1.0, 0.0, INF, "Synthetic(α, β): variance of each device's model mean (model heterogeneity).");
  public static final ConfigKey SYN_BETA = decimal("data.synthetic.beta", 1.0, 0.0, INF, "Synthetic(α, β): variance of each device's feature mean (data heterogeneity).");
  public static final ConfigKey SYN_IID = bool("data.synthetic.iid", false, "The IID variant: one model for every device and zero feature means.");
  public static final ConfigKey SYN_CLIENTS = integer("data.synthetic.clients", 30, 1, MAX, "Number of devices.");
  public static final ConfigKey SYN_FEATURES = integer("data.synthetic.features", 60, 1, MAX, "Number of features.");
  public static final ConfigKey SYN_CLASSES = integer("data.synthetic.classes", 10, 2, MAX, "Number of classes.");

  // clustered federation and rotated Fashion-MNIST
  public static final ConfigKey CL_CLIENTS = integer("data.clustered.clients", 100, 1, MAX, "Clustered federation: number of clients.");
  public static final ConfigKey CL_GROUPS = integer("data.clustered.groups", 4, 1, MAX, "Clustered federation: number of groups K; client n is in group n mod K.");
  public static final ConfigKey CL_FEATURES = integer("data.clustered.features", 20, 1, MAX, "Clustered federation: number of features.");
  public static final ConfigKey CL_CLASSES = integer("data.clustered.classes", 5, 2, MAX, "Clustered federation: number of classes.");
  public static final ConfigKey CL_SAMPLES = integer("data.clustered.samples", 100, 2, MAX, "Clustered federation: samples per client (the median when samples-sigma > 0).");
  public static final ConfigKey CL_SAMPLES_SIGMA = decimal("data.clustered.samples-sigma", 0.0, 0.0, INF, "Clustered federation: σ of log-normal client sizes round(samples·exp(σ·N(0,1))); 0 = every client has exactly 'samples'.");
  public static final ConfigKey CL_MEAN_SHIFT = decimal("data.clustered.mean-shift", 1.0, 0.0, INF, "Clustered federation: std of each coordinate of a group's feature mean μ_g (x ~ N(μ_g, I)); 0 = x ~ N(0, I) in every group.");
  public static final ConfigKey CL_GROUP_SCALE = decimal("data.clustered.group-scale", 1.0, 0.0, INF, "Clustered federation: std of the group-level part of the labeling model (the shared part has std 1).");
  public static final ConfigKey CL_CLIENT_NOISE = decimal("data.clustered.client-noise", 0.1, 0.0, INF, "Clustered federation: std of each client's own noise on its labeling model.");
  public static final ConfigKey CL_SAMPLE_LABELS = bool("data.clustered.sample-labels", false, "Clustered federation: draw labels from the softmax instead of taking its argmax.");
  public static final ConfigKey ROT_GROUPS = integer("data.rotated.groups", 4, 1, MAX, "rotated-fashion-mnist: number of groups K; client c sees its images rotated by (c mod K)·360/K degrees.");

  // similarity network
  public static final ConfigKey GRAPH_SPACE = choice("graph.space", "data", List.of("data", "feature", "model"), "Client summaries the similarity network compares: data (kernel mean embedding, MMD), feature (sketched covariance, Frobenius), model (parameters after a warm-up).");
  public static final ConfigKey GRAPH_K = integer("graph.k", 10, 1, MAX, "Neighbours per client in the kNN similarity network.");
  public static final ConfigKey GRAPH_MODE = choice("graph.mode", "union", List.of("union", "mutual"), "Symmetric kNN (edge if either is among the other's k nearest) or mutual kNN (both).");
  public static final ConfigKey GRAPH_WEIGHTS = choice("graph.weights", "gaussian", List.of("gaussian", "unit"), "Edge weights: exp(−d²/σ²) with σ² the median kNN distance², or 1.");
  public static final ConfigKey GRAPH_METHOD = choice("graph.method", "auto", List.of("auto", "exact", "approximate"), "kNN search: exact (blocked brute force), approximate (random-projection forest + neighbour refinement), or auto (exact up to graph.exact-max-clients).");
  public static final ConfigKey GRAPH_EXACT_MAX = integer("graph.exact-max-clients", 5000, 1, MAX, "auto: largest number of clients searched exactly.");
  public static final ConfigKey GRAPH_TREES = integer("graph.trees", 8, 1, MAX, "Approximate kNN: random-projection trees.");
  public static final ConfigKey GRAPH_LEAF = integer("graph.leaf-size", 32, 2, MAX, "Approximate kNN: largest leaf of a random-projection tree.");
  public static final ConfigKey GRAPH_REFINE = integer("graph.refine-iterations", 2, 0, MAX, "Approximate kNN: rounds of neighbour-of-neighbour refinement.");
  public static final ConfigKey GRAPH_RECALL_SAMPLE = integer("graph.recall-sample", 200, 0, MAX, "Approximate kNN: clients whose exact neighbours are computed to report recall (0 = none).");
  public static final ConfigKey GRAPH_RFF = integer("graph.rff-features", 256, 1, MAX, "Data space: random Fourier features D of the kernel mean embedding.");
  public static final ConfigKey GRAPH_BANDWIDTH = decimal("graph.bandwidth", 0.0, 0.0, INF, "Data space: RBF bandwidth σ of k(x, y) = exp(−‖x − y‖²/(2σ²)); 0 = median heuristic.");
  public static final ConfigKey GRAPH_LABEL_WEIGHT = decimal("graph.label-weight", 0.0, 0.0, INF, "Data space: weight λ of the class histogram appended to the embedding (λ² ‖h − h'‖² adds to the MMD²); 0 = features only.");
  public static final ConfigKey GRAPH_MODEL_WARMUP = integer("graph.model-warmup-epochs", 5, 1, MAX, "Model space: local epochs of SGD (train.batch-size, train.lr at round 1) from the common initial model on each client, before round 1; the trained parameters are the summaries.");
  public static final ConfigKey GRAPH_SKETCH_DIM = integer("graph.sketch-dim", 32, 1, MAX, "Feature space: dimension r of the seeded random projection whose covariance is compared (features ≤ r are used as they are).");

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
  public static final ConfigKey BASE = string("model.base", "", "Output directory of an earlier run whose saved global model (models/) is this run's starting point, the same model type and shape: every client and the server start from it. With model.lora.blocks it is the frozen base the adapters fine-tune. Empty = train from the usual initialization.");
  public static final ConfigKey LORA_BLOCKS = string("model.lora.blocks", "", "Weight matrices that get a LoRA adapter W = W0 + (alpha/rank)·B·A (block names or globs, space-separated, or 'all' for every weight matrix), e.g. 'W1 W2'. Each becomes the blocks W.base, W.lora_A, W.lora_B, with roles in model.blocks. Empty = no adapters.");
  public static final ConfigKey LORA_RANK = integer("model.lora.rank", 4, 1, MAX, "LoRA rank r: A is r × cols, B is rows × r.");
  public static final ConfigKey LORA_ALPHA = decimal("model.lora.alpha", 8.0, 1e-12, INF, "LoRA scale α: the update is (α/r)·B·A.");
  public static final ConfigKey LORA_DECOMPOSE = choice("model.lora.decompose", "auto", List.of("auto", "none", "a", "b", "both"), "Split LoRA factors into magnitude and direction, X = m·V/‖V‖ per unit (DoRA): blocks W.lora_A.mag, W.lora_A.dir (and B's). auto = both for fedlora-opt, none otherwise.");
  public static final ConfigKey LORA_AXIS = choice("model.lora.axis", "rows", List.of("rows", "cols"), "Units of the magnitude–direction split and of the lora_*_change metrics: the rows of A and B (one per output unit of x → A·x and of B·(A·x)), or their columns.");

  // algorithm and training
  public static final ConfigKey ALGORITHM = choice("algorithm.name", AlgorithmName.FEDAVG, AlgorithmName.class, "Federated algorithm (the README's algorithm table says what each does).");
  public static final ConfigKey BLOCKS = string("model.blocks", "", "Role of each parameter block: rules 'ROLE PATTERN...' separated by ';', roles shared, personal, additive, frozen; patterns are block names, globs, all, head, body (e.g. 'personal head'). Empty = the algorithm's default (all shared; head personal for fedper and fedrep; with LoRA adapters, everything but the adapter factors frozen, plus the adapter algorithm's own rule). With adapters the blocks are the stored ones (W1.base, W1.lora_A, ...) and these rules come after the default.");
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
  public static final ConfigKey SERVER_OPTIMIZER = choice("server.optimizer", "sgd", List.of("sgd", "adam", "yogi", "adagrad"), "Server update of the averaged delta Δ of the shared blocks (averaging servers): sgd (x ← x + η_s Δ) or the adaptive FedAdam, FedYogi, FedAdagrad of Reddi et al., ICLR 2021 (x ← x + η_s m/(√v + τ)); adaptive ones want a small server.lr (e.g. 0.01-0.1).");
  public static final ConfigKey SERVER_BETA1 = decimal("server.beta1", 0.9, 0.0, 0.999999, "Adaptive server optimizers: decay β₁ of the first moment m ← β₁ m + (1 − β₁) Δ.");
  public static final ConfigKey SERVER_BETA2 = decimal("server.beta2", 0.99, 0.0, 0.999999, "server.optimizer adam, yogi: decay β₂ of the second moment v.");
  public static final ConfigKey SERVER_TAU = decimal("server.tau", 1e-3, 1e-12, INF, "Adaptive server optimizers: τ in m/(√v + τ), the adaptivity floor; v starts at τ².");
  public static final ConfigKey MU = decimal("fedprox.mu", 0.01, 0.0, INF, "FedProx proximal weight μ.");
  public static final ConfigKey FEDLORA_OPT_LOCAL_EPOCHS = integer("fedlora-opt.local-epochs", 1, 1, MAX, "fedlora-opt: epochs of the local stage (the personal blocks: B's magnitudes) that precede the global stage's train.local-epochs on the shared blocks (A's directions).");
  public static final ConfigKey FT_EPOCHS = integer("fedavg-ft.epochs", 1, 1, MAX, "fedavg-ft: local fine-tuning epochs before each client's personalized evaluation.");
  public static final ConfigKey DITTO_LAMBDA = decimal("ditto.lambda", 0.1, 0.0, INF, "Ditto: weight λ of the pull (λ/2)‖v − w‖² of each client's personal model v toward the global model w.");
  public static final ConfigKey DITTO_EPOCHS = integer("ditto.personal-epochs", 1, 1, MAX, "Ditto: local epochs on the personal model per round.");
  public static final ConfigKey FEDREP_HEAD_EPOCHS = integer("fedrep.head-epochs", 5, 1, MAX, "FedRep: epochs on the personal head (body frozen) before the train.local-epochs on the shared body (head frozen).");
  public static final ConfigKey APFL_ALPHA = decimal("apfl.alpha", 0.25, 0.0, 1.0, "APFL: initial mixing weight α of the personal model in α·v + (1 − α)·w.");
  public static final ConfigKey APFL_ADAPT = bool("apfl.adaptive-alpha", true, "APFL: learn α by gradient steps (clipped to [0, 1]); false keeps it fixed.");
  public static final ConfigKey FEDSLR_ALPHA = decimal("fedslr.alpha", 0.1, 1e-12, INF, "FedSLR: FedDyn weight α of the pull (α/2)‖w − W‖² and of the dual update μ ← μ + α(W − w); the server thresholds singular values at rank-threshold/α.");
  public static final ConfigKey FEDSLR_RANK_THRESHOLD = decimal("fedslr.rank-threshold", 1e-4, 0.0, INF, "FedSLR: nuclear-norm weight λ_r; every weight matrix of the global model is singular-value-thresholded by λ_r/α each round.");
  public static final ConfigKey FEDSLR_SPARSE_THRESHOLD = decimal("fedslr.sparse-threshold", 1e-3, 0.0, INF, "FedSLR: ℓ1 weight λ_s of the personal sparse part; each personal step soft-thresholds it by lr·λ_s.");
  public static final ConfigKey FEDSLR_DISTRIBUTED_SVD = integer("fedslr.distributed-svd-entries", 16_777_216, 0, MAX, "FedSLR: a weight matrix with at least this many entries (rows × cols) is thresholded with Spark MLlib's distributed RowMatrix.computeSVD on the executors instead of on the driver (the SVD's work and workspace move to the cluster; not bitwise reproducible, and singular values below 1e-9·σ_max count as zero); 0 = always on the driver. Default 2^24 (a 4096 × 4096 block).");
  public static final ConfigKey FEDSLR_PERSONAL_EPOCHS = integer("fedslr.personal-epochs", 1, 1, MAX, "FedSLR: local epochs on the personal sparse part per round.");
  public static final ConfigKey PFEDME_LAMBDA = decimal("pfedme.lambda", 15.0, 1e-12, INF, "pFedMe: weight λ of the Moreau-envelope pull (λ/2)‖θ − w‖² of the personalized model θ toward the local model w.");
  public static final ConfigKey PFEDME_PERSONAL_LR = decimal("pfedme.personal-lr", 0.05, 1e-12, INF, "pFedMe: step size η_p of the K inner steps on θ.");
  public static final ConfigKey PFEDME_INNER_STEPS = integer("pfedme.inner-steps", 5, 1, MAX, "pFedMe: inner steps K on θ per minibatch.");
  public static final ConfigKey PFEDME_BETA = decimal("pfedme.beta", 1.0, 1e-12, INF, "pFedMe: server mixing β in w ← (1 − β) w + β·mean(w_local); it multiplies the server.lr schedule.");
  public static final ConfigKey GF_LOCAL_STEPS = integer("graph-fused.local-steps", 1, 1, MAX, "graph-fused: minibatch SGD steps (size train.batch-size) a sampled client takes from y = (x, z(n)); it uploads its displacement divided by the step size (the gradient at y when 1).");
  public static final ConfigKey GF_FULL_BATCH = bool("graph-fused.full-batch", false, "graph-fused: every local step uses all the client's training examples (exact gradients) instead of a minibatch.");
  public static final ConfigKey GF_ETA_Z = decimal("graph-fused.eta-z", 0.0, 0.0, INF, "graph-fused: step η_z of the personal parts in the server's Z step (G columns = the clients' personal gradients); 0 = the round's train.lr, the same per-client step as the shared part.");
  public static final ConfigKey GF_PENALTY = choice("graph-fused.penalty", "graph", List.of("graph", "nuclear"), "graph-fused: coupling of the personal parts: graph (Network Lasso λ Σ w_ij ‖z_i − z_j‖_p over the similarity network) or nuclear (λ‖Z‖_*, no graph).");
  public static final ConfigKey GF_LAMBDA = decimal("graph-fused.lambda", 0.01, 0.0, INF, "graph-fused: weight λ of the penalty in the objective (1/N) Σ_n f_n(y(n)) + λ·penalty(Z).");
  public static final ConfigKey GF_P = choice("graph-fused.p", "2", List.of("1", "2", "inf"), "graph-fused: norm of the edge differences: 2 fuses whole personal parts, 1 coordinate by coordinate, inf whole parts with equalised differences.");
  public static final ConfigKey GF_RHO = decimal("graph-fused.rho", 1.0, 1e-12, INF, "graph-fused: ADMM penalty ρ of the Z step.");
  public static final ConfigKey GF_TOLERANCE = decimal("graph-fused.tolerance", 1e-6, 0.0, INF, "graph-fused: ADMM absolute and relative tolerance ε of the residuals (Boyd et al. 2011, §3.3.1).");
  public static final ConfigKey GF_MAX_ITERATIONS = integer("graph-fused.max-iterations", 1000, 1, MAX, "graph-fused: cap on ADMM iterations per Z step.");

  // codec: how messages are encoded (README "Communication-efficient updates")
  public static final ConfigKey CODEC_UPLINK = choice("codec.uplink", "float64", org.fedspark.codec.Codecs.NAMES, "Codec of the clients' uploads: float64 (exact), float32, piecewise (runs of equal values), kmeans (k levels, then piecewise), topk, qsgd, sign (scaled sign).");
  public static final ConfigKey CODEC_DOWNLINK = choice("codec.downlink", "float64", org.fedspark.codec.Codecs.DOWNLINK_NAMES, "Codec of what the server sends (training and evaluation); it encodes the model itself, so top-k and sign are not offered.");
  public static final ConfigKey CODEC_UPLINK_BLOCKS = string("codec.uplink-blocks", "", "Per-block codecs of the uploads: rules 'CODEC PATTERN...' separated by ';' (codecs as codec.uplink; patterns as model.blocks: block names, globs, all, head, body), e.g. 'kmeans W1; float32 b*'; a later rule wins, unnamed blocks use codec.uplink. Applies to the vectors that carry parameter blocks (the averaging algorithms' delta).");
  public static final ConfigKey CODEC_DOWNLINK_BLOCKS = string("codec.downlink-blocks", "", "Per-block codecs of what the server sends (its model, training and evaluation): rules as codec.uplink-blocks, codecs as codec.downlink; unnamed blocks use codec.downlink.");
  public static final ConfigKey CODEC_ERROR_FEEDBACK = choice("codec.error-feedback", "auto", List.of("auto", "on", "off"), "Clients add what the uplink codec dropped last time to their next update (kept in their state); auto = on when topk or sign encodes the uploads or one of their blocks.");
  public static final ConfigKey CODEC_VALUES = choice("codec.piecewise-values", "float64", List.of("float64", "float32"), "How the piecewise and kmeans codecs store their table of distinct values (float64 keeps piecewise lossless).");
  public static final ConfigKey CODEC_KMEANS_LEVELS = integer("codec.kmeans-levels", 8, 1, 1 << 16, "kmeans codec: number of levels k (optimal 1-D k-means of the vector's values).");
  public static final ConfigKey CODEC_TOPK_FRACTION = decimal("codec.topk-fraction", 0.01, 1e-9, 1.0, "topk codec: share of the coordinates sent (the largest magnitudes).");
  public static final ConfigKey CODEC_QSGD_LEVELS = integer("codec.qsgd-levels", 16, 1, 65535, "qsgd codec: number of quantization levels s.");
  public static final ConfigKey LAMBDA_GAMMA = decimal("lambda-update.gamma", 0.0, 0.0, INF, "Weight γ of the Λ-regularized client update (piecewise-constant uploads); 0 = off, the delta is sent as it is.");
  public static final ConfigKey LAMBDA_SOLVER = choice("lambda-update.solver", "exact", List.of("exact", "admm"), "Solver of the Λ update: exact (O(d) dynamic programming) or admm.");
  public static final ConfigKey LAMBDA_ADMM_ITERATIONS = integer("lambda-update.admm-iterations", 200, 1, MAX, "ADMM solver: iteration cap.");
  public static final ConfigKey LAMBDA_ADMM_TOLERANCE = decimal("lambda-update.admm-tolerance", 1e-6, 0.0, INF, "ADMM solver: relative tolerance on the residuals (0 = always run the cap).");
  public static final ConfigKey LAMBDA_ADMM_KAPPA = decimal("lambda-update.admm-kappa", 1.0, 1e-12, INF, "ADMM solver: penalty κ = ρλ.");
  public static final ConfigKey LAMBDA_ORDER = choice("lambda-update.order", "natural", List.of("natural", "seeded", "by-model"), "Coordinate order of the Λ update and of the uploaded delta: natural, a permutation from the run seed, or sorted by the current shared model (both sides know each; none is sent).");

  // stragglers (systems heterogeneity, Li et al., MLSys 2020, section 5)
  public static final ConfigKey STRAGGLERS_FRACTION = decimal("stragglers.fraction", 0.0, 0.0, 1.0, "Share of each round's sampled clients that straggle (drawn per round from the run seed); 0 = none.");
  public static final ConfigKey STRAGGLERS_MODE = choice("stragglers.mode", "partial", List.of("partial", "drop"), "partial: a straggler runs a uniformly random number of local epochs in [1, train.local-epochs); FedAvg's server discards such updates, FedProx uses them. drop: stragglers send nothing.");

  /** All keys, in documentation order. */
  public static final List<ConfigKey> ALL = List.of(
      RUN_NAME, SEED, ROUNDS, EVAL_EVERY, CHECKPOINT_EVERY, RESUME_EVERY, RESUME_SECONDS, SAVE_MODELS, OUT, OVERWRITE, PROGRESS,
      MASTER, UI, PARTITIONS, CHECKPOINT_DIR,
      SOURCE, PATH, LABEL_COLUMN, FEATURES_COLUMN, CLIENT_COLUMN, CSV_HEADER, NUM_FEATURES, NUM_CLASSES,
      TEST_FRACTION, BAD_ROWS, EMPTY_CLIENTS, SPLIT_COLUMN, SPLIT_TRAIN, SPLIT_TEST, HOLDOUT_FRACTION, USE_HOLDOUT, LEAF_TEST,
      SYN_ALPHA, SYN_BETA, SYN_IID, SYN_CLIENTS, SYN_FEATURES, SYN_CLASSES,
      CL_CLIENTS, CL_GROUPS, CL_FEATURES, CL_CLASSES, CL_SAMPLES, CL_SAMPLES_SIGMA, CL_MEAN_SHIFT, CL_GROUP_SCALE,
      CL_CLIENT_NOISE, CL_SAMPLE_LABELS, ROT_GROUPS,
      GRAPH_SPACE, GRAPH_K, GRAPH_MODE, GRAPH_WEIGHTS, GRAPH_METHOD, GRAPH_EXACT_MAX, GRAPH_TREES, GRAPH_LEAF,
      GRAPH_REFINE, GRAPH_RECALL_SAMPLE, GRAPH_RFF, GRAPH_BANDWIDTH, GRAPH_LABEL_WEIGHT, GRAPH_SKETCH_DIM,
      GRAPH_MODEL_WARMUP,
      SCHEME, CLIENTS, DIRICHLET_ALPHA, SHARDS, QUANTITY_SIGMA,
      MODEL, HIDDEN, WEIGHT_DECAY, BASE, LORA_BLOCKS, LORA_RANK, LORA_ALPHA, LORA_DECOMPOSE, LORA_AXIS, BLOCKS,
      ALGORITHM, FRACTION, EPOCHS, BATCH, LR, LR_SCHEDULE, LR_DECAY, LR_MIN, LR_WARMUP, MOMENTUM,
      SERVER_LR, SERVER_LR_SCHEDULE, SERVER_LR_DECAY, SERVER_LR_MIN, SERVER_LR_WARMUP,
      SERVER_OPTIMIZER, SERVER_BETA1, SERVER_BETA2, SERVER_TAU,
      MU, FEDLORA_OPT_LOCAL_EPOCHS, FT_EPOCHS, DITTO_LAMBDA, DITTO_EPOCHS, FEDREP_HEAD_EPOCHS, APFL_ALPHA, APFL_ADAPT,
      FEDSLR_ALPHA, FEDSLR_RANK_THRESHOLD, FEDSLR_SPARSE_THRESHOLD, FEDSLR_PERSONAL_EPOCHS, FEDSLR_DISTRIBUTED_SVD,
      PFEDME_LAMBDA, PFEDME_PERSONAL_LR, PFEDME_INNER_STEPS, PFEDME_BETA,
      GF_LOCAL_STEPS, GF_FULL_BATCH, GF_ETA_Z, GF_PENALTY, GF_LAMBDA, GF_P, GF_RHO, GF_TOLERANCE, GF_MAX_ITERATIONS,
      CODEC_UPLINK, CODEC_DOWNLINK, CODEC_UPLINK_BLOCKS, CODEC_DOWNLINK_BLOCKS, CODEC_ERROR_FEEDBACK, CODEC_VALUES, CODEC_KMEANS_LEVELS, CODEC_TOPK_FRACTION,
      CODEC_QSGD_LEVELS, LAMBDA_GAMMA, LAMBDA_SOLVER, LAMBDA_ADMM_ITERATIONS, LAMBDA_ADMM_TOLERANCE, LAMBDA_ADMM_KAPPA,
      LAMBDA_ORDER, STRAGGLERS_FRACTION, STRAGGLERS_MODE);

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
