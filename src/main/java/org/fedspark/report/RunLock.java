package org.fedspark.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fedspark.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exclusive right to write a run directory, held by the live run: the file {@code _lock.json}
 * (run id, host, pid, start and a heartbeat time that the holder rewrites every
 * {@link #HEARTBEAT} while it lives).
 *
 * <p><b>Taking it</b> is an exclusive create: {@code open(O_CREAT|O_EXCL)} on a local disk, HDFS's
 * {@code create(overwrite=false)} elsewhere (the NameNode refuses a second create of one path), so of
 * two runs started together exactly one wins. The other is refused (a {@link ConfigException}, exit
 * 2), with or without {@code --overwrite}: overwriting a live run's directory would mix or delete its
 * results.
 *
 * <p><b>A stale lock</b> (its run was killed with {@code kill -9}, its node was preempted) is taken
 * over: on the same host when its pid is no longer alive; on any file system when its heartbeat is
 * older than {@link #STALE_AFTER} (on HDFS, where a pid on another node means nothing, the heartbeat
 * is the only evidence). The taker deletes it and creates its own, exclusively again, so two takers of
 * one stale lock still cannot both win.
 */
public final class RunLock implements AutoCloseable {
  /** The lock file's name in the run directory. */
  public static final String FILE = "_lock.json";
  /** How often the holder rewrites its heartbeat. */
  public static final Duration HEARTBEAT = Duration.ofSeconds(10);
  /** A lock whose heartbeat is older than this belongs to a dead run. */
  public static final Duration STALE_AFTER = Duration.ofSeconds(60);

  private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileSystem fs;
  private final Path file;
  private final Map<String, Object> content = new LinkedHashMap<>();
  private final ScheduledExecutorService heartbeat;
  private volatile boolean held = true;

  private RunLock(FileSystem fs, Path file, String runId) throws IOException {
    this.fs = fs;
    this.file = file;
    content.put("run_id", runId);
    content.put("host", hostName());
    content.put("pid", ProcessHandle.current().pid());
    content.put("started", Instant.now().toString());
    content.put("heartbeat", Instant.now().toString());
    createExclusively(fs, file, bytes(content));
    heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "fedspark-lock-heartbeat");
      t.setDaemon(true);
      return t;
    });
    heartbeat.scheduleAtFixedRate(this::beat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Takes the lock of {@code dir}, taking over a stale one.
   *
   * @throws ConfigException when a live run holds it, saying which and what to do
   */
  public static RunLock acquire(OutputDir dir) {
    Path file = dir.path(FILE);
    FileSystem fs = dir.fileSystem();
    String runId = UUID.randomUUID().toString();
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        return new RunLock(fs, file, runId);
      } catch (FileAlreadyExistsException e) {
        Optional<Holder> holder = read(fs, file);
        if (holder.isEmpty()) {
          continue; // released between our create and our read: try again
        }
        Holder h = holder.get();
        Optional<String> stale = h.staleBecause(Instant.now());
        if (stale.isEmpty()) {
          throw new ConfigException("output directory " + dir.uri() + " is in use by another fedspark run ("
              + h.describe() + "); choose another --out, or wait for that run to end. If it is dead, its lock "
              + "goes stale " + STALE_AFTER.toSeconds() + " s after its last heartbeat, or delete " + file);
        }
        LOG.warn("taking over the stale lock of {} ({}): {}", dir.uri(), h.describe(), stale.get());
        try {
          fs.delete(file, false);
        } catch (IOException io) {
          throw new UncheckedIOException("cannot remove the stale lock " + file + ": " + io.getMessage(), io);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the lock " + file + ": " + e.getMessage(), e);
      }
    }
    throw new ConfigException("output directory " + dir.uri() + " is being claimed by another fedspark run at the "
        + "same moment; choose another --out");
  }

  /** The holder of {@code dir}'s lock, if any. */
  public static Optional<Holder> holder(OutputDir dir) {
    return read(dir.fileSystem(), dir.path(FILE));
  }

  /** This run's id, as written in the lock. */
  public String runId() {
    return (String) content.get("run_id");
  }

  /** Stops the heartbeat and deletes the lock (if it is still this run's). */
  @Override
  public synchronized void close() {
    if (!held) {
      return;
    }
    held = false;
    heartbeat.shutdownNow();
    try {
      Optional<Holder> h = read(fs, file);
      if (h.isPresent() && h.get().runId().equals(runId())) {
        fs.delete(file, false);
      }
    } catch (IOException e) {
      LOG.warn("could not remove the lock {}: {}", file, e.getMessage());
    }
  }

  /**
   * Rewrites the heartbeat, in place of the old lock (temporary file renamed over it in one step, so
   * readers never see half a lock, nor a moment without one).
   */
  synchronized void beat() {
    if (!held) {
      return;
    }
    content.put("heartbeat", Instant.now().toString());
    Path tmp = new Path(file.getParent(), "." + FILE + ".tmp-" + UUID.randomUUID());
    try {
      try (FSDataOutputStream out = fs.create(tmp, true)) {
        out.write(bytes(content));
      }
      if (!fs.exists(file)) {
        fs.delete(tmp, false); // someone removed our lock: do not resurrect it
        LOG.warn("the lock {} was removed while this run held it", file);
        return;
      }
      // replaced in one step: with delete + rename, another run could take the lock in between
      OutputDir.replace(fs, tmp, file);
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not renew the lock {}: {}", file, e.getMessage());
    }
  }

  private static void createExclusively(FileSystem fs, Path file, byte[] body) throws IOException {
    if ("file".equals(fs.getScheme())) {
      java.nio.file.Path p = java.nio.file.Path.of(fs.makeQualified(file).toUri());
      try {
        java.nio.file.Files.write(p, body, java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.WRITE);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        throw new FileAlreadyExistsException(file.toString());
      }
      return;
    }
    try (OutputStream out = fs.create(file, false)) {
      out.write(body);
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      throw e;
    } catch (IOException e) {
      if (fs.exists(file)) {
        throw new FileAlreadyExistsException(file.toString());
      }
      throw e;
    }
  }

  private static Optional<Holder> read(FileSystem fs, Path file) {
    try (InputStream in = fs.open(file)) {
      JsonNode n = JSON.readTree(in.readAllBytes());
      Holder h = n == null ? null : new Holder(n.path("run_id").asText(""), n.path("host").asText(""),
          n.path("pid").asLong(-1), parse(n.path("started").asText("")), parse(n.path("heartbeat").asText("")));
      if (h == null || h.runId().isEmpty() || h.heartbeat() == null) {
        throw new IOException("incomplete lock file");
      }
      return Optional.of(h);
    } catch (java.io.FileNotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      // Unreadable: being written right now, or half-written by a process killed mid-create. Its
      // modification time stands in for the heartbeat, so a lock being created is not taken over.
      try {
        Instant modified = Instant.ofEpochMilli(fs.getFileStatus(file).getModificationTime());
        return Optional.of(new Holder("", "", -1, null, modified));
      } catch (IOException gone) {
        return Optional.empty();
      }
    }
  }

  private static Instant parse(String s) {
    try {
      return Instant.parse(s);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  private static byte[] bytes(Map<String, Object> content) {
    try {
      return (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(content) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return ManagementFactory.getRuntimeMXBean().getName().replaceFirst("^\\d+@", "");
    }
  }

  /** What a lock file says about its holder. */
  public record Holder(String runId, String host, long pid, Instant started, Instant heartbeat) {
    /** Why this holder is dead, if it is. */
    Optional<String> staleBecause(Instant now) {
      if (host.equals(hostName()) && pid > 0 && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)) {
        return Optional.of("process " + pid + " on this host is no longer running");
      }
      if (heartbeat == null) {
        return Optional.of("the lock file has no heartbeat");
      }
      Duration age = Duration.between(heartbeat, now);
      if (age.compareTo(STALE_AFTER) > 0) {
        return Optional.of("its last heartbeat was " + age.toSeconds() + " s ago");
      }
      return Optional.empty();
    }

    String describe() {
      return "run " + runId + ", pid " + pid + " on " + host + (started == null ? "" : ", started " + started)
          + (heartbeat == null ? "" : ", heartbeat " + heartbeat);
    }
  }
}
