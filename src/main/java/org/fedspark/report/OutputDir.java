package org.fedspark.report;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.fedspark.config.ConfigException;

/**
 * A run's output directory on any Hadoop file system (local, hdfs://, s3a://). Every file is written
 * atomically: first to a hidden temporary file in the same directory, then renamed over the target in
 * one step (POSIX {@code rename(2)} on local disks, HDFS's rename with overwrite), so a crash leaves
 * either the previous complete version or the new one, never a truncated file that looks whole and
 * never no file at all. (On object stores without atomic rename, such as S3, the rename is a copy;
 * the temporary name still keeps readers away from partial content.)
 */
public final class OutputDir {
  private final FileSystem fs;
  private final Path dir;
  /**
   * Files {@link #writeInBackground} has yet to write, by name, in the order first queued; a name
   * stays here until its latest content is written, so the map is empty exactly when nothing is
   * pending. Guarded by itself.
   */
  private final java.util.LinkedHashMap<String, byte[]> pending = new java.util.LinkedHashMap<>();
  /** The first background write that failed, not yet thrown to the caller; guarded by {@link #pending}. */
  private RuntimeException backgroundFailure;
  /** One thread, started on the first background write, that ends when idle (so directories need no closing). */
  private java.util.concurrent.ThreadPoolExecutor writer;

  public OutputDir(String uri, Configuration hadoopConf) {
    try {
      this.dir = new Path(uri);
      this.fs = dir.getFileSystem(hadoopConf);
      // No ".name.crc" side files next to the outputs on local disks (Hadoop's ChecksumFileSystem).
      fs.setWriteChecksum(false);
      fs.mkdirs(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create output directory " + uri + ": " + e.getMessage(), e);
    }
  }

  /** Fully qualified path of the directory. */
  public String uri() {
    return fs.makeQualified(dir).toString();
  }

  public Path path(String name) {
    return new Path(dir, name);
  }

  public FileSystem fileSystem() {
    return fs;
  }

  public void writeString(String name, String content) {
    write(name, content.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes {@code name} atomically with {@code content}. */
  public void write(String name, byte[] content) {
    write(name, out -> out.write(content));
  }

  /** Writes {@code name} atomically with what {@code body} writes to the stream. */
  public void write(String name, StreamBody body) {
    awaitBackgroundWrites();
    writeNow(name, body);
  }

  /**
   * Writes {@code name} atomically as {@link #write} does, on a background thread, and returns at
   * once: for the snapshots a run rewrites while it trains (metrics.csv, summary.json), whose flush
   * to the disk ({@code hsync}) took 11-17 ms each on a local disk, every evaluated round. A newer
   * content of the same name replaces one still waiting. Any other write of this directory first
   * waits for these, so files are never written out of order.
   *
   * @throws UncheckedIOException when an earlier background write failed (a full disk), once
   */
  public void writeInBackground(String name, byte[] content) {
    synchronized (pending) {
      throwBackgroundFailure();
      boolean idle = pending.isEmpty();
      pending.put(name, content);
      if (idle) {
        if (writer == null) {
          writer = new java.util.concurrent.ThreadPoolExecutor(1, 1, 1, java.util.concurrent.TimeUnit.SECONDS,
              new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "fedspark-output-writer");
                t.setDaemon(true);
                return t;
              });
          writer.allowCoreThreadTimeOut(true);
        }
        writer.execute(this::drainPending);
      }
    }
  }

  /**
   * Waits until every background write is on disk.
   *
   * @throws UncheckedIOException when one failed (a full disk), once
   */
  public void awaitBackgroundWrites() {
    synchronized (pending) {
      waitForPending();
      throwBackgroundFailure();
    }
  }

  private void waitForPending() {
    boolean interrupted = false;
    while (!pending.isEmpty()) {
      try {
        pending.wait();
      } catch (InterruptedException e) {
        interrupted = true; // finish waiting: the caller is about to write this directory
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void throwBackgroundFailure() {
    RuntimeException f = backgroundFailure;
    if (f != null) {
      backgroundFailure = null;
      throw f;
    }
  }

  /** The writer thread: writes the oldest pending name's latest content until none is left. */
  private void drainPending() {
    while (true) {
      String name;
      byte[] content;
      synchronized (pending) {
        if (pending.isEmpty()) {
          pending.notifyAll();
          return;
        }
        var first = pending.entrySet().iterator().next();
        name = first.getKey();
        content = first.getValue();
      }
      RuntimeException failure = null;
      try {
        writeNow(name, out -> out.write(content));
      } catch (Throwable e) { // anything: a waiting caller must not wait forever
        failure = e instanceof RuntimeException r ? r
            : new IllegalStateException("cannot write " + new Path(dir, name) + ": " + e, e);
      }
      synchronized (pending) {
        if (failure != null) {
          if (backgroundFailure == null) {
            backgroundFailure = failure;
          }
          pending.clear(); // what the run writes next reports the failure; nothing more is written behind it
        } else if (pending.get(name) == content) {
          pending.remove(name); // else a newer content came meanwhile: written on the next pass
        }
      }
    }
  }

  private void writeNow(String name, StreamBody body) {
    Path target = new Path(dir, name);
    Path tmp = new Path(dir, "." + name + ".tmp-" + UUID.randomUUID());
    try {
      try (FSDataOutputStream out = fs.create(tmp, true)) {
        body.writeTo(out);
        out.hsync();
      }
      replace(tmp, target);
    } catch (IOException | org.apache.hadoop.fs.FSError e) {
      // FSError: Hadoop's local file system reports a failed write (a full disk) as an Error
      try {
        fs.delete(tmp, false);
      } catch (IOException | RuntimeException | org.apache.hadoop.fs.FSError ignored) {
        // the temporary file is hidden; deleteTempFiles() tries again
      }
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(),
          e instanceof IOException io ? io : new IOException(e.getMessage(), e));
    }
  }

  /**
   * Makes sure the directory holds no results of an earlier run among {@code names}: with
   * {@code overwrite} they are deleted (so no stale chart or report survives beside the new run's
   * files), otherwise the run is refused before it starts, so nothing a user kept is lost.
   *
   * @throws ConfigException naming the files found and how to proceed
   */
  public void claim(List<String> names, boolean overwrite) {
    List<String> found = names.stream().filter(this::exists).toList();
    if (found.isEmpty()) {
      return;
    }
    if (!overwrite) {
      throw new ConfigException("output directory " + uri() + " already holds the results of a run ("
          + String.join(", ", found) + "); choose another --out, or pass --overwrite (run.overwrite = true) to replace them");
    }
    for (String name : found) {
      try {
        fs.delete(new Path(dir, name), true); // recursively: models/ is a directory
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete " + new Path(dir, name) + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * Removes the hidden temporary files of {@link #write} that a failed write left behind (a full disk,
   * an interrupted run), so that they neither keep the disk full nor linger next to the results.
   */
  public void deleteTempFiles() {
    synchronized (pending) {
      waitForPending(); // not the background writer's own temporary file; its failure stays to be reported
    }
    try {
      for (org.apache.hadoop.fs.FileStatus s : fs.listStatus(dir)) {
        String n = s.getPath().getName();
        if (s.isFile() && n.startsWith(".") && n.contains(".tmp-")) {
          fs.delete(s.getPath(), false);
        }
      }
    } catch (IOException | RuntimeException | org.apache.hadoop.fs.FSError e) {
      // best effort: the files are hidden, and the caller is already reporting a failure
    }
  }

  /**
   * Rewrites {@code name} in place (truncate, then write), without the temporary copy {@link #write}
   * needs: for the summary of a run whose disk is full, where the old file's space is all there is.
   */
  public void overwriteInPlace(String name, byte[] content) {
    synchronized (pending) {
      waitForPending(); // a failed background write is what the caller is reporting: not thrown again
      backgroundFailure = null;
    }
    Path target = new Path(dir, name);
    try (FSDataOutputStream out = fs.create(target, true)) {
      out.write(content);
      out.hsync();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  public boolean exists(String name) {
    try {
      return fs.exists(new Path(dir, name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void replace(Path tmp, Path target) throws IOException {
    replace(fs, tmp, target);
  }

  /**
   * Renames {@code tmp} onto {@code target} in one step, replacing it: a reader sees the old file or
   * the new one, never neither ({@code FileSystem.rename} does not replace an existing file on HDFS, so
   * deleting first would leave a moment with no file).
   */
  static void replace(FileSystem fs, Path tmp, Path target) throws IOException {
    if ("file".equals(fs.getScheme())) {
      File from = new File(fs.makeQualified(tmp).toUri());
      File to = new File(fs.makeQualified(target).toUri());
      Files.move(from.toPath(), to.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return;
    }
    FileContext fc;
    try {
      fc = FileContext.getFileContext(fs.getUri(), fs.getConf());
    } catch (UnsupportedFileSystemException e) {
      fc = null; // no AbstractFileSystem for this scheme: fall back to delete + rename below
    }
    if (fc != null) {
      fc.rename(tmp, target, Options.Rename.OVERWRITE);
      return;
    }
    if (fs.exists(target) && !fs.delete(target, false)) {
      throw new IOException("cannot replace " + target);
    }
    if (!fs.rename(tmp, target)) {
      throw new IOException("cannot rename " + tmp + " to " + target);
    }
  }

  /** Content producer for {@link #write(String, StreamBody)}. */
  @FunctionalInterface
  public interface StreamBody {
    void writeTo(OutputStream out) throws IOException;
  }
}
