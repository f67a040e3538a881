package org.fedspark.data;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.SparkContext;
import org.fedspark.data.partition.LabelPartitioner;

/**
 * Loads {@link DataSpec.Source#FASHION_MNIST}: the four IDX files are read on the driver as bytes
 * (70,000 × 784 = 55 MB), train and t10k pooled (the split into clients and each client's train/test
 * split replace the official one, as in most FL benchmarks), split into clients by
 * {@link DataSpec#partition()} on the labels, and handed to the executors once as that compact byte
 * table ({@link TableHandle}: a broadcast on a cluster, the driver's own table on a local master).
 * Each partition then builds its own clients as coded datasets
 * ({@link LocalDataset#coded}): their pixel bytes and the {@code pixel / 255} table, 55 MB in all
 * instead of 440 MB of doubles.
 */
final class FashionMnistSource {
  /** Where Debian's {@code dataset-fashion-mnist} package installs the files. */
  static final String DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";
  static final int NUM_CLASSES = 10;

  private FashionMnistSource() {}

  /**
   * The pooled dataset as the executors receive it, grouped by client: client {@code c}'s images are
   * rows {@code [start[c], start[c+1])}, in the order of the files; images no client uses are left out.
   */
  static final class Table implements Serializable {
    private static final long serialVersionUID = 2L;
    final byte[] pixels;
    final byte[] labels;
    final int[] start;
    final int width;

    Table(byte[] pixels, byte[] labels, int[] start, int width) {
      this.pixels = pixels;
      this.labels = labels;
      this.start = start;
      this.width = width;
    }
  }

  /**
   * How the building tasks get the table. On a cluster, a broadcast. On a local master the tasks run
   * in this JVM, so they take the driver's own table, by a key into {@link #LOCAL}: a broadcast
   * would also have serialized its 55 MB into blocks that no executor reads, and those blocks, copied
   * from the young to the old generation while loading, cost a collector pause. Measured on
   * {@code fmnist-fedavg.conf} (three runs each, interleaved): loading 0.85-0.88 s instead of
   * 1.12-1.23 s, collector pauses 0.39-0.43 s instead of 0.69 s, peak RSS 434 instead of 486 MiB.
   *
   * <p>The handle lives in the clients' RDD (its building function holds it), and on the driver it
   * holds the table itself ({@code driverCopy}, not serialized). So the table stays as long as the
   * clients can be rebuilt from it, and {@link #LOCAL}'s weak reference lets it go with them.
   */
  static final class TableHandle implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Broadcast<Table> broadcast;
    private final String localKey;
    private final transient Table driverCopy;

    private TableHandle(Broadcast<Table> broadcast, String localKey, Table driverCopy) {
      this.broadcast = broadcast;
      this.localKey = localKey;
      this.driverCopy = driverCopy;
    }

    static TableHandle of(SparkContext sc, Table table) {
      if (!sc.isLocal()) {
        return new TableHandle(JavaSparkContext.fromSparkContext(sc).broadcast(table), null, null);
      }
      LOCAL.values().removeIf(r -> r.get() == null);
      String key = java.util.UUID.randomUUID().toString();
      LOCAL.put(key, new java.lang.ref.WeakReference<>(table));
      return new TableHandle(null, key, table);
    }

    Table value() {
      if (broadcast != null) {
        return broadcast.value();
      }
      if (driverCopy != null) {
        return driverCopy;
      }
      java.lang.ref.WeakReference<Table> ref = LOCAL.get(localKey);
      Table t = ref == null ? null : ref.get();
      if (t == null) {
        throw new IllegalStateException("the Fashion-MNIST table these clients are built from is no longer in this"
            + " JVM: on a local master, clients are rebuilt only while the data set that loaded them is in use");
      }
      return t;
    }

    /** Whether the table goes by broadcast (for tests). */
    boolean broadcasted() {
      return broadcast != null;
    }
  }

  /** The tables of local masters' loads, by key; weak, so that each goes with its clients' RDD. */
  static final java.util.concurrent.ConcurrentHashMap<String, java.lang.ref.WeakReference<Table>> LOCAL =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** A change made to each client's examples before its train/test split (e.g. a rotation). */
  @FunctionalInterface
  interface ClientTransform extends Serializable {
    LocalDataset apply(int clientId, LocalDataset all);
  }

  static FederatedData load(SparkContext sc, DataSpec spec, int numPartitions) {
    return load(sc, spec, numPartitions, null, "fashion-mnist");
  }

  /**
   * @param transform applied to each client's examples inside its partition, or null for none
   * @param name prefix of the dataset's name
   */
  static FederatedData load(SparkContext sc, DataSpec spec, int numPartitions, ClientTransform transform,
      String name) {
    Prepared p = FederatedDataLoader.prefetched(spec, Prepared.class);
    if (p == null) {
      p = prepare(spec, sc.hadoopConfiguration());
    }
    return distribute(sc, spec, p, numPartitions, transform, name);
  }

  /**
   * What the driver reads and decides before any Spark job: which client each image goes to, and the
   * pooled bytes and labels grouped by client ({@link Table}). It needs no Spark, so a run can do it
   * while Spark starts ({@link FederatedDataLoader#prefetch}).
   */
  record Prepared(byte[] pixels, byte[] labelBytes, int[] start, ClientPlan plan, int width, String partitioning) {}

  static Prepared prepare(DataSpec spec, org.apache.hadoop.conf.Configuration hadoop) {
    LabelPartitioner partitioner = Partitioning.partitioner(spec);
    String dir = spec.path() == null || spec.path().isBlank() ? DEFAULT_DIR : spec.path();
    Path root = new Path(dir);
    FileSystem fs;
    try {
      fs = root.getFileSystem(hadoop);
      if (!fs.exists(root) || !fs.getFileStatus(root).isDirectory()) {
        throw new DataException("Fashion-MNIST directory " + dir + " does not exist: install the data with"
            + " `apt-get install dataset-fashion-mnist` (it goes to " + DEFAULT_DIR + ") or set data.path to a"
            + " directory holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,"
            + " t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz");
      }
    } catch (IOException e) {
      throw new DataException("cannot access Fashion-MNIST directory " + dir + ": " + e, e);
    }
    byte[] trainLabels = IdxReader.readLabels(fs, find(fs, root, "train-labels-idx1-ubyte"));
    byte[] testLabels = IdxReader.readLabels(fs, find(fs, root, "t10k-labels-idx1-ubyte"));
    byte[] pixels;
    byte[] pooledLabels;
    int[] start;
    ClientPlan plan;
    String partitioning;
    int width;
    try (IdxReader.ImageFile train = IdxReader.ImageFile.open(fs, find(fs, root, "train-images-idx3-ubyte"));
        IdxReader.ImageFile test = IdxReader.ImageFile.open(fs, find(fs, root, "t10k-images-idx3-ubyte"))) {
      checkPair(root, "train", train.count(), trainLabels);
      checkPair(root, "t10k", test.count(), testLabels);
      if (train.rows() != test.rows() || train.cols() != test.cols()) {
        throw new DataException(dir + ": train images are " + train.rows() + "x" + train.cols()
            + " but t10k images are " + test.rows() + "x" + test.cols() + "; the files do not belong together");
      }
      width = train.rows() * train.cols();
      if (spec.numFeatures() > 0 && spec.numFeatures() != width) {
        throw new DataException("data.num-features is " + spec.numFeatures() + " but Fashion-MNIST images have "
            + width + " pixels: set it to 0 or " + width);
      }
      if (spec.numClasses() > 0 && spec.numClasses() != NUM_CLASSES) {
        throw new DataException("data.num-classes is " + spec.numClasses() + " but Fashion-MNIST has 10 classes:"
            + " set it to 0 or 10");
      }
      if ((long) train.bytes() + test.bytes() > Integer.MAX_VALUE - 8) {
        throw new DataException(dir + ": the train and t10k images together exceed 2 GB; Fashion-MNIST is 55 MB");
      }
      // The partition needs the labels only, so each image's place is known before any pixel is read.
      byte[] labelBytes = concat(trainLabels, testLabels);
      int[] labels = new int[labelBytes.length];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = labelBytes[i];
      }
      int[] raw = Partitioning.assign(partitioner, spec, labels, NUM_CLASSES);
      partitioning = Partitioning.describe(partitioner, spec);
      plan = ClientPlan.of(raw, spec.partition().clients(), spec.testFraction(), spec.emptyClients(), partitioning);
      start = new int[plan.numClients() + 1];
      int[] position = groupByClient(plan.clientOf(), start);
      pooledLabels = new byte[start[plan.numClients()]];
      for (int i = 0; i < position.length; i++) {
        if (position[i] >= 0) {
          pooledLabels[position[i]] = labelBytes[i];
        }
      }
      // Both files go straight to their rows of one pooled array, inflated at the same time: inflating
      // (26 MB and 4.4 MB of gzip) is most of the driver's reading time, one core's work per file.
      pixels = new byte[start[plan.numClients()] * width];
      byte[] pool = pixels;
      int testFirst = train.count();
      java.util.concurrent.CompletableFuture<Void> testRead =
          java.util.concurrent.CompletableFuture.runAsync(() -> test.readRowsInto(pool, position, testFirst));
      train.readRowsInto(pixels, position, 0);
      try {
        testRead.join();
      } catch (java.util.concurrent.CompletionException e) {
        throw e.getCause() instanceof RuntimeException re ? re : e;
      }
    }
    return new Prepared(pixels, pooledLabels, start, plan, width, partitioning);
  }

  /**
   * The row of each image in the table grouped by client (−1 for an image no client uses), filling
   * {@code start} with each client's first row and, last, the number of rows. Within a client the
   * images keep the files' order, so a client's rows are the same, in the same order, as if it
   * had picked them from the files.
   *
   * <p>Why grouped: a client's examples then lie together in memory (a 440 KB block per client), so
   * its views ({@link LocalDataset#codedRows}) read them with the locality of a copy, and no client
   * has to copy them.
   */
  static int[] groupByClient(int[] clientOf, int[] start) {
    int clients = start.length - 1;
    for (int c : clientOf) {
      if (c >= 0) {
        start[c + 1]++;
      }
    }
    for (int c = 0; c < clients; c++) {
      start[c + 1] += start[c];
    }
    int[] fill = java.util.Arrays.copyOf(start, clients);
    int[] position = new int[clientOf.length];
    for (int i = 0; i < clientOf.length; i++) {
      position[i] = clientOf[i] >= 0 ? fill[clientOf[i]]++ : -1;
    }
    return position;
  }

  /** Hands the prepared table to the executors once ({@link TableHandle}), and builds each partition's clients there. */
  private static FederatedData distribute(SparkContext sc, DataSpec spec, Prepared p, int numPartitions,
      ClientTransform transform, String name) {
    ClientPlan plan = p.plan();
    int width = p.width();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    TableHandle table = TableHandle.of(sc, new Table(p.pixels(), p.labelBytes(), p.start(), width));
    ClientPartitioner layout = new ClientPartitioner(plan.numClients(), numPartitions);
    long seed = spec.seed();
    double testFraction = spec.testFraction();
    JavaRDD<ClientData> clients = ClientLayout.clientIds(jsc, layout).mapPartitions(it -> {
      List<Integer> ids = ClientLayout.sortedIds(it);
      List<ClientData> out = new ArrayList<>(ids.size());
      if (ids.isEmpty()) {
        return out.iterator();
      }
      Table t = table.value();
      for (int c : ids) {
        int first = t.start[c];
        int n = t.start[c + 1] - first;
        if (transform == null) {
          // The two halves straight from the table: row k of the client is row first + k.
          int[][] idx = TrainTestSplit.indices(c, n, testFraction, seed);
          out.add(new ClientData(c, toDataset(t, shift(idx[0], first)), toDataset(t, shift(idx[1], first))));
        } else {
          int[] mine = new int[n];
          for (int k = 0; k < n; k++) {
            mine[k] = first + k;
          }
          out.add(TrainTestSplit.split(c, transform.apply(c, toDataset(t, mine)), testFraction, seed));
        }
      }
      return out.iterator();
    }, true);
    return Federations.finish(clients, layout, name + " / " + p.partitioning(), width, NUM_CLASSES);
  }

  private static Path find(FileSystem fs, Path root, String name) {
    try {
      Path gz = new Path(root, name + ".gz");
      if (fs.exists(gz)) {
        return gz;
      }
      Path plain = new Path(root, name);
      if (fs.exists(plain)) {
        return plain;
      }
    } catch (IOException e) {
      throw new DataException("cannot access " + new Path(root, name) + ": " + e, e);
    }
    throw new DataException(root + " has no " + name + ".gz (nor " + name + "): reinstall the data with"
        + " `apt-get install --reinstall dataset-fashion-mnist` or set data.path to a complete Fashion-MNIST directory");
  }

  private static void checkPair(Path root, String prefix, int images, byte[] labels) {
    if (images != labels.length) {
      throw new DataException(root + ": " + prefix + "-images has " + images + " images but " + prefix
          + "-labels has " + labels.length + " labels; the files do not belong together");
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= NUM_CLASSES) {
        throw new DataException(root + ": " + prefix + "-labels-idx1-ubyte: label " + (labels[i] & 0xff)
            + " of image " + i + " is not a Fashion-MNIST class (0-9); the file is corrupt: reinstall it");
      }
    }
  }

  /** {@code k / 255.0} for every byte value k: the value of pixel code k (the same as dividing). */
  private static final double[] SCALED = new double[256];

  static {
    for (int k = 0; k < 256; k++) {
      SCALED[k] = k / 255.0;
    }
  }

  /**
   * The given images as a view of the pooled table ({@link LocalDataset#codedRows}): no pixel is
   * copied, every client reads the one table (the driver's on a local master, the executor's copy of
   * the broadcast on a cluster), through the {@code k / 255} levels, so a model sees exactly the
   * doubles {@code pixel / 255}.
   */
  private static LocalDataset toDataset(Table t, int[] rows) {
    int[] y = new int[rows.length];
    for (int r = 0; r < rows.length; r++) {
      y[r] = t.labels[rows[r]];
    }
    return LocalDataset.codedRows(t.pixels, rows, SCALED, y, t.width);
  }

  private static int[] shift(int[] positions, int first) {
    int[] out = new int[positions.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = first + positions[i];
    }
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
