package org.fedspark.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small Fashion-MNIST-shaped IDX files for tests. */
final class IdxFiles {
  private IdxFiles() {}

  /** Image i has pixel 0 = i (mod 256) and pixel j = (7i + 13j) mod 256; label i = (3i) mod 10. */
  static void writeDataset(Path dir, int train, int test, int rows, int cols) throws IOException {
    Files.createDirectories(dir);
    gz(dir.resolve("train-images-idx3-ubyte.gz"), images(0, train, rows, cols));
    gz(dir.resolve("train-labels-idx1-ubyte.gz"), labels(0, train));
    gz(dir.resolve("t10k-images-idx3-ubyte.gz"), images(train, test, rows, cols));
    gz(dir.resolve("t10k-labels-idx1-ubyte.gz"), labels(train, test));
  }

  static int pixel(int image, int j) {
    return j == 0 ? image % 256 : (7 * image + 13 * j) % 256;
  }

  static int label(int image) {
    return (3 * image) % 10;
  }

  static byte[] images(int first, int count, int rows, int cols) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(IdxReader.IMAGES_MAGIC);
    out.writeInt(count);
    out.writeInt(rows);
    out.writeInt(cols);
    for (int i = first; i < first + count; i++) {
      for (int j = 0; j < rows * cols; j++) {
        out.writeByte(pixel(i, j));
      }
    }
    return bytes.toByteArray();
  }

  static byte[] labels(int first, int count) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(IdxReader.LABELS_MAGIC);
    out.writeInt(count);
    for (int i = first; i < first + count; i++) {
      out.writeByte(label(i));
    }
    return bytes.toByteArray();
  }

  static void gz(Path file, byte[] content) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(content);
    }
  }
}
