package org.fedspark.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/**
 * Reads a text data file line by line through the Hadoop FileSystem API, decompressing it by its
 * suffix (.gz, .bz2, …) the way Spark's text-based sources do, for the diagnostic scans.
 */
final class TextLines {
  private TextLines() {}

  /** Receives each line with its 1-based number; returns a result to stop, or null to go on. */
  interface Visitor<T> {
    T visit(long lineNumber, String line);
  }

  /**
   * Scans {@code files} in order, each with a fresh visitor from {@code perFile} (so per-file state such
   * as a pending header starts over), and returns the first result any of them gives.
   */
  static <T> Optional<T> firstInFiles(Configuration conf, List<String> files, Function<String, Visitor<T>> perFile) {
    for (String file : files) {
      T result = scan(conf, file, perFile.apply(file));
      if (result != null) {
        return Optional.of(result);
      }
    }
    return Optional.empty();
  }

  /** Visits the lines of {@code file} until the visitor returns a result; null if it never does. */
  static <T> T scan(Configuration conf, String file, Visitor<T> visitor) {
    Path path = InputFiles.toPath(file);
    try {
      InputStream raw = path.getFileSystem(conf).open(path);
      CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
      InputStream in = codec == null ? raw : codec.createInputStream(raw);
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        long number = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          T result = visitor.visit(++number, line);
          if (result != null) {
            return result;
          }
        }
        return null;
      }
    } catch (IOException e) {
      throw new DataException("cannot read " + file + " while looking for the bad line: " + e, e);
    }
  }
}
