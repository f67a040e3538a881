package org.fedspark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResumeScheduleTest {
  private static final long S = 1_000_000_000L;

  /** The rounds that get a resume point when round r ends at ends[r - 1] seconds. */
  private static List<Integer> due(ResumeSchedule s, double... ends) {
    List<Integer> out = new ArrayList<>();
    for (int r = 1; r <= ends.length; r++) {
      if (s.due(r, (long) (ends[r - 1] * S))) {
        out.add(r);
      }
    }
    return out;
  }

  @Test
  void byRoundsOnly() {
    assertEquals(List.of(3, 6), due(new ResumeSchedule(3, 0, 0), 1, 2, 3, 4, 5, 6, 7));
  }

  @Test
  void byTimeCountsFromTheLastPointNotFromAFixedGrid() {
    // 60 s: round 3 ends at 61 s (first point); the next is due at 61 + 60 = 121 s, so round 6 (122 s), not round 5 (120 s)
    assertEquals(List.of(3, 6), due(new ResumeSchedule(0, 60, 0), 20, 40, 61, 100, 120, 122, 150));
  }

  @Test
  void byTimeStartsFromTheGivenStart() {
    assertEquals(List.of(2), due(new ResumeSchedule(0, 10, 5 * S), 14, 15.5, 20));
  }

  @Test
  void bothAndNeither() {
    // rounds every 4 and 30 s: round 2 by time (31 s), round 4 by rounds (50 s), which also resets the clock: round
    // 7 (79 s) is 29 s after it, so not due, though 48 s after round 2
    assertEquals(List.of(2, 4, 8), due(new ResumeSchedule(4, 30, 0), 10, 31, 40, 50, 60, 70, 79, 90));
    assertEquals(List.of(), due(new ResumeSchedule(0, 0, 0), 1e3, 2e3, 3e3, 4e3));
  }
}
