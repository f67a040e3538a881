package org.fedspark.run;

import org.fedspark.config.ConfigException;
import org.fedspark.config.ConfigKey;
import org.fedspark.config.FedConfig;
import org.fedspark.config.Keys;
import org.fedspark.data.DataSpec;

/** Maps the {@code data.*} and {@code partition.*} keys to a {@link DataSpec}. */
public final class DataSpecs {
  /** Where Debian's dataset-fashion-mnist package puts the IDX files. */
  public static final String FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

  private DataSpecs() {}

  public static DataSpec from(FedConfig cfg) {
    DataSpec.Source source = cfg.getEnum(Keys.SOURCE, DataSpec.Source.class);
    String path = cfg.getString(Keys.PATH);
    if (path.isEmpty() && (source == DataSpec.Source.FASHION_MNIST || source == DataSpec.Source.ROTATED_FASHION_MNIST)) {
      path = FASHION_MNIST_DIR;
    }
    DataSpec.SyntheticSpec syn = new DataSpec.SyntheticSpec(cfg.getDouble(Keys.SYN_ALPHA), cfg.getDouble(Keys.SYN_BETA),
        cfg.getBoolean(Keys.SYN_IID), cfg.getInt(Keys.SYN_CLIENTS), cfg.getInt(Keys.SYN_FEATURES),
        cfg.getInt(Keys.SYN_CLASSES));
    DataSpec.PartitionSpec part = new DataSpec.PartitionSpec(cfg.getEnum(Keys.SCHEME, DataSpec.Scheme.class),
        cfg.getInt(Keys.CLIENTS), cfg.getDouble(Keys.DIRICHLET_ALPHA), cfg.getInt(Keys.SHARDS),
        cfg.getDouble(Keys.QUANTITY_SIGMA));
    DataSpec.OwnSplit ownSplit = ownSplit(cfg, source);
    String leafTest = cfg.getString(Keys.LEAF_TEST).trim();
    if (!leafTest.isEmpty() && source != DataSpec.Source.LEAF) {
      throw new ConfigException("key '" + Keys.LEAF_TEST.path() + "' applies to data.source = leaf only, not "
          + cfg.getString(Keys.SOURCE) + "; remove it");
    }
    if (ownSplit != null || !leafTest.isEmpty()) {
      refuseTestFraction(cfg, ownSplit != null ? Keys.SPLIT_COLUMN : Keys.LEAF_TEST);
    }
    return new DataSpec(source, path, cfg.getString(Keys.LABEL_COLUMN), cfg.getString(Keys.FEATURES_COLUMN),
        cfg.getString(Keys.CLIENT_COLUMN), cfg.getInt(Keys.NUM_FEATURES), cfg.getInt(Keys.NUM_CLASSES),
        cfg.getDouble(Keys.TEST_FRACTION), cfg.getEnum(Keys.BAD_ROWS, DataSpec.Policy.class),
        cfg.getEnum(Keys.EMPTY_CLIENTS, DataSpec.Policy.class), cfg.getBoolean(Keys.CSV_HEADER), syn, part,
        cfg.getLong(Keys.SEED), clustered(cfg), cfg.getInt(Keys.ROT_GROUPS), ownSplit, leafTest, holdout(cfg, source));
  }

  /**
   * The held-out share: only pooled data that fedspark splits into clients can have one (a source with
   * its own clients — synthetic, clustered, leaf, a client column — has no pool to take it from).
   */
  private static DataSpec.Holdout holdout(FedConfig cfg, DataSpec.Source source) {
    double fraction = cfg.getDouble(Keys.HOLDOUT_FRACTION);
    boolean use = cfg.getBoolean(Keys.USE_HOLDOUT);
    if (fraction == 0 && !use) {
      return DataSpec.Holdout.NONE;
    }
    if (fraction == 0) {
      throw new ConfigException("key '" + Keys.USE_HOLDOUT.path() + "' = true needs a held-out share: set '"
          + Keys.HOLDOUT_FRACTION.path() + "' (e.g. 0.2)");
    }
    boolean pooled = source == DataSpec.Source.FASHION_MNIST || source == DataSpec.Source.ROTATED_FASHION_MNIST
        || ((source == DataSpec.Source.CSV || source == DataSpec.Source.PARQUET || source == DataSpec.Source.LIBSVM)
            && cfg.getString(Keys.CLIENT_COLUMN).isBlank());
    if (!pooled) {
      throw new ConfigException("key '" + Keys.HOLDOUT_FRACTION.path() + "' applies to pooled data that fedspark splits"
          + " into clients (fashion-mnist, rotated-fashion-mnist, csv/libsvm/parquet without data.client-column), not to "
          + cfg.getString(Keys.SOURCE) + (cfg.getString(Keys.CLIENT_COLUMN).isBlank() ? "" : " with a client column")
          + "; remove it");
    }
    return new DataSpec.Holdout(fraction, use);
  }

  /** The dataset's own split, or null when {@code data.split-column} is empty. */
  private static DataSpec.OwnSplit ownSplit(FedConfig cfg, DataSpec.Source source) {
    String column = cfg.getString(Keys.SPLIT_COLUMN).trim();
    if (column.isEmpty()) {
      return null;
    }
    if (source != DataSpec.Source.CSV && source != DataSpec.Source.PARQUET) {
      throw new ConfigException("key '" + Keys.SPLIT_COLUMN.path() + "' needs data.source = csv or parquet, not "
          + cfg.getString(Keys.SOURCE) + (source == DataSpec.Source.LEAF ? " (for LEAF, give the test files in "
          + Keys.LEAF_TEST.path() + ")" : ""));
    }
    String train = cfg.getString(Keys.SPLIT_TRAIN).trim();
    String test = cfg.getString(Keys.SPLIT_TEST).trim();
    if (train.isEmpty() || train.equals(test)) {
      throw new ConfigException("keys '" + Keys.SPLIT_TRAIN.path() + "' and '" + Keys.SPLIT_TEST.path()
          + "' must be two different non-empty values, got '" + train + "' and '" + test + "'");
    }
    return new DataSpec.OwnSplit(column, train, test);
  }

  /**
   * When the data says each row's split, a test fraction would have no effect: a value other than the
   * default can only be a misunderstanding, so it is refused rather than silently ignored. (The
   * default itself is accepted, because a run's written config.conf spells out every key.)
   */
  private static void refuseTestFraction(FedConfig cfg, ConfigKey splitKey) {
    double given = cfg.getDouble(Keys.TEST_FRACTION);
    if (given != ((Number) Keys.TEST_FRACTION.defaultValue()).doubleValue()) {
      throw new ConfigException("key '" + Keys.TEST_FRACTION.path() + "' = " + given + " has no effect with '"
          + splitKey.path() + "' = " + cfg.getString(splitKey) + ", which takes each row's split from the data;"
          + " remove one of the two");
    }
  }
  private static DataSpec.ClusteredSpec clustered(FedConfig cfg) {
    return new DataSpec.ClusteredSpec(cfg.getInt(Keys.CL_CLIENTS), cfg.getInt(Keys.CL_GROUPS),
        cfg.getInt(Keys.CL_FEATURES), cfg.getInt(Keys.CL_CLASSES), cfg.getInt(Keys.CL_SAMPLES),
        cfg.getDouble(Keys.CL_SAMPLES_SIGMA), cfg.getDouble(Keys.CL_MEAN_SHIFT), cfg.getDouble(Keys.CL_GROUP_SCALE),
        cfg.getDouble(Keys.CL_CLIENT_NOISE), cfg.getBoolean(Keys.CL_SAMPLE_LABELS));
  }
}
