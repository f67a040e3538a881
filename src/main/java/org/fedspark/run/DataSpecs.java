package org.fedspark.run;

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
    return new DataSpec(source, path, cfg.getString(Keys.LABEL_COLUMN), cfg.getString(Keys.FEATURES_COLUMN),
        cfg.getString(Keys.CLIENT_COLUMN), cfg.getInt(Keys.NUM_FEATURES), cfg.getInt(Keys.NUM_CLASSES),
        cfg.getDouble(Keys.TEST_FRACTION), cfg.getEnum(Keys.BAD_ROWS, DataSpec.Policy.class),
        cfg.getEnum(Keys.EMPTY_CLIENTS, DataSpec.Policy.class), cfg.getBoolean(Keys.CSV_HEADER), syn, part,
        cfg.getLong(Keys.SEED), clustered(cfg), cfg.getInt(Keys.ROT_GROUPS));
  }

  private static DataSpec.ClusteredSpec clustered(FedConfig cfg) {
    return new DataSpec.ClusteredSpec(cfg.getInt(Keys.CL_CLIENTS), cfg.getInt(Keys.CL_GROUPS),
        cfg.getInt(Keys.CL_FEATURES), cfg.getInt(Keys.CL_CLASSES), cfg.getInt(Keys.CL_SAMPLES),
        cfg.getDouble(Keys.CL_SAMPLES_SIGMA), cfg.getDouble(Keys.CL_MEAN_SHIFT), cfg.getDouble(Keys.CL_GROUP_SCALE),
        cfg.getDouble(Keys.CL_CLIENT_NOISE), cfg.getBoolean(Keys.CL_SAMPLE_LABELS));
  }
}
