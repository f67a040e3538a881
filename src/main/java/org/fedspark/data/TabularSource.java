package org.fedspark.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.fedspark.data.partition.LabelPartitioner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the row-per-example sources (libsvm, CSV, Parquet) in three passes over one persisted read:
 * <ol>
 *   <li>label statistics, to decide the label mapping, class and feature counts ({@link LabelRule});</li>
 *   <li>each row's class and client collected to the driver (ints, never features), where rows get
 *       their global index in file order, bad rows are handled per {@link DataSpec#badRows()}, and the
 *       clients are formed — by the client column, or by the partitioner on the labels;</li>
 *   <li>the rows routed to their clients ({@link ExampleRouter}).</li>
 * </ol>
 * When Spark fails to parse the input, a scan of the files finds the first bad line so the error can
 * name its file and line.
 */
final class TabularSource {
  private static final Logger LOG = LoggerFactory.getLogger(TabularSource.class);

  /** |x| above which a feature is reported as unscaled. */
  static final double LARGE_FEATURE = 1e6;

  private TabularSource() {}

  static FederatedData load(SparkContext sc, DataSpec spec, int numPartitions) {
    TabularFormat format = switch (spec.source()) {
      case LIBSVM -> new LibsvmFormat();
      case CSV -> new CsvFormat();
      case PARQUET -> new ParquetFormat();
      default -> throw new IllegalArgumentException("not a tabular source: " + spec.source());
    };
    if (spec.path() == null || spec.path().isBlank()) {
      throw new DataException("data.path is not set: point it at the " + format.name() + " file or directory");
    }
    Configuration conf = sc.hadoopConfiguration();
    List<String> files = InputFiles.list(conf, spec.path());
    String clientColumn = spec.clientColumn() == null || spec.clientColumn().isBlank() ? null
        : spec.clientColumn().trim();
    LabelPartitioner partitioner = clientColumn == null ? Partitioning.partitioner(spec) : null;
    if (spec.ownSplit() != null && format instanceof LibsvmFormat) {
      throw new DataException("data.split-column needs named columns (csv or parquet); LIBSVM rows have none");
    }
    if (spec.badRows() == null || spec.emptyClients() == null) {
      throw new DataException("data.bad-rows and data.empty-clients must be error or drop");
    }

    JavaRDD<RowChunk> chunks = null;
    LabelStats stats;
    List<RowChunk.Key> keys = new ArrayList<>();
    Map<RowChunk.Key, Integer> sizes = new HashMap<>();
    String[] featureNames;
    try {
      // The one source that needs Spark SQL (its CSV, LIBSVM and Parquet readers): the session is made
      // here, on the run's context, and not for the other sources.
      Dataset<Row> frame = format.read(SparkSession.builder().sparkContext(sc).getOrCreate(), spec);
      featureNames = format.featureNames();
      chunks = ChunkReader.chunks(frame, spec.ownSplit() != null).persist(StorageLevel.MEMORY_AND_DISK());
      List<ChunkStats> perChunk = chunks.map(ChunkStats::of).collect();
      stats = new LabelStats();
      for (ChunkStats s : perChunk) {
        stats = stats.merge(s.stats);
        keys.add(s.key);
        sizes.put(s.key, s.rows);
      }
    } catch (Exception e) {
      if (chunks != null) {
        chunks.unpersist(false);
      }
      throw e instanceof DataException de ? de : diagnose(format, conf, files, spec, e);
    }
    try {
      return assemble(sc, spec, numPartitions, format, chunks, stats, keys, sizes, featureNames, clientColumn,
          partitioner);
    } finally {
      chunks.unpersist(false);
    }
  }

  private static FederatedData assemble(SparkContext sc, DataSpec spec, int numPartitions, TabularFormat format,
      JavaRDD<RowChunk> chunks, LabelStats stats, List<RowChunk.Key> keys, Map<RowChunk.Key, Integer> sizes,
      String[] featureNames, String clientColumn, LabelPartitioner partitioner) {
    String labelName = spec.source() == DataSpec.Source.LIBSVM ? "first field"
        : spec.labelColumn() == null || spec.labelColumn().isBlank() ? "label" : spec.labelColumn().trim();
    LabelRule rule = LabelRule.decide(stats, spec, labelName, featureNames);
    if (stats.maxAbsFeature > LARGE_FEATURE) {
      // SGD's steps grow with |x|²: such features make any usual step size diverge.
      LOG.warn("Features of {} reach |x| = {}; unscaled features this large make SGD diverge at any usual train.lr:"
          + " standardize them (e.g. to mean 0, variance 1) before training", spec.path(), stats.maxAbsFeature);
    }
    if (rule.plusMinusOne) {
      LOG.info("Labels of {} are -1/+1: mapped -1 -> class 0, +1 -> class 1", spec.path());
    }

    // Global row index = position in file order: chunks sorted by (file, split start, chunk number).
    keys.sort(Comparator.naturalOrder());
    Map<RowChunk.Key, Long> offsets = new HashMap<>();
    Map<String, Long> fileStart = new HashMap<>();
    long total = 0;
    for (RowChunk.Key k : keys) {
      fileStart.putIfAbsent(k.file, total);
      offsets.put(k, total);
      total += sizes.get(k);
    }
    if (total > Integer.MAX_VALUE - 8) {
      throw new DataException(spec.path() + " has " + total + " rows; fedspark assigns clients on the driver and"
          + " supports at most " + (Integer.MAX_VALUE - 8));
    }
    int n = (int) total;

    DataSpec.OwnSplit ownSplit = spec.ownSplit();
    List<ChunkLabels> collected = chunks.map(c -> ChunkLabels.of(c, rule, clientColumn, ownSplit)).collect();
    collected = new ArrayList<>(collected);
    collected.sort(Comparator.comparing(c -> c.key));
    int[] classes = new int[n];
    byte[] testRows = ownSplit == null ? null : new byte[n];
    long bad = 0;
    ChunkLabels firstBadChunk = null;
    for (ChunkLabels c : collected) {
      System.arraycopy(c.classes, 0, classes, (int) (long) offsets.get(c.key), c.classes.length);
      if (testRows != null) {
        System.arraycopy(c.testRows, 0, testRows, (int) (long) offsets.get(c.key), c.testRows.length);
      }
      bad += c.bad;
      if (firstBadChunk == null && c.bad > 0) {
        firstBadChunk = c;
      }
    }
    if (bad > 0) {
      RowChunk.Key k = firstBadChunk.key;
      long rowInFile = offsets.get(k) - fileStart.get(k.file) + firstBadChunk.firstBad;
      if (spec.badRows() == DataSpec.Policy.ERROR) {
        long line = format.lineOfRow(sc.hadoopConfiguration(), k.file, rowInFile, spec);
        String where = line > 0 ? k.file + ", line " + line : k.file + ", row " + (rowInFile + 1);
        throw new DataException(where + ": " + firstBadChunk.firstBadReason + " (" + bad + " such row"
            + (bad == 1 ? "" : "s") + " in all). Fix the data, or set data.bad-rows=drop to skip such rows.");
      }
      long line = format.lineOfRow(sc.hadoopConfiguration(), k.file, rowInFile, spec);
      LOG.warn("Dropped {} of {} rows of {} with an unusable label, features or client (first: {}: {})",
          bad, n, spec.path(), line > 0 ? k.file + ", line " + line : k.file + ", row " + (rowInFile + 1),
          firstBadChunk.firstBadReason);
    }

    RawClients raw = clientColumn != null ? byColumn(collected, offsets, n, clientColumn, spec)
        : byPartitioner(classes, partitioner, spec, rule.numClasses);
    if (raw.numClients == 0) {
      throw new DataException("no usable row in " + spec.path());
    }
    String howSplit = raw.howSplit + (ownSplit == null ? "" : ", own split by column " + ownSplit.column());
    ClientPlan plan = ClientPlan.of(raw.clientOf, raw.numClients, spec.testFraction(), testRows, spec.emptyClients(),
        howSplit);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    ClientPartitioner layout = new ClientPartitioner(plan.numClients(), numPartitions);
    JavaRDD<ClientData> clients = ExampleRouter.route(chunks, jsc.broadcast(offsets), jsc.broadcast(plan.clientOf()),
        rule, layout, spec.testFraction(), spec.seed(), ownSplit);
    String[] names = null;
    if (raw.names != null) {
      names = new String[plan.numClients()];
      for (int c = 0; c < names.length; c++) {
        names[c] = raw.names[plan.rawIdOf()[c]];
      }
    }
    FederatedData fd = Federations.finish(clients, layout, format.name() + " " + spec.path() + " / " + howSplit,
        rule.numFeatures, rule.numClasses, names);
    if (ownSplit != null) {
      Federations.warnWithoutTest(fd.info(), spec.path() + " (split column " + ownSplit.column() + ")");
    }
    return fd;
  }

  /** Client of each row before the empty-client policy (−1 for unusable rows), and how they were formed. */
  private record RawClients(int[] clientOf, int numClients, String howSplit, String[] names) {}

  /** Natural partition: the distinct client ids, sorted as strings, are clients 0 … N−1. */
  private static RawClients byColumn(List<ChunkLabels> collected, Map<RowChunk.Key, Long> offsets, int n,
      String clientColumn, DataSpec spec) {
    TreeSet<String> names = new TreeSet<>();
    for (ChunkLabels c : collected) {
      names.addAll(Arrays.asList(c.clientNames));
    }
    String[] sorted = names.toArray(new String[0]);
    int[] clientOf = new int[n];
    Arrays.fill(clientOf, -1);
    for (ChunkLabels c : collected) {
      int[] global = new int[c.clientNames.length];
      for (int j = 0; j < global.length; j++) {
        global[j] = Arrays.binarySearch(sorted, c.clientNames[j]);
      }
      int offset = (int) (long) offsets.get(c.key);
      for (int i = 0; i < c.clientCodes.length; i++) {
        if (c.clientCodes[i] >= 0) {
          clientOf[offset + i] = global[c.clientCodes[i]];
        }
      }
    }
    if (sorted.length > 0) {
      LOG.info("{}: {} clients from column {} (ids sorted as strings: '{}' is client 0)", spec.path(), sorted.length,
          clientColumn, sorted[0]);
    }
    return new RawClients(clientOf, sorted.length, "by column " + clientColumn, sorted);
  }

  /** No client column: the partitioner splits the usable rows by their labels alone. */
  private static RawClients byPartitioner(int[] classes, LabelPartitioner partitioner, DataSpec spec,
      int numClasses) {
    int n = classes.length;
    int usable = 0;
    for (int y : classes) {
      usable += y >= 0 ? 1 : 0;
    }
    int[] labels = new int[usable];
    int[] rowOf = new int[usable];
    for (int i = 0, j = 0; i < n; i++) {
      if (classes[i] >= 0) {
        labels[j] = classes[i];
        rowOf[j++] = i;
      }
    }
    int[] assigned = Partitioning.assign(partitioner, spec, labels, numClasses);
    int[] clientOf = new int[n];
    Arrays.fill(clientOf, -1);
    for (int j = 0; j < usable; j++) {
      clientOf[rowOf[j]] = assigned[j];
    }
    return new RawClients(clientOf, usable == 0 ? 0 : spec.partition().clients(), Partitioning.describe(partitioner, spec), null);
  }

  /** Turns a Spark read failure into a DataException naming the first bad line when one can be found. */
  private static DataException diagnose(TabularFormat format, Configuration conf, List<String> files, DataSpec spec,
      Exception sparkError) {
    Optional<TabularFormat.LineProblem> problem;
    try {
      problem = format.findMalformed(conf, files, spec);
    } catch (DataException scanError) {
      sparkError.addSuppressed(scanError);
      problem = Optional.empty();
    }
    if (problem.isPresent()) {
      return new DataException(problem.get() + ". Fix or remove that line (" + format.name() + " input " + spec.path()
          + ").", sparkError);
    }
    return new DataException("Spark could not read " + format.name() + " input " + spec.path() + ": "
        + rootMessage(sparkError), sparkError);
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String first = String.valueOf(root.getMessage()).lines().findFirst().orElse("");
    return root.getClass().getSimpleName() + ": " + first;
  }

  /** Pass 1 result of one chunk. */
  static final class ChunkStats implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final RowChunk.Key key;
    final int rows;
    final LabelStats stats;

    private ChunkStats(RowChunk.Key key, int rows, LabelStats stats) {
      this.key = key;
      this.rows = rows;
      this.stats = stats;
    }

    static ChunkStats of(RowChunk chunk) {
      LabelStats s = new LabelStats();
      for (int i = 0; i < chunk.size(); i++) {
        s.add(chunk.labels[i], chunk.features[i]);
      }
      return new ChunkStats(chunk.key, chunk.size(), s);
    }
  }
}
