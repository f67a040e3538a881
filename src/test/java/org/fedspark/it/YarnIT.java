package org.fedspark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.fedspark.testing.FedSparkProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spark-submit --master yarn} of fedspark's {@code -all} jar to a {@link MiniHadoop} YARN
 * (a ResourceManager and a NodeManager that starts the application master and two executors as
 * separate JVMs) with the configuration, the data and the outputs on its HDFS, as the README's YARN
 * recipe does it, except that Spark's jars are where every node has them ({@code spark.yarn.jars=local:…},
 * the one node being this machine) rather than staged on HDFS ({@code spark.yarn.archive}), which would
 * cost every test run a 300 MB zip, upload and unpack: either way only the -all jar is uploaded per
 * submission. The run's metrics must equal those of the same configuration on the
 * embedded Spark (every column but the wall-clock ones).
 *
 * <p>"Spark's jars" are the Spark home the integration profile assembles from Maven's jars
 * ({@link ClusterProcesses#sparkHome()}: Spark's runtime class path without fedspark's own libraries,
 * which the containers get from the -all jar only, as on a real cluster), plus spark-yarn.
 */
class YarnIT {
  @TempDir
  static Path tmp;

  static MiniHadoop hadoop;
  static List<Path> sparkJars;
  static Path allJar;
  static String confUri;
  static String sparkJarsUri;

  @BeforeAll
  static void start() throws Exception {
    allJar = ClusterProcesses.fedsparkJar();
    sparkJars = sparkJars();
    hadoop = MiniHadoop.start(tmp, "YarnIT", true);
    FileSystem fs = hadoop.fs();
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(Path.of("data/sample-sites.csv").toAbsolutePath().toUri()),
        new org.apache.hadoop.fs.Path("/data/sample-sites.csv"));
    confUri = hadoop.hdfs("/conf/ditto.conf");
    HdfsIT.write(confUri, String.join("\n",
        "run { name = yarn, seed = 7, rounds = 4, eval-every = 2, progress = off, resume-every = 2, checkpoint-every = 3 }",
        "data { source = csv, path = \"" + hadoop.hdfs("/data/sample-sites.csv") + "\", label-column = label,"
            + " client-column = site, test-fraction = 0.25 }",
        "model.type = softmax",
        "algorithm.name = ditto",
        "train { client-fraction = 0.5, local-epochs = 2, batch-size = 16, lr = 0.05 }",
        "spark.partitions = 4",
        ""));
    // Spark's jars where every node has them (here the one node is this machine), given to YARN as
    // local: paths, so that no submission uploads or localizes them
    sparkJarsUri = "local:" + ClusterProcesses.sparkHome().resolve("jars").toAbsolutePath() + "/*,local:"
        + sparkJars.get(sparkJars.size() - 1).toAbsolutePath();
  }

  @AfterAll
  static void stop() {
    if (hadoop != null) {
      hadoop.close();
    }
  }

  /** Spark's jars: the assembled Spark home's, and spark-yarn (on the test class path by the integration profile). */
  static List<Path> sparkJars() throws IOException {
    List<Path> jars;
    try (Stream<Path> files = Files.list(ClusterProcesses.sparkHome().resolve("jars"))) {
      jars = new ArrayList<>(files.filter(p -> p.toString().endsWith(".jar")).sorted().toList());
    }
    Path yarn = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
        .filter(p -> p.getFileName().toString().startsWith("spark-yarn_")).findFirst()
        .orElseThrow(() -> new IllegalStateException("spark-yarn is not on the test class path (the integration profile adds it)"));
    jars.add(yarn);
    return jars;
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The same configuration on the embedded Spark, as {@code bin/fedspark run} runs it. */
  static FedSparkProcess embedded(String out) throws IOException {
    return FedSparkProcess.startCommand(tmp, Map.of(), List.of(java(), "-Xmx1g",
        "@" + Path.of("bin", "jvm.options").toAbsolutePath(), "-cp", System.getProperty("java.class.path"),
        "org.fedspark.cli.FedSparkCli", "run", confUri, "--out", out, "--set", "spark.master=local[2]"));
  }

  /**
   * {@code spark-submit --master yarn}: SparkSubmit on Spark's jars and the Hadoop configuration
   * directory, as {@code $SPARK_HOME/bin/spark-submit} starts it.
   */
  static FedSparkProcess submit(String deployMode, String out) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx1g", "@" + Path.of("bin", "jvm.options").toAbsolutePath(),
        "-cp", hadoop.confDir() + File.pathSeparator
            + sparkJars.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
        "org.apache.spark.deploy.SparkSubmit", "--master", "yarn", "--deploy-mode", deployMode,
        "--class", "org.fedspark.cli.FedSparkCli",
        "--num-executors", "2", "--executor-cores", "1", "--executor-memory", "512m", "--driver-memory", "768m",
        "--conf", "spark.yarn.jars=" + sparkJarsUri,
        "--conf", "spark.yarn.am.memory=384m",
        // the executors use the BLAS the embedded run uses (native, else the Vector API's)
        "--conf", "spark.executor.extraJavaOptions=--add-modules=jdk.incubator.vector",
        "--conf", "spark.driver.extraJavaOptions=--add-modules=jdk.incubator.vector",
        // everything on this machine's loopback interface
        "--conf", "spark.yarn.appMasterEnv.SPARK_LOCAL_IP=127.0.0.1",
        "--conf", "spark.executorEnv.SPARK_LOCAL_IP=127.0.0.1",
        "--conf", "spark.ui.enabled=false"));
    // YARN starts containers with a clean environment: without these, OpenBLAS on the executors would
    // run a thread per core inside every task, and pick its kernels for the CPU it detects rather than
    // the ones set here (e.g. OPENBLAS_CORETYPE), which round differently in the last bits
    System.getenv().forEach((k, v) -> {
      if (k.startsWith("OPENBLAS_")) {
        cmd.addAll(List.of("--conf", "spark.executorEnv." + k + "=" + v, "--conf", "spark.yarn.appMasterEnv." + k + "=" + v));
      }
    });
    if (deployMode.equals("client")) {
      cmd.addAll(List.of("--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1"));
    }
    cmd.addAll(List.of(allJar.toAbsolutePath().toString(), "run", confUri, "--out", out));
    return FedSparkProcess.startCommand(tmp, Map.of("HADOOP_CONF_DIR", hadoop.confDir().toString(),
        "SPARK_LOCAL_IP", "127.0.0.1"), cmd);
  }

  /** The containers' stderr, for a failure message. */
  static String containerLogs() throws IOException {
    File dir = hadoop.yarnLogDir();
    if (dir == null || !dir.isDirectory()) {
      return "(no container logs)";
    }
    StringBuilder b = new StringBuilder();
    try (Stream<Path> files = Files.walk(dir.toPath())) {
      for (Path f : files.filter(p -> p.getFileName().toString().equals("stderr")).toList()) {
        String text = Files.readString(f);
        b.append("--- ").append(f).append('\n').append(text.substring(Math.max(0, text.length() - 4000))).append('\n');
      }
    }
    return b.toString();
  }

  /** Runs {@code p} to its end; returns its wall time in seconds, failing with its output if it failed. */
  static double finish(FedSparkProcess p, long startNanos, String what) throws Exception {
    int code = p.waitFor(600);
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    Path log = Path.of("target", "it-logs", "yarn", what.replaceAll("[^A-Za-z0-9]+", "-") + ".log");
    Files.createDirectories(log.getParent());
    Files.writeString(log, "stdout:\n" + p.stdout() + "\nstderr:\n" + p.stderr());
    if (code != 0) {
      throw new AssertionError(what + " exited with " + code + "\nstdout:\n" + p.stdout() + "\nstderr:\n" + p.stderr()
          + "\ncontainers:\n" + containerLogs());
    }
    return seconds;
  }

  @Test
  void fedsparkOnYarnGivesTheEmbeddedRunsMetrics() throws Exception {
    String embeddedOut = hadoop.hdfs("/runs/embedded");
    long t0 = System.nanoTime();
    double embeddedSeconds = finish(embedded(embeddedOut), t0, "the embedded run");

    String yarnOut = hadoop.hdfs("/runs/yarn-client");
    long t1 = System.nanoTime();
    double yarnSeconds = finish(submit("client", yarnOut), t1, "spark-submit --master yarn --deploy-mode client");

    JsonNode summary = RunFiles.summary(yarnOut);
    assertEquals("completed", summary.get("status").asText());
    assertEquals("yarn", summary.get("environment").get("master").asText());
    assertEquals(RunFiles.comparableMetrics(embeddedOut), RunFiles.comparableMetrics(yarnOut));
    assertEquals(3, RunFiles.comparableMetrics(yarnOut).size(), "a header and rounds 2 and 4");
    System.out.printf("YarnIT: wall time of the same run (4 rounds of Ditto, 6 clients): embedded local[2] %.1f s "
            + "(summary wall_seconds %.1f); YARN client mode, 2 executors of 1 core %.1f s (summary wall_seconds %.1f)%n",
        embeddedSeconds, RunFiles.summary(embeddedOut).get("wall_seconds").asDouble(),
        yarnSeconds, summary.get("wall_seconds").asDouble());
  }
}
