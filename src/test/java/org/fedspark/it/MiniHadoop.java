package org.fedspark.it;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * A one-node HDFS ({@link MiniDFSCluster}: a NameNode and a DataNode) and, on request, a one-node YARN
 * ({@link MiniYARNCluster}: a ResourceManager and a NodeManager that launches real container JVMs) in
 * the test's JVM, every service bound to 127.0.0.1. {@link #confDir()} holds the {@code core-site.xml}
 * and {@code yarn-site.xml} a user's {@code HADOOP_CONF_DIR} would hold for them.
 *
 * <p>YARN is sized for a cheap test: 3 GB and 4 vcores on the node (an application master and two
 * executors of 512 MB heap each fit), allocations in 128 MB steps, and the virtual and physical
 * memory checks off (a JVM reserves far more virtual memory than it uses; the containers' heaps are
 * capped by -Xmx anyway). The capacity scheduler's queue is configured here because
 * hadoop-client-minicluster ships no {@code capacity-scheduler.xml} (Spark's own YARN tests do the same).
 */
final class MiniHadoop implements AutoCloseable {
  private static final String LOOPBACK = "127.0.0.1";

  private final MiniDFSCluster dfs;
  private final MiniYARNCluster yarn;
  private final Path confDir;

  private MiniHadoop(MiniDFSCluster dfs, MiniYARNCluster yarn, Path confDir) {
    this.dfs = dfs;
    this.yarn = yarn;
    this.confDir = confDir;
  }

  /** Starts HDFS (and YARN when {@code withYarn}) with their files under {@code base}. */
  static MiniHadoop start(Path base, String name, boolean withYarn) throws Exception {
    Configuration conf = new Configuration();
    conf.set("dfs.replication", "1");
    conf.set("dfs.namenode.rpc-bind-host", LOOPBACK);
    conf.set("dfs.namenode.http-address", LOOPBACK + ":0");
    conf.set("dfs.datanode.address", LOOPBACK + ":0");
    conf.set("dfs.datanode.http.address", LOOPBACK + ":0");
    conf.set("dfs.datanode.ipc.address", LOOPBACK + ":0");
    // the heartbeat of a run's lock is rewritten in place every 10 s: no need for more than one DataNode
    conf.setBoolean("dfs.client.block.write.replace-datanode-on-failure.enable", false);
    MiniDFSCluster dfs = new MiniDFSCluster.Builder(conf, base.resolve("dfs").toFile())
        .numDataNodes(1).nameNodeHttpPort(0).build();
    dfs.waitActive();
    Configuration withDfs = new Configuration(dfs.getConfiguration(0));
    withDfs.set("fs.defaultFS", dfs.getFileSystem().getUri().toString());

    MiniYARNCluster yarn = null;
    Configuration all = withDfs;
    if (withYarn) {
      YarnConfiguration y = new YarnConfiguration(withDfs);
      y.set("yarn.resourcemanager.hostname", LOOPBACK);
      y.set("yarn.resourcemanager.bind-host", LOOPBACK);
      y.set("yarn.nodemanager.bind-host", LOOPBACK);
      y.set("yarn.nodemanager.hostname", LOOPBACK);
      y.set("yarn.resourcemanager.webapp.address", LOOPBACK + ":0");
      y.set("yarn.nodemanager.webapp.address", LOOPBACK + ":0");
      y.set("yarn.nodemanager.localizer.address", LOOPBACK + ":0");
      y.setInt("yarn.nodemanager.resource.memory-mb", 3072);
      y.setInt("yarn.nodemanager.resource.cpu-vcores", 4);
      y.setInt("yarn.scheduler.minimum-allocation-mb", 128);
      y.setInt("yarn.scheduler.maximum-allocation-mb", 3072);
      y.setBoolean("yarn.nodemanager.vmem-check-enabled", false);
      y.setBoolean("yarn.nodemanager.pmem-check-enabled", false);
      y.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "100.0");
      y.set("yarn.scheduler.capacity.root.queues", "default");
      y.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
      y.setFloat("yarn.scheduler.capacity.root.default.user-limit-factor", 1);
      y.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
      y.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
      y.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
      y.set("yarn.scheduler.capacity.root.default.acl_administer_queue", "*");
      y.setInt("yarn.scheduler.capacity.node-locality-delay", -1);
      // containers see the same JDK as this JVM
      y.set("yarn.nodemanager.admin-env", "JAVA_HOME=" + System.getProperty("java.home"));
      yarn = new MiniYARNCluster(name, 1, 1, 1);
      yarn.init(y);
      yarn.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      // start() may return before the ResourceManager has written its real port into the configuration
      while (yarn.getConfig().get(YarnConfiguration.RM_ADDRESS).endsWith(":0")) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the mini YARN ResourceManager did not publish its address");
        }
        Thread.sleep(100);
      }
      all = yarn.getConfig();
    }
    Path confDir = Files.createDirectories(base.resolve("hadoop-conf"));
    Configuration core = new Configuration(false);
    core.set("fs.defaultFS", withDfs.get("fs.defaultFS"));
    write(core, confDir.resolve("core-site.xml"));
    if (withYarn) {
      // what a client needs of yarn-site.xml: where the ResourceManager is (the mini cluster's full
      // configuration would also name test-only classes, e.g. its rack mapping)
      Configuration site = new Configuration(false);
      site.set("yarn.resourcemanager.hostname", LOOPBACK);
      for (java.util.Map.Entry<String, String> e : all) {
        if (e.getKey().matches("yarn\\.resourcemanager\\.[a-z.-]*address")) {
          site.set(e.getKey(), all.get(e.getKey()));
        }
      }
      write(site, confDir.resolve("yarn-site.xml"));
    }
    return new MiniHadoop(dfs, yarn, confDir);
  }

  private static void write(Configuration c, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      c.writeXml(out);
    }
  }

  /** {@code hdfs://127.0.0.1:PORT}. */
  String uri() {
    return "hdfs://" + LOOPBACK + ":" + dfs.getNameNodePort();
  }

  /** The full URI of an absolute HDFS path. */
  String hdfs(String absolutePath) {
    return uri() + absolutePath;
  }

  FileSystem fs() throws IOException {
    return dfs.getFileSystem();
  }

  /** A configuration that reaches this cluster. */
  Configuration conf() {
    return yarn != null ? new Configuration(yarn.getConfig()) : new Configuration(dfs.getConfiguration(0));
  }

  /** The directory to give spark-submit as {@code HADOOP_CONF_DIR}. */
  Path confDir() {
    return confDir;
  }

  /** Where the NodeManager keeps its containers' logs (for failure messages). */
  File yarnLogDir() {
    return yarn == null ? null : new File(yarn.getConfig().get(YarnConfiguration.NM_LOG_DIRS, "").split(",")[0]);
  }

  @Override
  public void close() {
    try {
      if (yarn != null) {
        yarn.stop();
      }
    } finally {
      dfs.shutdown(true);
    }
  }
}
