package org.fedspark.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.fedspark.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputDirTest {
  @TempDir
  Path tmp;

  private static void assertNoTemporaryFiles(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      assertEquals(0, files.filter(p -> p.getFileName().toString().contains(".tmp-")).count());
    }
  }

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
    assertNoTemporaryFiles(tmp.resolve("run"));
  }

  @Test
  void backgroundWritesLandInOrderWithTheLatestContentAndBeforeAnyLaterWrite() throws IOException {
    OutputDir out = new OutputDir(tmp.resolve("run").toString(), new Configuration());
    for (int i = 1; i <= 50; i++) {
      out.writeInBackground("metrics.csv", ("rows " + i + "\n").getBytes());
      out.writeInBackground("summary.json", ("{\"rounds\":" + i + "}").getBytes());
    }
    out.awaitBackgroundWrites();
    assertEquals("rows 50\n", Files.readString(tmp.resolve("run/metrics.csv")));
    assertEquals("{\"rounds\":50}", Files.readString(tmp.resolve("run/summary.json")));
    // A direct write of the same name waits for a queued one, so the direct one is what stays.
    byte[] large = new byte[4 << 20];
    out.writeInBackground("summary.json", large);
    out.writeString("summary.json", "{\"status\":\"completed\"}");
    assertEquals("{\"status\":\"completed\"}", Files.readString(tmp.resolve("run/summary.json")));
    assertNoTemporaryFiles(tmp.resolve("run"));
  }

  @Test
  void aFailedBackgroundWriteIsReportedOnceAndKeepsThePreviousVersion() throws IOException {
    OutputDir out = new OutputDir(tmp.resolve("run").toString(), new Configuration());
    out.writeString("summary.json", "{\"status\":\"running\"}");
    // A non-empty directory where metrics.csv would go: the rename onto it fails.
    Files.createDirectories(tmp.resolve("run/metrics.csv"));
    Files.writeString(tmp.resolve("run/metrics.csv/keep"), "x");
    out.writeInBackground("metrics.csv", "round\n1\n".getBytes());
    UncheckedIOException e = assertThrows(UncheckedIOException.class, out::awaitBackgroundWrites);
    assertTrue(e.getMessage().contains("metrics.csv"), e.getMessage());
    out.awaitBackgroundWrites(); // reported once, not again
    out.writeInBackground("metrics.csv", "round\n2\n".getBytes());
    // Reported by the next background write if the failure came first, else by the wait; either way
    // what was queued behind the failure is not written.
    assertThrows(UncheckedIOException.class, () -> {
      out.writeInBackground("summary.json", "{}".getBytes());
      out.awaitBackgroundWrites();
    });
    out.awaitBackgroundWrites();
    assertEquals("{\"status\":\"running\"}", Files.readString(tmp.resolve("run/summary.json")),
        "nothing is queued behind a failure");
    out.deleteTempFiles();
    assertNoTemporaryFiles(tmp.resolve("run"));
  }

  @Test
  void refusesADirectoryHoldingAnEarlierRunUnlessToldToOverwrite() throws IOException {
    OutputDir out = new OutputDir(tmp.resolve("run").toString(), new Configuration());
    out.writeString("metrics.csv", "round\n1\n");
    out.writeString("notes.txt", "mine");
    List<String> names = List.of("summary.json", "metrics.csv", "report.html");
    ConfigException e = assertThrows(ConfigException.class, () -> out.claim(names, false));
    assertTrue(e.getMessage().contains("metrics.csv") && e.getMessage().contains("--overwrite"), e.getMessage());
    assertTrue(Files.exists(tmp.resolve("run/metrics.csv")), "nothing is deleted when refusing");
    out.claim(names, true);
    assertFalse(Files.exists(tmp.resolve("run/metrics.csv")));
    assertTrue(Files.exists(tmp.resolve("run/notes.txt")), "files that are not outputs are left alone");
    out.claim(names, false); // now empty of results: accepted
  }
}
