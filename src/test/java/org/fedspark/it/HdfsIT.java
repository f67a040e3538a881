package org.fedspark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.hdfs.DFSInotifyEventInputStream;
import org.apache.hadoop.hdfs.client.HdfsAdmin;
import org.apache.hadoop.hdfs.inotify.Event;
import org.apache.hadoop.hdfs.inotify.EventBatch;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.fedspark.config.ConfigException;
import org.fedspark.config.FedConfig;
import org.fedspark.report.OutputDir;
import org.fedspark.report.RunLock;
import org.fedspark.run.FedSpark;
import org.fedspark.run.RunStatus;
import org.fedspark.run.Simulation;
import org.fedspark.run.SimulationResult;
import org.fedspark.run.SparkSessions;
import org.fedspark.testing.FedSparkProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose configuration, data, RDD checkpoints, resume points, saved models and outputs all live
 * on HDFS (a {@link MiniHadoop} NameNode and DataNode on 127.0.0.1), and the run directory's
 * guarantees checked there: every output file appears by a rename of a complete temporary file (read
 * off the NameNode's own event log, HDFS inotify), none is left behind, {@code _lock.json} refuses a
 * second writer and is taken over when stale, and a run killed with SIGKILL resumes from HDFS to the
 * metrics of a run that was never interrupted.
 */
class HdfsIT {
  @TempDir
  static Path tmp;

  static MiniHadoop hadoop;
  static SparkSession spark;

  /** Ditto keeps personal state, so the run checkpoints it (every 2 rounds) and writes resume points. */
  static String config(String dataUri, String checkpointUri) {
    return String.join("\n",
        "run { name = hdfs, seed = 7, rounds = 4, eval-every = 2, progress = off, resume-every = 2, checkpoint-every = 2 }",
        "data { source = csv, path = \"" + dataUri + "\", label-column = label, client-column = site, test-fraction = 0.25 }",
        "model.type = softmax",
        "algorithm.name = ditto",
        "train { client-fraction = 0.5, local-epochs = 2, batch-size = 16, lr = 0.05 }",
        "spark { master = \"local[2]\", partitions = 3, checkpoint-dir = \"" + checkpointUri + "\" }",
        "");
  }

  static String confUri;

  @BeforeAll
  static void start() throws Exception {
    hadoop = MiniHadoop.start(tmp, "HdfsIT", false);
    FileSystem fs = hadoop.fs();
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(Path.of("data/sample-sites.csv").toAbsolutePath().toUri()),
        new org.apache.hadoop.fs.Path("/data/sample-sites.csv"));
    confUri = hadoop.hdfs("/conf/ditto.conf");
    write(confUri, config(hadoop.hdfs("/data/sample-sites.csv"), hadoop.hdfs("/checkpoints")));
    spark = SparkSessions.local(2);
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (hadoop != null) {
      hadoop.close();
    }
  }

  static void write(String uri, String text) throws IOException {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(uri);
    try (FSDataOutputStream out = p.getFileSystem(new Configuration()).create(p, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  static OutputDir dir(String uri) {
    return new OutputDir(uri, spark.sparkContext().hadoopConfiguration());
  }

  static SimulationResult run(String out, String... overrides) {
    FedConfig cfg = FedSpark.loadConfig(confUri, List.of(overrides));
    return FedSpark.run(spark, cfg, out, System.out);
  }

  /** Every path under {@code uri}, recursively. */
  static List<String> listAll(String uri) throws IOException {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(uri);
    List<String> all = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it = p.getFileSystem(new Configuration()).listFiles(p, true);
    while (it.hasNext()) {
      all.add(it.next().getPath().toUri().getPath());
    }
    return all;
  }

  /**
   * SIGKILL mid-run, resume, and the same run straight through, all on HDFS; then what the NameNode
   * saw: every final file arrived by rename, and checkpoints went to the configured HDFS directory.
   */
  @Test
  void aRunKilledOnHdfsResumesToTheUninterruptedMetricsAndEveryFileAppearsWhole() throws Exception {
    HdfsAdmin admin = new HdfsAdmin(java.net.URI.create(hadoop.uri()), hadoop.conf());
    DFSInotifyEventInputStream events = admin.getInotifyEventStream();
    String killed = hadoop.hdfs("/runs/killed");
    String straight = hadoop.hdfs("/runs/straight");

    // the CLI in a child JVM, killed with SIGKILL once its first resume point is complete on HDFS
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "@" + Path.of("bin", "jvm.options").toAbsolutePath(), "-cp", System.getProperty("java.class.path"),
        "org.fedspark.cli.FedSparkCli", "run", confUri, "--out", killed, "--set", "run.rounds=400");
    FedSparkProcess child = FedSparkProcess.startCommand(tmp, Map.of(), cmd);
    FileSystem fs = hadoop.fs();
    org.apache.hadoop.fs.Path firstPoint = new org.apache.hadoop.fs.Path("/runs/killed/_resume/round-000002/_COMPLETE");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (!fs.exists(firstPoint) && child.alive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(child.alive(), "the child ended before its first resume point: " + child.stderr());
    new ProcessBuilder("kill", "-9", Long.toString(child.pid())).inheritIO().start().waitFor();
    child.waitFor(30);
    assertEquals("running", RunFiles.summary(killed).get("status").asText(), "a killed run's summary says running");
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/runs/killed/_lock.json")), "the killed run left its lock");

    // its lock is stale (its process is gone): the resume takes it over
    SimulationResult resumed = Simulation.resume(spark.sparkContext(), dir(killed), List.of("run.rounds=4"), System.out);
    assertEquals(RunStatus.COMPLETED, resumed.status());
    int after = RunFiles.summary(killed).get("run").get("resumed_after_round").asInt();
    assertEquals(2, after, "resumed after round " + after);

    assertEquals(RunStatus.COMPLETED, run(straight).status());
    assertEquals(RunFiles.comparableMetrics(straight), RunFiles.comparableMetrics(killed));
    assertEquals(3, RunFiles.comparableMetrics(straight).size(), "a header and rounds 2 and 4");

    // saved models on HDFS: the global model and the clients' own (Ditto), of the last round
    Dataset<Row> models = spark.read().parquet(killed + "/models");
    assertEquals(1, models.filter("kind = 'global'").select("round").distinct().count());
    assertEquals(4, models.filter("kind = 'global'").first().<Integer>getAs("round"));
    assertEquals(6, models.filter("kind = 'personal'").select("client").distinct().count(), "six sites, six own models");

    for (String out : List.of(killed, straight)) {
      for (String path : listAll(out)) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        assertFalse(name.contains(".tmp-"), "temporary file left behind: " + path);
        assertFalse(path.contains("/_resume") || path.contains("/_checkpoints") || name.equals(RunLock.FILE),
            "a completed run keeps no resume point, checkpoint or lock: " + path);
      }
    }

    // what the NameNode saw
    List<Event> seen = new ArrayList<>();
    EventBatch batch;
    while ((batch = events.poll(2, TimeUnit.SECONDS)) != null) {
      seen.addAll(List.of(batch.getEvents()));
    }
    Set<String> finals = Set.of("config.conf", "metrics.csv", "summary.json", "report.html", "accuracy.png", "loss.png");
    boolean checkpointed = false;
    for (Event e : seen) {
      if (e instanceof Event.CreateEvent c) {
        String p = c.getPath();
        checkpointed |= p.startsWith("/checkpoints/") && c.getiNodeType() == Event.CreateEvent.INodeType.FILE;
        for (String run : List.of("/runs/killed/", "/runs/straight/")) {
          if (p.startsWith(run) && p.indexOf('/', run.length()) < 0 && c.getiNodeType() == Event.CreateEvent.INodeType.FILE) {
            String name = p.substring(run.length());
            assertTrue(name.startsWith(".") || name.equals(RunLock.FILE),
                "written in place instead of to a temporary file and renamed: " + p);
          }
        }
      }
    }
    assertTrue(checkpointed, "no RDD checkpoint was written to spark.checkpoint-dir on HDFS");
    // the lock is deleted only when taken over (the killed run's, by the resume) and when released at
    // the end; heartbeats replace it in one rename, never leaving a moment without a lock
    for (Map.Entry<String, Long> run : Map.of("/runs/killed/", 2L, "/runs/straight/", 1L).entrySet()) {
      assertEquals(run.getValue(), seen.stream().filter(e -> e instanceof Event.UnlinkEvent u
          && u.getPath().equals(run.getKey() + RunLock.FILE)).count(), "deletions of " + run.getKey() + RunLock.FILE);
    }
    for (String run : List.of("/runs/killed/", "/runs/straight/")) {
      for (String name : finals) {
        assertTrue(seen.stream().anyMatch(e -> e instanceof Event.RenameEvent r && r.getDstPath().equals(run + name)
            && r.getSrcPath().startsWith(run + "." + name + ".tmp-")), run + name + " did not appear by a rename");
        assertTrue(fs.exists(new org.apache.hadoop.fs.Path(run + name)), run + name);
      }
      assertTrue(seen.stream().anyMatch(e -> e instanceof Event.RenameEvent r && r.getDstPath().equals(run + "models")),
          run + "models did not appear by a rename");
    }
  }

  /** A lock file as a run on another node writes it. */
  static void plantLock(String out, Instant heartbeat) throws IOException {
    write(out + "/" + RunLock.FILE, "{\"run_id\": \"r-elsewhere\", \"host\": \"node-7.cluster\", \"pid\": 4242, "
        + "\"started\": \"" + heartbeat.minusSeconds(30) + "\", \"heartbeat\": \"" + heartbeat + "\"}\n");
  }

  @Test
  void aLiveLockOnHdfsRefusesASecondWriterAndAStaleOneIsTakenOver() throws Exception {
    String live = hadoop.hdfs("/runs/held");
    plantLock(live, Instant.now());
    ConfigException e = assertThrows(ConfigException.class, () -> run(live, "run.rounds=2", "run.overwrite=true"));
    assertTrue(e.getMessage().contains("in use by another fedspark run") && e.getMessage().contains("node-7.cluster"),
        e.getMessage());
    assertEquals(List.of("/runs/held/" + RunLock.FILE), listAll(live), "nothing but the holder's lock");

    String stale = hadoop.hdfs("/runs/stale");
    plantLock(stale, Instant.now().minus(RunLock.STALE_AFTER).minusSeconds(30));
    assertEquals(RunStatus.COMPLETED, run(stale, "run.rounds=2").status());
    assertEquals("completed", RunFiles.summary(stale).get("status").asText());
    assertFalse(hadoop.fs().exists(new org.apache.hadoop.fs.Path("/runs/stale/" + RunLock.FILE)));
  }

  /**
   * Two writers (two HDFS clients, as two nodes would be) claim one directory at the same moment:
   * the NameNode's exclusive create lets exactly one through, every time.
   */
  @Test
  void ofTwoWritersRacingForOneHdfsDirectoryExactlyOneWins() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int trial = 0; trial < 5; trial++) {
        String uri = hadoop.hdfs("/runs/race-" + trial);
        CyclicBarrier together = new CyclicBarrier(2);
        List<Future<RunLock>> claims = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
          claims.add(pool.submit(() -> {
            Configuration own = hadoop.conf();
            own.setBoolean("fs.hdfs.impl.disable.cache", true); // a client of its own
            OutputDir d = new OutputDir(uri, own);
            together.await();
            return RunLock.acquire(d);
          }));
        }
        List<RunLock> won = new ArrayList<>();
        int refused = 0;
        for (Future<RunLock> f : claims) { // both claims end before any lock is released
          try {
            won.add(f.get(1, TimeUnit.MINUTES));
          } catch (java.util.concurrent.ExecutionException x) {
            assertTrue(x.getCause() instanceof ConfigException, String.valueOf(x.getCause()));
            refused++;
          }
        }
        won.forEach(RunLock::close);
        assertEquals(1, won.size(), "trial " + trial);
        assertEquals(1, refused, "trial " + trial);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
