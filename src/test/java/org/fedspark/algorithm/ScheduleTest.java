package org.fedspark.algorithm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fedspark.config.ConfigException;
import org.junit.jupiter.api.Test;

class ScheduleTest {
  @Test
  void eachShapeFollowsItsClosedForm() {
    Schedule c = Schedule.of("train.lr", "constant", 0.3, 1.0, 0, 0, 10);
    assertEquals(0.3, c.at(1));
    assertEquals(0.3, c.at(10));
    Schedule e = Schedule.of("train.lr", "exponential", 0.3, 0.5, 0, 0, 10);
    assertEquals(0.3, e.at(1));
    assertEquals(0.075, e.at(3), 1e-17);
    Schedule cos = Schedule.of("train.lr", "cosine", 1.0, 1.0, 0.1, 0, 5);
    assertEquals(1.0, cos.at(1), 1e-15);
    assertEquals(0.55, cos.at(3), 1e-15); // halfway: (1 + cos(π/2))/2 = ½
    assertEquals(0.1, cos.at(5), 1e-15);
    assertEquals(0.1, cos.at(7), 1e-15); // past the last round it stays at the minimum
    Schedule w = Schedule.of("train.lr", "constant", 0.4, 1.0, 0, 4, 10);
    assertEquals(0.1, w.at(1), 1e-17);
    assertEquals(0.3, w.at(3), 1e-16);
    assertEquals(0.4, w.at(4));
    assertEquals(0.4, w.at(9));
  }

  @Test
  void aDecayThatWouldHaveNoEffectIsRefusedNamingTheKeys() {
    ConfigException e = assertThrows(ConfigException.class, () -> Schedule.of("server.lr", "constant", 1, 0.9, 0, 0, 5));
    assertTrue(e.getMessage().contains("server.lr-decay") && e.getMessage().contains("server.lr-schedule = exponential"),
        e.getMessage());
    ConfigException m = assertThrows(ConfigException.class, () -> Schedule.of("train.lr", "cosine", 0.1, 1, 0.5, 0, 5));
    assertTrue(m.getMessage().contains("train.lr-min"), m.getMessage());
  }
}
