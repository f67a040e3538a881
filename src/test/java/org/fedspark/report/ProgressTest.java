package org.fedspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void linesModePrintsAStartLineThenExactlyOneLinePerRoundWithElapsedEtaAndStatus() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
    AtomicLong now = new AtomicLong(5 * SECOND); // the clock's origin is arbitrary; elapsed counts from construction
    try (Progress p = new Progress("fedavg", 3, Progress.Mode.LINES, ps, now::get)) {
      for (int t = 1; t <= 3; t++) {
        now.addAndGet(10 * SECOND);
        p.roundDone(t, "acc 0." + t);
      }
    }
    // 10 s per round: the ETA is the mean round time times the rounds left
    List<String> expected = List.of(
        "fedavg   0% [                                                                                ] 0/3 rounds (0:00:00 / ?) ",
        "fedavg  33% [======================                                             ] 1/3 rounds (0:00:10 / 0:00:20) acc 0.1",
        "fedavg  66% [============================================                       ] 2/3 rounds (0:00:20 / 0:00:10) acc 0.2",
        "fedavg 100% [===================================================================] 3/3 rounds (0:00:30 / 0:00:00) acc 0.3");
    assertEquals(expected, buf.toString(StandardCharsets.UTF_8).lines().toList());
  }

  /** Expected strings rendered by the progressbar library (ASCII style, 120 wide), so logs read as the bar does. */
  @Test
  void lineHasTheLayoutOfTheLibrarysBar() {
    assertEquals("fedavg   3% [==                                                                    ]   7/200 rounds"
        + " (0:00:00 / 0:00:05) ", Progress.line("fedavg", 7, 200, Duration.ofMillis(200), "", 120));
    String task = "a-very-long-task-name-that-goes-on-and-on-and-on-and-on-and-on";
    assertEquals(task + "   0% [                  ]    0/1000 rounds (0:00:00 / ?) ",
        Progress.line(task, 0, 1000, Duration.ZERO, "", 120));
    // the status is cut to the width, leaving a bar of one space
    assertEquals(task + "  99% [ ]  999/1000 rounds (0:00:00 / 0:00:00) acc 0.81234",
        Progress.line(task, 999, 1000, Duration.ZERO, "acc 0.812345 loss 0.5321", 120));
  }

  @Test
  void lineShowsHoursMinutesAndSeconds() {
    // 3725 s for 1 round of 3: 2 rounds left take 7450 s
    assertEquals("fedavg  33% [==================                                    ] 1/3 rounds (1:02:05 / 2:04:10) ok",
        Progress.line("fedavg", 1, 3, Duration.ofSeconds(3725), "ok", 102));
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
