package org.fedspark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.fedspark.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster set-up decisions that need no cluster: the default partition count from the
 * configuration, the jar shipped to executors, and where a config shipped with --files is read from.
 * (On real clusters: the integration tests, src/test/java/org/fedspark/it.)
 */
class ClusterSetupTest {
  @TempDir Path tmp;

  @Test
  void partitionCountFollowsTheConfiguredCores() {
    assertEquals(new ClusterInfo.PartitionChoice(32, "8 × default parallelism (4 local threads)"),
        ClusterInfo.fromConf(new SparkConf(false).set("spark.master", "local[4]"), 4));
    assertEquals(new ClusterInfo.PartitionChoice(6, "2 × default parallelism (3, spark.default.parallelism)"),
        ClusterInfo.fromConf(new SparkConf(false).set("spark.master", "spark://h:7077").set("spark.default.parallelism", "3"), 3));
    assertEquals(new ClusterInfo.PartitionChoice(12, "2 × spark.cores.max (6)"),
        ClusterInfo.fromConf(new SparkConf(false).set("spark.master", "spark://h:7077").set("spark.cores.max", "6"), 2));
    assertEquals(new ClusterInfo.PartitionChoice(30, "2 × spark.executor.instances (5) × spark.executor.cores (3)"),
        ClusterInfo.fromConf(new SparkConf(false).set("spark.master", "yarn").set("spark.executor.instances", "5")
            .set("spark.executor.cores", "3"), 2));
    assertEquals(10, ClusterInfo.fromConf(new SparkConf(false).set("spark.master", "yarn")
        .set("spark.executor.instances", "5"), 2).count(), "executor cores default to 1");
    // Nothing fixes the cores: the count waits for the executors.
    assertNull(ClusterInfo.fromConf(new SparkConf(false).set("spark.master", "spark://h:7077"), 2));
    assertNull(ClusterInfo.fromConf(new SparkConf(false).set("spark.master", "local-cluster[2,1,1024]"), 2));
    assertNull(ClusterInfo.fromConf(new SparkConf(false).set("spark.master", "yarn").set("spark.executor.instances", "5")
        .set("spark.dynamicAllocation.enabled", "true"), 2), "dynamic allocation: instances is only the start");
  }

  @Test
  void theJarGoesToSparkJarsAfterTheUsersJars() throws Exception {
    Path jar = Files.writeString(tmp.resolve("fedspark-all.jar"), "x");
    String before = System.getProperty(SparkSessions.JAR_PROPERTY);
    try {
      System.setProperty(SparkSessions.JAR_PROPERTY, jar.toString());
      SparkConf conf = new SparkConf(false).set("spark.jars", "file:/opt/extra.jar");
      SparkSessions.shipJar(conf, "spark://h:7077");
      assertEquals("file:/opt/extra.jar," + jar.toFile().toURI(), conf.get("spark.jars"));
      System.setProperty(SparkSessions.JAR_PROPERTY, tmp.resolve("missing.jar").toString());
      ConfigException e = assertThrows(ConfigException.class, () -> SparkSessions.shipJar(new SparkConf(false), "spark://h:7077"));
      assertTrue(e.getMessage().contains("missing.jar does not exist") && e.getMessage().contains("mvn -B package"), e.getMessage());
    } finally {
      if (before == null) {
        System.clearProperty(SparkSessions.JAR_PROPERTY);
      } else {
        System.setProperty(SparkSessions.JAR_PROPERTY, before);
      }
    }
  }

  @Test
  void aConfigShippedWithFilesIsFoundByItsName() throws Exception {
    Path shipped = Files.writeString(tmp.resolve("exp.conf"), "run.rounds = 3\n");
    String uri = shipped.toUri().toString();
    try {
      System.setProperty("spark.files", "file:/elsewhere/other.conf," + uri);
      assertEquals(uri, FedSpark.locateConfig("conf/exp.conf"), "a path that does not exist here: the shipped file");
      assertEquals(shipped.toString(), FedSpark.locateConfig(shipped.toString()), "an existing path is used as it is");
      assertEquals("conf/nothing.conf", FedSpark.locateConfig("conf/nothing.conf"), "no such name shipped: unchanged");
      assertEquals(3, FedSpark.loadConfig("exp.conf", java.util.List.of()).getInt(org.fedspark.config.Keys.ROUNDS));
    } finally {
      System.clearProperty("spark.files");
    }
  }
}
