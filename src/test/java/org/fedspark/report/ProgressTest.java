package org.fedspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressTest {
  @Test
  void linesModePrintsOneLinePerRoundWithTheStatusAndNoDuplicateAtTheEnd() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
    try (Progress p = new Progress("fedavg", 3, Progress.Mode.LINES, ps)) {
      for (int t = 1; t <= 3; t++) {
        p.roundDone(t, "acc 0." + t);
      }
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    List<String> lines = out.strip().lines().toList();
    // the library's timer may add a line of its own at the start; every round's line appears once
    for (int t = 1; t <= 3; t++) {
      String round = t + "/3 rounds";
      String status = "acc 0." + t;
      assertEquals(1, lines.stream().filter(l -> l.contains(round) && l.endsWith(status)).count(), out);
    }
    assertTrue(lines.get(lines.size() - 1).contains("3/3 rounds"), out);
    for (int i = 1; i < lines.size(); i++) {
      assertTrue(!lines.get(i).equals(lines.get(i - 1)), "repeated line in\n" + out);
    }
  }

  @Test
  void offModePrintsNothing() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (Progress p = new Progress("fedavg", 2, Progress.Mode.OFF, new PrintStream(buf, true, StandardCharsets.UTF_8))) {
      p.roundDone(1, "x");
      p.roundDone(2, "y");
    }
    assertEquals(0, buf.size());
  }
}
