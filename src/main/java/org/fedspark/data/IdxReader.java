package org.fedspark.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST (LeCun et al.; Xiao, Rasul &amp; Vollgraf 2017,
 * "Fashion-MNIST: a novel image dataset for benchmarking machine learning algorithms"): a big-endian
 * magic number {@code 0x00000803} (unsigned bytes, 3 dimensions) for images or {@code 0x00000801} for
 * labels, the dimension sizes as big-endian int32, then the bytes. Files ending in {@code .gz} are
 * gunzipped on the fly. Every deviation — wrong magic, impossible dimensions, a short or overlong body,
 * a broken gzip stream — is a {@link DataException} naming the file and the problem.
 */
final class IdxReader {
  static final int IMAGES_MAGIC = 0x00000803;
  static final int LABELS_MAGIC = 0x00000801;

  private IdxReader() {}

  /**
   * An IDX image file, opened with its header read and checked and its pixels not yet read: so that a
   * caller that pools several files (Fashion-MNIST's train and test images) can size one array for
   * all of them and read each file straight into its place, instead of reading them apart and then
   * copying both into the pool.
   */
  static final class ImageFile implements java.io.Closeable {
    private final Path path;
    private final DataInputStream in;
    private final int count;
    private final int rows;
    private final int cols;

    private ImageFile(Path path, DataInputStream in, int count, int rows, int cols) {
      this.path = path;
      this.in = in;
      this.count = count;
      this.rows = rows;
      this.cols = cols;
    }

    static ImageFile open(FileSystem fs, Path path) {
      DataInputStream in = null;
      try {
        in = IdxReader.open(fs, path);
        checkMagic(in, path, IMAGES_MAGIC, "images");
        int count = in.readInt();
        int rows = in.readInt();
        int cols = in.readInt();
        if (count < 0 || rows <= 0 || cols <= 0 || (long) count * rows * cols > Integer.MAX_VALUE - 8) {
          throw new DataException(path + ": impossible image dimensions " + count + " x " + rows + " x " + cols
              + " in the IDX header; the file is corrupt: reinstall it");
        }
        return new ImageFile(path, in, count, rows, cols);
      } catch (IOException | RuntimeException e) {
        if (in != null) {
          try {
            in.close();
          } catch (IOException ignored) {
            // the error being reported is the one that matters
          }
        }
        throw e instanceof IOException io ? unreadable(path, io) : (RuntimeException) e;
      }
    }

    int count() {
      return count;
    }

    int rows() {
      return rows;
    }

    int cols() {
      return cols;
    }

    /** The pixel bytes the header announces. */
    int bytes() {
      return count * rows * cols;
    }

    /**
     * Reads every image and puts image {@code k} at row {@code position[first + k]} of {@code dst}
     * (rows of {@code rows·cols} bytes), skipping those whose position is −1; then checks that nothing
     * follows the images. The images pass through a 64 KB buffer, so the caller's layout costs one copy
     * of each row and no second table.
     */
    void readRowsInto(byte[] dst, int[] position, int first) {
      int w = rows * cols;
      String what = count + " images of " + rows + "x" + cols;
      int per = w == 0 ? count : Math.max(1, Math.min(count, (64 << 10) / w));
      byte[] buf = new byte[per * w];
      try {
        for (int done = 0; done < count; done += per) {
          int n = Math.min(per, count - done);
          readExactly(in, path, buf, n * w, (long) done * w, bytes(), what);
          for (int k = 0; k < n; k++) {
            int p = position[first + done + k];
            if (p >= 0) {
              System.arraycopy(buf, k * w, dst, p * w, w);
            }
          }
        }
        checkEnd(in, path, what);
      } catch (IOException e) {
        throw unreadable(path, e);
      }
    }

    @Override
    public void close() {
      try {
        in.close();
      } catch (IOException e) {
        throw unreadable(path, e);
      }
    }
  }

  static byte[] readLabels(FileSystem fs, Path path) {
    try (DataInputStream in = open(fs, path)) {
      checkMagic(in, path, LABELS_MAGIC, "labels");
      int count = in.readInt();
      if (count < 0) {
        throw new DataException(path + ": negative label count " + count + " in the IDX header; the file is corrupt");
      }
      byte[] labels = new byte[count];
      readBody(in, path, labels, count, count + " labels");
      return labels;
    } catch (IOException e) {
      throw unreadable(path, e);
    }
  }

  private static DataInputStream open(FileSystem fs, Path path) throws IOException {
    InputStream raw = fs.open(path);
    try {
      return new DataInputStream(path.getName().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw);
    } catch (IOException e) {
      raw.close();
      throw e;
    }
  }

  private static void checkMagic(DataInputStream in, Path path, int expected, String what) throws IOException {
    int magic = in.readInt();
    if (magic != expected) {
      throw new DataException(String.format("%s: not an IDX %s file (magic number 0x%08x, expected 0x%08x);"
          + " check that data.path points at the Fashion-MNIST files", path, what, magic, expected));
    }
  }

  private static void readBody(DataInputStream in, Path path, byte[] body, int length, String what)
      throws IOException {
    readExactly(in, path, body, length, 0, length, what);
    checkEnd(in, path, what);
  }

  /**
   * Reads {@code length} bytes into {@code body} from offset 0; {@code before} bytes of the body
   * ({@code total} in all) came before them, for the message when the file ends early.
   */
  private static void readExactly(DataInputStream in, Path path, byte[] body, int length, long before, long total,
      String what) throws IOException {
    int read = 0;
    while (read < length) {
      int r = in.read(body, read, length - read);
      if (r < 0) {
        throw new DataException(path + ": truncated: the header announces " + what + " (" + total
            + " bytes) but the file ends after " + (before + read) + "; re-download or reinstall it");
      }
      read += r;
    }
  }

  private static void checkEnd(DataInputStream in, Path path, String what) throws IOException {
    if (in.read() >= 0) {
      throw new DataException(path + ": has bytes after the " + what + " its header announces; the file is"
          + " corrupt: re-download or reinstall it");
    }
  }

  private static DataException unreadable(Path path, IOException e) {
    if (e instanceof EOFException) {
      return new DataException(path + ": truncated (the file or its gzip stream ends early); re-download or"
          + " reinstall it", e);
    }
    if (e instanceof ZipException) {
      return new DataException(path + ": not a valid gzip file (" + e.getMessage() + "); re-download it, or"
          + " gunzip it and drop the .gz suffix", e);
    }
    return new DataException(path + ": cannot be read: " + e, e);
  }
}
