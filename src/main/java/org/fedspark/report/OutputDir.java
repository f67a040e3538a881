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
