package org.fedspark.data;

import java.io.Serializable;

/**
 * What data to load and how to cut it into clients; built from the {@code data.*} and
 * {@code partition.*} configuration keys (see {@code conf/reference} in the README).
 *
 * @param source where examples come from
 * @param path file or directory (any Hadoop path) for libsvm/csv/parquet; the IDX directory for fashion-mnist
 * @param labelColumn label column (csv, parquet)
 * @param featuresColumn features column for parquet (a Spark ML vector or array of numbers); for csv
 *     empty means "every column except label and client"
 * @param clientColumn column naming each row's client (natural partition); empty for none
 * @param numFeatures number of features (libsvm; 0 = infer from the data)
 * @param numClasses number of classes (0 = max label + 1)
 * @param testFraction fraction of each client's examples held out as its test split
 * @param badRows what to do with a row whose label is out of range or whose features are NaN/infinite
 * @param emptyClients what to do with a client left with no training example
 * @param csvHeader whether CSV files start with a header row
 * @param synthetic parameters of the FedProx synthetic generator
 * @param partition how to split into clients when the data has no client column
 * @param seed seed of every random choice made while loading (generation, partitioning, splits)
 * @param clustered parameters of the clustered-federation generator (source {@code clustered}); may be
 *     null for other sources
 * @param rotatedGroups number K of rotation groups of {@code rotated-fashion-mnist} (client c sees its
 *     images rotated by (c mod K)·360/K degrees); ignored by other sources
 * @param ownSplit the dataset's own train/test split (csv, parquet): a column saying each row's split;
 *     null when fedspark draws the split itself
 * @param leafTest LEAF test files or directories (comma-separated); empty when the LEAF data has no
 *     test files and fedspark draws each user's split with {@code testFraction}
 * @param holdout the share of pooled examples set aside before the split into clients, and which part
 *     this run uses ({@link Holdout#NONE}: every example is split into clients)
 */
public record DataSpec(
    Source source,
    String path,
    String labelColumn,
    String featuresColumn,
    String clientColumn,
    int numFeatures,
    int numClasses,
    double testFraction,
    Policy badRows,
    Policy emptyClients,
    boolean csvHeader,
    SyntheticSpec synthetic,
    PartitionSpec partition,
    long seed,
    ClusteredSpec clustered,
    int rotatedGroups,
    OwnSplit ownSplit,
    String leafTest,
    Holdout holdout)
    implements Serializable {

  public DataSpec {
    holdout = holdout == null ? Holdout.NONE : holdout;
  }

  /** A spec without a held-out share. */
  public DataSpec(Source source, String path, String labelColumn, String featuresColumn, String clientColumn,
      int numFeatures, int numClasses, double testFraction, Policy badRows, Policy emptyClients, boolean csvHeader,
      SyntheticSpec synthetic, PartitionSpec partition, long seed, ClusteredSpec clustered, int rotatedGroups,
      OwnSplit ownSplit, String leafTest) {
    this(source, path, labelColumn, featuresColumn, clientColumn, numFeatures, numClasses, testFraction, badRows,
        emptyClients, csvHeader, synthetic, partition, seed, clustered, rotatedGroups, ownSplit, leafTest, Holdout.NONE);
  }

  /** A spec for the sources that existed before clustered, rotated-fashion-mnist and leaf, without an own split. */
  public DataSpec(Source source, String path, String labelColumn, String featuresColumn, String clientColumn,
      int numFeatures, int numClasses, double testFraction, Policy badRows, Policy emptyClients, boolean csvHeader,
      SyntheticSpec synthetic, PartitionSpec partition, long seed) {
    this(source, path, labelColumn, featuresColumn, clientColumn, numFeatures, numClasses, testFraction, badRows,
        emptyClients, csvHeader, synthetic, partition, seed, null, 0, null, "");
  }

  /** This spec with the clustered generator's parameters replaced. */
  public DataSpec withClustered(ClusteredSpec c) {
    return new DataSpec(source, path, labelColumn, featuresColumn, clientColumn, numFeatures, numClasses,
        testFraction, badRows, emptyClients, csvHeader, synthetic, partition, seed, c, rotatedGroups, ownSplit, leafTest, holdout);
  }

  /** This spec with the number of rotation groups replaced. */
  public DataSpec withRotatedGroups(int groups) {
    return new DataSpec(source, path, labelColumn, featuresColumn, clientColumn, numFeatures, numClasses,
        testFraction, badRows, emptyClients, csvHeader, synthetic, partition, seed, clustered, groups, ownSplit, leafTest, holdout);
  }

  /**
   * The dataset's own train/test split: column {@code column} holds {@code trainValue} or
   * {@code testValue} on every row (compared as strings, after trimming). Users who publish a
   * benchmark with its split want results on exactly that split, not on one fedspark draws.
   */
  public record OwnSplit(String column, String trainValue, String testValue) implements Serializable {
    /** 0 for a training row, 1 for a test row, −1 for any other value (a bad row). */
    public int codeOf(String value) {
      if (value == null) {
        return -1;
      }
      String v = value.trim();
      return v.equals(trainValue) ? 0 : v.equals(testValue) ? 1 : -1;
    }
  }

  /** This spec with another held-out share. */
  public DataSpec withHoldout(Holdout h) {
    return new DataSpec(source, path, labelColumn, featuresColumn, clientColumn, numFeatures, numClasses,
        testFraction, badRows, emptyClients, csvHeader, synthetic, partition, seed, clustered, rotatedGroups, ownSplit,
        leafTest, h);
  }

  /**
   * A share of a pooled dataset set aside before it is split into clients (e.g. to pretrain a base model
   * centrally and fine-tune it federatedly on the rest, with no example in both): {@code fraction} of
   * the examples, drawn from the run seed alone ({@link Partitioning#assign}), so every run with the same
   * seed and fraction sets aside the same examples whatever its partition settings.
   *
   * @param fraction share set aside, in [0, 1)
   * @param use whether this run splits the held-out share into clients instead of the rest
   */
  public record Holdout(double fraction, boolean use) implements Serializable {
    public static final Holdout NONE = new Holdout(0.0, false);

    public boolean active() {
      return fraction > 0 || use;
    }
  }

  /** Data sources fedspark reads. */
  public enum Source {
    SYNTHETIC, FASHION_MNIST, LIBSVM, CSV, PARQUET, CLUSTERED, ROTATED_FASHION_MNIST, LEAF
  }

  /** What to do with input that cannot be used as is. */
  public enum Policy {
    /** Stop with an error that names the problem (the default). */
    ERROR,
    /** Drop it and log a warning with the count. */
    DROP
  }

  /**
   * FedProx's Synthetic(α, β) (Li et al., MLSys 2020).
   *
   * @param alpha variance of the per-client model mean u_k ~ N(0, α)
   * @param beta variance of the per-client feature mean B_k ~ N(0, β)
   * @param iid the IID variant: one model for all, zero feature means
   * @param clients number of devices (30 in the paper)
   * @param features dimension (60)
   * @param classes classes (10)
   */
  public record SyntheticSpec(double alpha, double beta, boolean iid, int clients, int features, int classes)
      implements Serializable {}

  /**
   * A clustered federation ({@link ClusteredGenerator}): K groups of clients; client n belongs to group
   * {@code n mod K}; its labeling model is {@code W_n = W_shared + W_group(g) + noise}.
   *
   * @param clients number of clients N
   * @param groups number of groups K
   * @param features dimension d
   * @param classes classes C
   * @param samples samples per client (the median when {@code samplesSigma > 0})
   * @param samplesSigma σ of the log-normal client sizes {@code round(samples·exp(σ·N(0,1)))}; 0 = fixed
   * @param meanShift standard deviation s of each coordinate of a group's feature mean μ_g ~ N(0, s²·I);
   *     0 = every group draws x ~ N(0, I)
   * @param groupScale standard deviation of the entries of the group-level part W_group, b_group
   * @param clientNoise standard deviation of the per-client noise on W_n, b_n
   * @param sampleLabels draw y from softmax(W_nᵀx + b_n) instead of taking its argmax
   */
  public record ClusteredSpec(int clients, int groups, int features, int classes, int samples, double samplesSigma,
      double meanShift, double groupScale, double clientNoise, boolean sampleLabels) implements Serializable {}

  /**
   * How to split data without a natural client column.
   *
   * @param scheme the partitioner
   * @param clients number of clients
   * @param dirichletAlpha concentration of Dirichlet label skew (smaller = more skewed)
   * @param shardsPerClient classes (shards) per client for the shards scheme
   * @param quantitySigma σ of the log-normal client sizes for quantity skew
   */
  public record PartitionSpec(Scheme scheme, int clients, double dirichletAlpha, int shardsPerClient,
      double quantitySigma) implements Serializable {}

  /** Partitioning schemes. */
  public enum Scheme {
    IID, DIRICHLET, SHARDS, QUANTITY_SKEW
  }
}
