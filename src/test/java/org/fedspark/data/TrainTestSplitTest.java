package org.fedspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TrainTestSplitTest {
  @Test
  void testCountRoundsButKeepsOneOfEachFromTwoExamplesOn() {
    assertEquals(0, TrainTestSplit.testCount(0, 0.1));
    assertEquals(0, TrainTestSplit.testCount(1, 0.9));
    assertEquals(1, TrainTestSplit.testCount(2, 0.01));
    assertEquals(1, TrainTestSplit.testCount(2, 0.99));
    assertEquals(1, TrainTestSplit.testCount(5, 0.1));
    assertEquals(10, TrainTestSplit.testCount(100, 0.1));
    assertEquals(3, TrainTestSplit.testCount(25, 0.1));
    assertEquals(0, TrainTestSplit.testCount(100, 0));
    assertThrows(DataException.class, () -> TrainTestSplit.testCount(10, 1.0));
    assertThrows(DataException.class, () -> TrainTestSplit.testCount(10, -0.1));
  }

  @Test
  void splitIsASeededPermutationOfTheClientsRows() {
    int n = 50;
    double[] x = new double[n * 2];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      x[2 * i] = i;
      x[2 * i + 1] = -i;
      y[i] = i % 3;
    }
    LocalDataset all = new LocalDataset(x, y, 2);
    ClientData a = TrainTestSplit.split(7, all, 0.2, 99);
    assertEquals(40, a.train().size());
    assertEquals(10, a.test().size());
    double[] seen = new double[n];
    for (LocalDataset part : new LocalDataset[] {a.train(), a.test()}) {
      for (int i = 0; i < part.size(); i++) {
        int row = (int) part.features()[2 * i];
        assertEquals(-row, part.features()[2 * i + 1]);
        assertEquals(row % 3, part.label(i));
        seen[row]++;
      }
    }
    assertTrue(Arrays.stream(seen).allMatch(v -> v == 1), "every row exactly once");
    ClientData again = TrainTestSplit.split(7, all, 0.2, 99);
    assertArrayEquals(a.test().features(), again.test().features());
    assertNotEquals(Arrays.toString(a.test().features()),
        Arrays.toString(TrainTestSplit.split(8, all, 0.2, 99).test().features()), "another client, another shuffle");
  }
}
