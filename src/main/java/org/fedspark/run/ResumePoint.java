package org.fedspark.run;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;
import org.fedspark.config.ConfigException;
import org.fedspark.data.ClientData;
import org.fedspark.report.OutputDir;
import org.fedspark.report.RoundMetrics;
import org.fedspark.server.ServerStrategy;

/**
 * A complete, durable snapshot of a run after round {@link #round}: everything {@code fedspark
 * resume} needs to continue it so that its metrics equal an uninterrupted run's bit for bit.
 *
 * <p>What is saved: the server half (Java-serialized: its model, optimizer moments, duals, a graph
 * solver's warm start), the metrics rows and byte counters so far, the resolved configuration and the
 * partition count, and, for algorithms with client state, every client's state, written by the task
 * of its own partition into one file per partition (the driver never holds the clients' states). What
 * is not saved because it is a pure function of (seed, round, client): client sampling, stragglers,
 * local SGD's shuffles, stochastic codecs.
 *
 * <p>Layout: {@code _resume/round-NNNNNN/} holds {@code clients/part-NNNNN} (if any),
 * {@code server.bin}, and last {@code _COMPLETE}. A directory without {@code _COMPLETE} is a
 * half-written snapshot (the run was killed while writing it): it is never read, and it is removed
 * when the next snapshot is written. Every file is written to a temporary name and renamed.
 */
final class ResumePoint implements Serializable {
  private static final long serialVersionUID = 1L;
  static final String DIR = "_resume";
  private static final String COMPLETE = "_COMPLETE";

  final int round;
  final int partitions;
  final Map<String, String> config;
  final List<RoundMetrics> rows;
  final long cumUplink;
  final long cumDownlink;
  final double elapsedSeconds;
  final String status;
  final double valuesPerClient;
  final boolean clientStates;
  final ServerStrategy server;

  ResumePoint(int round, int partitions, Map<String, String> config, List<RoundMetrics> rows, long cumUplink,
      long cumDownlink, double elapsedSeconds, String status, double valuesPerClient, boolean clientStates,
      ServerStrategy server) {
    this.round = round;
    this.partitions = partitions;
    this.config = config;
    this.rows = new ArrayList<>(rows);
    this.cumUplink = cumUplink;
    this.cumDownlink = cumDownlink;
    this.elapsedSeconds = elapsedSeconds;
    this.status = status;
    this.valuesPerClient = valuesPerClient;
    this.clientStates = clientStates;
    this.server = server;
  }

  /**
   * Writes this snapshot; {@code states} (null for runs without client state) is written by a Spark
   * job, one file per partition. Older snapshots are deleted once this one is complete.
   */
  void write(OutputDir out, JavaSparkContext jsc, JavaRDD<ClientSlot> states) {
    FileSystem fs = out.fileSystem();
    Path dir = new Path(out.path(DIR), name(round));
    try {
      if (fs.exists(dir)) {
        fs.delete(dir, true); // a half-written snapshot of this round
      }
      fs.mkdirs(dir);
      if (states != null) {
        writeStates(jsc, states, new Path(dir, "clients").toString());
      }
      writeObject(fs, new Path(dir, "server.bin"), this);
      try (OutputStream o = fs.create(new Path(dir, COMPLETE), true)) {
        o.write('\n');
      }
      for (FileStatus s : fs.listStatus(out.path(DIR))) {
        if (!s.getPath().getName().equals(dir.getName())) {
          fs.delete(s.getPath(), true);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the resume point " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The newest complete snapshot in {@code out}, if there is one. */
  static Optional<ResumePoint> latest(OutputDir out) {
    FileSystem fs = out.fileSystem();
    Path root = out.path(DIR);
    try {
      if (!fs.exists(root)) {
        return Optional.empty();
      }
      Path best = null;
      for (FileStatus s : fs.listStatus(root)) {
        if (s.isDirectory() && s.getPath().getName().startsWith("round-") && fs.exists(new Path(s.getPath(), COMPLETE))
            && (best == null || s.getPath().getName().compareTo(best.getName()) > 0)) {
          best = s.getPath();
        }
      }
      if (best == null) {
        return Optional.empty();
      }
      try (ObjectInputStream in = new ObjectInputStream(new BufferedInputStream(fs.open(new Path(best, "server.bin"))))) {
        ResumePoint p = (ResumePoint) in.readObject();
        p.dir = best.toString();
        return Optional.of(p);
      } catch (InvalidClassException | ClassNotFoundException e) {
        throw new ConfigException("the resume point " + best + " was written by a different fedspark build ("
            + e.getMessage() + "); resume it with the build that started the run, or start the run again");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the resume points in " + root + ": " + e.getMessage(), e);
    }
  }

  /** Where {@link #latest} found this snapshot. */
  private transient String dir;

  /**
   * The saved client states, aligned with {@code data} (same partitioner, same order within each
   * partition): partition i reads the file partition i wrote.
   */
  JavaRDD<ClientSlot> states(JavaSparkContext jsc, JavaRDD<ClientData> data) {
    String clients = new Path(dir, "clients").toString();
    Broadcast<SerializableConfiguration> conf = jsc.broadcast(new SerializableConfiguration(jsc.hadoopConfiguration()));
    return data.mapPartitionsWithIndex((index, it) -> {
      Path file = new Path(clients, part(index));
      List<ClientSlot> slots = readObject(file, conf.value().value());
      while (it.hasNext()) {
        it.next(); // only the alignment matters: the engine checks ids when it pairs data and state
      }
      return slots.iterator();
    }, true);
  }

  static void deleteAll(OutputDir out) {
    try {
      out.fileSystem().delete(out.path(DIR), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + out.path(DIR) + ": " + e.getMessage(), e);
    }
  }

  private static void writeStates(JavaSparkContext jsc, JavaRDD<ClientSlot> states, String clients) {
    Broadcast<SerializableConfiguration> conf = jsc.broadcast(new SerializableConfiguration(jsc.hadoopConfiguration()));
    try {
      states.foreachPartition((Iterator<ClientSlot> it) -> {
        List<ClientSlot> slots = new ArrayList<>();
        it.forEachRemaining(s -> slots.add(new ClientSlot(s.clientId(), s.state(), null)));
        Path file = new Path(clients, part(TaskContext.getPartitionId()));
        writeObject(file.getFileSystem(conf.value().value()), file, (Serializable) slots);
      });
    } finally {
      conf.destroy();
    }
  }

  static String name(int round) {
    return String.format(java.util.Locale.ROOT, "round-%06d", round);
  }

  private static String part(int index) {
    return String.format(java.util.Locale.ROOT, "part-%05d", index);
  }

  /** Java-serializes {@code o} to a temporary file beside {@code file}, then renames it into place. */
  private static void writeObject(FileSystem fs, Path file, Serializable o) throws IOException {
    Path tmp = new Path(file.getParent(), "." + file.getName() + ".tmp-" + UUID.randomUUID());
    try (ObjectOutputStream out = new ObjectOutputStream(new BufferedOutputStream(fs.create(tmp, true), 1 << 16))) {
      out.writeObject(o);
    }
    if (!fs.rename(tmp, file)) {
      fs.delete(tmp, false);
      throw new IOException("cannot rename " + tmp + " to " + file);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T readObject(Path file, Configuration conf) throws IOException, ClassNotFoundException {
    FileSystem fs = file.getFileSystem(conf);
    try (InputStream raw = fs.open(file);
        ObjectInputStream in = new ObjectInputStream(new BufferedInputStream(raw, 1 << 16))) {
      return (T) in.readObject();
    }
  }
}
