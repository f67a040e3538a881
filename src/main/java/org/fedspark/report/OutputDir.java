package org.fedspark.report;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A run's output directory on any Hadoop file system (local, hdfs://, s3a://). Every file is written
 * atomically: first to a hidden temporary file in the same directory, then renamed over the target, so
 * a crash leaves either the previous complete version or none, never a truncated file that looks whole.
 * (On object stores without atomic rename, such as S3, the rename is a copy; the temporary name still
 * keeps readers away from partial content.)
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
      if (fs.exists(target) && !fs.delete(target, false)) {
        throw new IOException("cannot replace " + target);
      }
      if (!fs.rename(tmp, target)) {
        throw new IOException("cannot rename " + tmp + " to " + target);
      }
    } catch (IOException e) {
      try {
        fs.delete(tmp, false);
      } catch (IOException ignored) {
        // the temporary file is hidden and harmless
      }
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

  /** Content producer for {@link #write(String, StreamBody)}. */
  @FunctionalInterface
  public interface StreamBody {
    void writeTo(OutputStream out) throws IOException;
  }
}
