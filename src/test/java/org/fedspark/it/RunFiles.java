package org.fedspark.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Reading a run's outputs through the Hadoop FileSystem API, wherever they are. */
final class RunFiles {
  /** Columns that measure wall-clock time: the only ones two runs of one configuration may differ in. */
  static final List<String> TIMES = List.of("round_seconds", "eval_seconds", "elapsed_seconds");

  private RunFiles() {}

  static String read(String uri) throws IOException {
    Path p = new Path(uri);
    FileSystem fs = p.getFileSystem(new Configuration());
    try (InputStream in = fs.open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** {@code metrics.csv} of run directory {@code out}, one string per row, without the wall-clock columns. */
  static List<String> comparableMetrics(String out) throws IOException {
    List<String> lines = read(out + "/metrics.csv").lines().toList();
    String[] header = lines.get(0).split(",");
    List<String> rows = new ArrayList<>();
    for (String line : lines) {
      String[] cells = line.split(",", -1);
      if (cells.length != header.length) {
        throw new AssertionError(out + "/metrics.csv: a row with " + cells.length + " cells under a header of "
            + header.length + ": " + line);
      }
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < header.length; i++) {
        if (!TIMES.contains(header[i])) {
          b.append(header[i]).append('=').append(cells[i]).append(' ');
        }
      }
      rows.add(b.toString());
    }
    return rows;
  }

  static JsonNode summary(String out) throws IOException {
    return new ObjectMapper().readTree(read(out + "/summary.json"));
  }
}
