package org.fedspark.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.SparkContext;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Loads a federation in the JSON format of LEAF (Caldas et al., "LEAF: A Benchmark for Federated
 * Settings", 2018): training files from {@code data.path} and, optionally, test files from
 * {@code data.leaf-test} (both comma-separated lists of files, directories or globs). Every user of
 * the training files becomes a client; clients are numbered in the sorted order of the user names.
 *
 * <p>Each file is parsed by one Spark task ({@link LeafFile}); the driver sees only per-user counts,
 * widths and label ranges, decides the ids and the policies, then the users' examples are sent to
 * their clients' partitions. With test files, each user's examples are used as given (LEAF's own
 * per-user split); without them, fedspark draws each user's split with {@code data.test-fraction}.
 */
final class LeafSource {
  private static final Logger LOG = LoggerFactory.getLogger(LeafSource.class);

  private LeafSource() {}

  static FederatedData load(SparkContext sc, DataSpec spec, int numPartitions) {
    if (spec.path() == null || spec.path().isBlank()) {
      throw new DataException("data.path is not set: point it at the LEAF training JSON file(s) or directory");
    }
    if (spec.badRows() == null || spec.emptyClients() == null) {
      throw new DataException("data.bad-rows and data.empty-clients must be error or drop");
    }
    Configuration conf = sc.hadoopConfiguration();
    List<LeafFile.Input> inputs = new ArrayList<>();
    for (String f : files(conf, spec.path(), "data.path")) {
      inputs.add(new LeafFile.Input(f, false));
    }
    boolean hasTest = spec.leafTest() != null && !spec.leafTest().isBlank();
    if (hasTest) {
      for (String f : files(conf, spec.leafTest(), "data.leaf-test")) {
        inputs.add(new LeafFile.Input(f, true));
      }
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    Map<String, String> hadoop = new HashMap<>();
    conf.forEach(e -> hadoop.put(e.getKey(), e.getValue()));
    int numClassesAsked = spec.numClasses();
    JavaRDD<LeafFile.User> users = jsc.parallelize(inputs, Math.max(1, inputs.size()))
        .flatMap(in -> LeafFile.parse(LeafFile.configuration(hadoop), in, numClassesAsked).iterator())
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      List<LeafFile.Summary> summaries;
      try {
        summaries = new ArrayList<>(users.map(LeafFile.User::summary).collect());
      } catch (Exception e) { // Spark rethrows a task's exception wrapped in its checked SparkException
        throw unwrap(e);
      }
      return assemble(jsc, spec, numPartitions, users, summaries, hasTest);
    } finally {
      users.unpersist(false);
    }
  }

  /** The files a comma-separated list of paths stands for, each listed through the Hadoop FileSystem. */
  private static List<String> files(Configuration conf, String paths, String key) {
    List<String> out = new ArrayList<>();
    for (String p : paths.split(",")) {
      if (p.isBlank()) {
        continue;
      }
      try {
        out.addAll(InputFiles.list(conf, p.trim()));
      } catch (DataException e) {
        throw new DataException(e.getMessage().replace("data.path", key), e);
      }
    }
    if (out.isEmpty()) {
      throw new DataException(key + " = '" + paths + "' names no file");
    }
    return out;
  }

  private static FederatedData assemble(JavaSparkContext jsc, DataSpec spec, int numPartitions,
      JavaRDD<LeafFile.User> users, List<LeafFile.Summary> summaries, boolean hasTest) {
    summaries.sort((a, b) -> a.file().equals(b.file()) ? Integer.compare(a.position(), b.position())
        : a.file().compareTo(b.file()));
    Map<String, LeafFile.Summary> train = new TreeMap<>();
    Map<String, LeafFile.Summary> test = new TreeMap<>();
    LeafFile.Summary widthRef = null;
    int maxLabel = -1;
    long bad = 0;
    LeafFile.Summary firstBad = null;
    for (LeafFile.Summary s : summaries) {
      Map<String, LeafFile.Summary> side = s.test() ? test : train;
      LeafFile.Summary before = side.put(s.user(), s);
      if (before != null) {
        throw new DataException("LEAF user '" + s.user() + "' appears in two " + (s.test() ? "test" : "training")
            + " files: " + before.file() + " and " + s.file() + ". Each user's examples must be in one file per split.");
      }
      if (s.samples() > 0) {
        if (widthRef == null) {
          widthRef = s;
        } else if (s.width() != widthRef.width()) {
          throw new DataException(s.file() + ": user '" + s.user() + "' has " + s.width() + " features per sample,"
              + " but user '" + widthRef.user() + "' in " + widthRef.file() + " has " + widthRef.width()
              + ": every x must flatten to the same length");
        }
      }
      maxLabel = Math.max(maxLabel, s.maxLabel());
      bad += s.bad();
      if (firstBad == null && s.bad() > 0) {
        firstBad = s;
      }
    }
    if (widthRef == null) {
      throw new DataException("the LEAF files of " + spec.path() + " hold no sample");
    }
    int width = widthRef.width();
    if (spec.numFeatures() > 0 && spec.numFeatures() != width) {
      throw new DataException("data.num-features is " + spec.numFeatures() + " but the LEAF samples of "
          + widthRef.file() + " have " + width + " features (after flattening x): set it to 0 or " + width);
    }
    if (bad > 0) {
      String where = firstBad.file() + ": user '" + firstBad.user() + "', sample " + firstBad.firstBadSample() + ": "
          + firstBad.firstBadReason();
      if (spec.badRows() == DataSpec.Policy.ERROR) {
        throw new DataException(where + " (" + bad + " such sample" + (bad == 1 ? "" : "s") + " in all). Fix the"
            + " data, set data.num-classes, or set data.bad-rows=drop to skip such samples.");
      }
      LOG.warn("Dropped {} LEAF samples with an unusable label (first: {})", bad, where);
    }
    int numClasses = spec.numClasses() > 0 ? spec.numClasses() : maxLabel + 1;
    if (numClasses < 1) {
      throw new DataException("no LEAF sample of " + spec.path() + " has a usable label (y must be integer class ids"
          + " 0, 1, …)");
    }

    // Users only in the test files cannot train: they are empty clients.
    List<String> testOnly = new ArrayList<>();
    for (String u : test.keySet()) {
      if (!train.containsKey(u)) {
        testOnly.add(u);
      }
    }
    List<String> empty = new ArrayList<>();
    for (LeafFile.Summary s : train.values()) {
      int usable = s.samples() - s.bad();
      int trainCount = hasTest ? usable : TrainTestSplit.trainCount(usable, spec.testFraction());
      if (trainCount == 0) {
        empty.add(s.user());
      }
    }
    if (!testOnly.isEmpty() || !empty.isEmpty()) {
      String msg = (testOnly.isEmpty() ? "" : testOnly.size() + " LEAF users are only in the test files (e.g. "
          + examples(testOnly) + ")" + (empty.isEmpty() ? "" : "; ")) + (empty.isEmpty() ? ""
          : empty.size() + " LEAF users have no training sample (e.g. " + examples(empty) + ")");
      if (spec.emptyClients() == DataSpec.Policy.ERROR) {
        throw new DataException(msg + ". Check that data.path and data.leaf-test hold the same users, or set"
            + " data.empty-clients=drop to drop them.");
      }
      LOG.warn("{}: dropped", msg);
    }
    TreeSet<String> kept = new TreeSet<>(train.keySet());
    kept.removeAll(empty);
    if (kept.isEmpty()) {
      throw new DataException("no LEAF user of " + spec.path() + " has a training sample");
    }
    String[] names = kept.toArray(new String[0]);
    LOG.info("{}: {} LEAF users become clients 0..{} in sorted order of their names ('{}' is client 0)", spec.path(),
        names.length, names.length - 1, names[0]);

    ClientPartitioner layout = new ClientPartitioner(names.length, numPartitions);
    Broadcast<String[]> ids = jsc.broadcast(names);
    int classes = numClasses;
    double testFraction = spec.testFraction();
    long seed = spec.seed();
    JavaRDD<ClientData> clients = users.flatMapToPair(u -> {
      int id = Arrays.binarySearch(ids.value(), u.name());
      List<Tuple2<Integer, LeafFile.User>> out = new ArrayList<>(1);
      if (id >= 0) {
        out.add(new Tuple2<>(id, u));
      }
      return out.iterator();
    }).partitionBy(layout).mapPartitionsWithIndex((p, it) -> {
      Map<Integer, LeafFile.User[]> byClient = new HashMap<>();
      it.forEachRemaining(t -> byClient.computeIfAbsent(t._1(), k -> new LeafFile.User[2])[t._2().test() ? 1 : 0] =
          t._2());
      int first = ClientLayout.firstClient(layout, p);
      int end = ClientLayout.firstClient(layout, p + 1);
      List<ClientData> out = new ArrayList<>(end - first);
      for (int c = first; c < end; c++) {
        LeafFile.User[] pair = byClient.get(c);
        if (pair == null || pair[0] == null) {
          throw new IllegalStateException("client " + c + " has no training record in partition " + p);
        }
        LocalDataset trainData = pair[0].dataset(classes, width);
        if (hasTest) {
          LocalDataset testData = pair[1] == null ? LocalDataset.empty(width) : pair[1].dataset(classes, width);
          out.add(new ClientData(c, trainData, testData));
        } else {
          out.add(TrainTestSplit.split(c, trainData, testFraction, seed));
        }
      }
      return out.iterator();
    }, true);
    String name = "leaf " + spec.path() + (hasTest ? " / test " + spec.leafTest() : " / split " + testFraction);
    FederatedData fd;
    try {
      fd = Federations.finish(clients, layout, name, width, numClasses, names);
    } catch (Exception e) {
      throw unwrap(e);
    }
    if (hasTest) {
      Federations.warnWithoutTest(fd.info(), "the LEAF test files " + spec.leafTest());
    }
    return fd;
  }

  private static String examples(List<String> names) {
    List<String> first = names.subList(0, Math.min(5, names.size()));
    return "'" + String.join("', '", first) + "'" + (names.size() > 5 ? ", ..." : "");
  }

  /** The DataException a Spark task threw, out of Spark's wrapping, so the user sees its message. */
  static RuntimeException unwrap(Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DataException de) {
        return new DataException(de.getMessage(), e);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    String msg = String.valueOf(e.getMessage());
    int at = msg.indexOf("org.fedspark.data.DataException: ");
    if (at >= 0) {
      String rest = msg.substring(at + "org.fedspark.data.DataException: ".length());
      return new DataException(rest.lines().findFirst().orElse(rest), e);
    }
    return e instanceof RuntimeException r ? r : new DataException("Spark could not read the LEAF files: " + e, e);
  }
}
