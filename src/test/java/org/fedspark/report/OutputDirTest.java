package org.fedspark.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputDirTest {
  @TempDir
  Path tmp;

  @Test
  void replacesFilesWholeAndLeavesNoTemporaryFiles() throws IOException {
    OutputDir out = new OutputDir(tmp.resolve("run").toString(), new Configuration());
    out.writeString("metrics.csv", "a\n1\n");
    out.writeString("metrics.csv", "a\n1\n2\n");
    assertEquals("a\n1\n2\n", Files.readString(tmp.resolve("run/metrics.csv")));
    try (var files = Files.list(tmp.resolve("run"))) {
      assertEquals(1, files.filter(p -> !p.getFileName().toString().endsWith(".crc")).count());
    }
  }

  @Test
  void aFailedWriteKeepsThePreviousVersion() throws IOException {
    OutputDir out = new OutputDir(tmp.resolve("run").toString(), new Configuration());
    out.write("summary.json", "{\"status\":\"running\"}".getBytes());
    assertThrows(UncheckedIOException.class, () -> out.write("summary.json", os -> {
      os.write("{\"status\":\"comp".getBytes());
      throw new IOException("disk full");
    }));
    assertArrayEquals("{\"status\":\"running\"}".getBytes(), Files.readAllBytes(tmp.resolve("run/summary.json")));
    try (var files = Files.list(tmp.resolve("run"))) {
      assertEquals(0, files.filter(p -> p.getFileName().toString().contains(".tmp-")).count());
    }
  }
}
