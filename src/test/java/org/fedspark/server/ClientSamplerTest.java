package org.fedspark.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ClientSamplerTest {

  @Test
  void samplesTheRightNumberOfDistinctSortedClients() {
    ClientSampler s = new ClientSampler(100, 0.1, 5);
    for (int round = 1; round <= 50; round++) {
      int[] ids = s.sample(round);
      assertEquals(10, ids.length);
      for (int i = 1; i < ids.length; i++) {
        assertTrue(ids[i] > ids[i - 1]);
      }
      assertTrue(ids[0] >= 0 && ids[9] < 100);
    }
  }

  @Test
  void deterministicPerRoundAndDifferentAcrossRounds() {
    ClientSampler a = new ClientSampler(1000, 0.05, 9);
    ClientSampler b = new ClientSampler(1000, 0.05, 9);
    assertArrayEquals(a.sample(3), b.sample(3));
    assertFalse(Arrays.equals(a.sample(3), a.sample(4)));
  }

  @Test
  void everyClientIsSampledAboutEquallyOften() {
    ClientSampler s = new ClientSampler(20, 0.25, 1);
    int[] counts = new int[20];
    for (int r = 1; r <= 4000; r++) {
      for (int c : s.sample(r)) {
        counts[c]++;
      }
    }
    // expectation 1000 each, sd ≈ 27
    for (int c : counts) {
      assertTrue(c > 880 && c < 1120, Arrays.toString(counts));
    }
  }

  @Test
  void fullParticipationAndAtLeastOne() {
    assertEquals(7, new ClientSampler(7, 1.0, 1).sample(1).length);
    assertEquals(1, new ClientSampler(7, 0.01, 1).sample(1).length);
  }
}
