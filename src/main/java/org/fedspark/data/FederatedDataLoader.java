package org.fedspark.data;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;

/**
 * Loads the federation a {@link DataSpec} describes: one {@link ClientData} per client id
 * {@code 0 … N−1}, partitioned by {@code new ClientPartitioner(N, numPartitions)}, ascending by client
 * id inside each partition, persisted at {@code MEMORY_AND_DISK}, with per-client counts in its
 * {@link DatasetInfo}.
 *
 * <p>Reproducibility: every random choice is drawn from streams derived from (seed, purpose, client id)
 * ({@link Seeds}); file rows are ordered by (file, position in file) before anything random happens. So
 * the same spec gives bitwise the same clients whatever {@code numPartitions} is and however Spark
 * splits the input files.
 *
 * <p>All files are read through the Hadoop FileSystem API, so local paths, {@code file://},
 * {@code hdfs://} and {@code s3a://} all work.
 */
public final class FederatedDataLoader {
  private FederatedDataLoader() {}

  /**
   * @param numPartitions Spark partitions of the client RDD (capped at the number of clients)
   * @throws DataException when the data is missing, malformed or cannot be split as asked; the message
   *     says where and what to do
   */
  public static FederatedData load(SparkContext sc, DataSpec spec, int numPartitions) {
    if (numPartitions <= 0) {
      throw new IllegalArgumentException("numPartitions must be positive, got " + numPartitions);
    }
    if (spec.source() == null) {
      throw new DataException("no data source given: set data.source to one of synthetic, fashion-mnist,"
          + " libsvm, csv, parquet, clustered, rotated-fashion-mnist, leaf");
    }
    TrainTestSplit.checkFraction(spec.testFraction());
    return switch (spec.source()) {
      case SYNTHETIC -> SyntheticSource.load(sc, spec, numPartitions);
      case FASHION_MNIST -> FashionMnistSource.load(sc, spec, numPartitions);
      case LIBSVM, CSV, PARQUET -> TabularSource.load(sc, spec, numPartitions);
      case CLUSTERED -> ClusteredSource.load(sc, spec, numPartitions);
      case ROTATED_FASHION_MNIST -> RotatedFashionMnistSource.load(sc, spec, numPartitions);
      case LEAF -> LeafSource.load(sc, spec, numPartitions);
    };
  }

  /** Driver-side reading started by {@link #prefetch}, by the spec it was started for. */
  private static final Map<DataSpec, CompletableFuture<Object>> PREFETCHED = new ConcurrentHashMap<>();

  /**
   * Starts reading, on a background thread, what the spec's source reads on the driver before its
   * first Spark job, so that it overlaps Spark's start-up; {@link #load} with an equal spec then takes
   * the result instead of reading again. Only Fashion-MNIST (plain and rotated) reads enough on the
   * driver for this to matter: its two image files, inflated and split into clients, about 0.4 s. A
   * failed read is left for {@code load} to do again, and report, with Spark's own Hadoop settings.
   */
  public static void prefetch(DataSpec spec, Configuration conf) {
    if (spec.source() == DataSpec.Source.FASHION_MNIST || spec.source() == DataSpec.Source.ROTATED_FASHION_MNIST) {
      CompletableFuture<Object> f = new CompletableFuture<>();
      Thread t = new Thread(() -> {
        try {
          f.complete(FashionMnistSource.prepare(spec, conf));
        } catch (RuntimeException | Error e) {
          f.completeExceptionally(e);
        }
      }, "fedspark-prefetch");
      t.setDaemon(true);
      PREFETCHED.put(spec, f);
      t.start();
    }
  }

  /** The result of {@link #prefetch} for {@code spec}, once (null when none was started or it failed). */
  static <T> T prefetched(DataSpec spec, Class<T> type) {
    CompletableFuture<Object> f = PREFETCHED.remove(spec);
    if (f == null) {
      return null;
    }
    try {
      return type.cast(f.join());
    } catch (java.util.concurrent.CompletionException e) {
      return null;
    }
  }

  /**
   * The checks that need no Spark: the source's path is set and, for files, matches something; the
   * shape of the data, where the configuration fixes it ({@code null} entries when the data decides).
   * Run before Spark starts, so that a missing file costs milliseconds, not a Spark start-up.
   *
   * @return {numFeatures, numClasses}, each null when only the data can tell
   */
  public static Integer[] checkInputs(DataSpec spec, Configuration conf) {
    TrainTestSplit.checkFraction(spec.testFraction());
    boolean files = spec.source() == DataSpec.Source.LIBSVM || spec.source() == DataSpec.Source.CSV
        || spec.source() == DataSpec.Source.PARQUET;
    if ((files || spec.source() == DataSpec.Source.LEAF) && (spec.path() == null || spec.path().isBlank())) {
      throw new DataException("data.path is not set: data.source = " + spec.source().name().toLowerCase(java.util.Locale.ROOT)
          .replace('_', '-') + " reads its examples from the file(s) or directory data.path names; set it");
    }
    if (files) {
      InputFiles.list(conf, spec.path());
    }
    Integer features = spec.numFeatures() > 0 ? spec.numFeatures() : null;
    Integer classes = spec.numClasses() > 0 ? spec.numClasses() : null;
    switch (spec.source()) {
      case SYNTHETIC -> {
        features = spec.synthetic().features();
        classes = spec.synthetic().classes();
      }
      case CLUSTERED -> {
        features = spec.clustered().features();
        classes = spec.clustered().classes();
      }
      case FASHION_MNIST, ROTATED_FASHION_MNIST -> {
        features = 28 * 28;
        classes = FashionMnistSource.NUM_CLASSES;
      }
      default -> { }
    }
    return new Integer[] {features, classes};
  }
}
