package org.fedspark.data.partition;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.fedspark.data.DataSpec;
import org.junit.jupiter.api.Test;

class PartitionersTest {
  private static final List<LabelPartitioner> ALL = List.of(new IidPartitioner(), new DirichletPartitioner(0.3),
      new ShardsPartitioner(2), new QuantitySkewPartitioner(1.0));

  /** n labels over k classes with uneven class sizes (class j drawn with weight j + 1). */
  private static int[] labels(int n, int k, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int total = k * (k + 1) / 2;
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      int r = rng.nextInt(total);
      int c = 0;
      while (r >= c + 1) {
        r -= c + 1;
        c++;
      }
      y[i] = c;
    }
    return y;
  }

  private static int[] sizes(int[] clientOf, int numClients) {
    int[] s = new int[numClients];
    for (int c : clientOf) {
      assertTrue(c >= 0 && c < numClients, "client " + c + " out of range");
      s[c]++;
    }
    return s;
  }

  /** Number of distinct classes of each client. */
  private static int[] classesPerClient(int[] clientOf, int[] labels, int numClients, int numClasses) {
    boolean[][] seen = new boolean[numClients][numClasses];
    for (int i = 0; i < labels.length; i++) {
      seen[clientOf[i]][labels[i]] = true;
    }
    int[] out = new int[numClients];
    for (int c = 0; c < numClients; c++) {
      for (boolean b : seen[c]) {
        out[c] += b ? 1 : 0;
      }
    }
    return out;
  }

  /** Mean over clients of the inverse Simpson index 1/Σ p_k²: the effective number of classes. */
  private static double effectiveClasses(int[] clientOf, int[] labels, int numClients, int numClasses) {
    double[][] counts = new double[numClients][numClasses];
    int[] size = sizes(clientOf, numClients);
    for (int i = 0; i < labels.length; i++) {
      counts[clientOf[i]][labels[i]]++;
    }
    double sum = 0;
    for (int c = 0; c < numClients; c++) {
      double s2 = 0;
      for (double v : counts[c]) {
        s2 += (v / size[c]) * (v / size[c]);
      }
      sum += 1 / s2;
    }
    return sum / numClients;
  }

  @Test
  void everyPartitionerPlacesEveryExampleInRangeAndLeavesLabelsAlone() {
    int[] y = labels(5000, 10, 1);
    int[] copy = y.clone();
    for (LabelPartitioner p : ALL) {
      int[] clientOf = p.assign(y, 10, 40, 7);
      assertEquals(y.length, clientOf.length, p.describe());
      int[] s = sizes(clientOf, 40);
      assertEquals(y.length, Arrays.stream(s).sum(), p.describe());
      assertTrue(Arrays.stream(s).allMatch(v -> v >= 2), p.describe() + " left a client below 2: " + Arrays.toString(s));
    }
    assertArrayEquals(copy, y);
  }

  @Test
  void sameSeedSameAssignmentOtherSeedOtherAssignment() {
    int[] y = labels(3000, 10, 2);
    for (LabelPartitioner p : ALL) {
      int[] a = p.assign(y, 10, 30, 11);
      assertArrayEquals(a, p.assign(y.clone(), 10, 30, 11), p.describe());
      assertFalse(Arrays.equals(a, p.assign(y, 10, 30, 12)), p.describe());
    }
  }

  @Test
  void fewerExamplesThanClientsStillPlacesEveryExample() {
    int[] y = {0, 1, 1};
    for (LabelPartitioner p : ALL) {
      int[] clientOf = p.assign(y, 2, 5, 3);
      assertEquals(3, Arrays.stream(sizes(clientOf, 5)).sum(), p.describe());
    }
    for (LabelPartitioner p : ALL) {
      assertEquals(0, p.assign(new int[0], 2, 5, 3).length, p.describe());
    }
  }

  @Test
  void iidSizesDifferByAtMostOneAndFollowTheGlobalMix() {
    int[] y = labels(10_007, 10, 3);
    int[] clientOf = new IidPartitioner().assign(y, 10, 10, 5);
    int[] s = sizes(clientOf, 10);
    assertTrue(Arrays.stream(s).max().getAsInt() - Arrays.stream(s).min().getAsInt() <= 1, Arrays.toString(s));
    assertTrue(effectiveClasses(clientOf, y, 10, 10) > 7.5);
  }

  @Test
  void dirichletWithTinyAlphaAndManyClientsTerminatesFastAndIsMoreSkewed() {
    int[] y = labels(20_000, 10, 4);
    int[] skewed = assertTimeoutPreemptively(Duration.ofSeconds(5),
        () -> new DirichletPartitioner(0.05).assign(y, 10, 1000, 9));
    int[] flat = new DirichletPartitioner(100).assign(y, 10, 1000, 9);
    int[] s = sizes(skewed, 1000);
    assertTrue(Arrays.stream(s).allMatch(v -> v >= 2), "a client got fewer than 2 examples");
    double effSkewed = effectiveClasses(skewed, y, 1000, 10);
    double effFlat = effectiveClasses(flat, y, 1000, 10);
    // Near one class per client (clients filled up by the repair may hold two) against a near-IID mix.
    assertTrue(effSkewed < 2.5, "alpha 0.05 should give one or two classes per client, got " + effSkewed);
    assertTrue(effFlat > 5, "alpha 100 should mix classes, got " + effFlat);
    assertTrue(effFlat > 2 * effSkewed);
  }

  @Test
  void dirichletRepairsEvenWhenAlmostEveryClientIsEmpty() {
    int[] y = labels(2000, 2, 5);
    int[] clientOf = new DirichletPartitioner(0.001).assign(y, 2, 1000, 1);
    assertTrue(Arrays.stream(sizes(clientOf, 1000)).allMatch(v -> v == 2));
  }

  @Test
  void shardsGiveAtMostShardsPerClientClasses() {
    int[] balanced = new int[60_000];
    for (int i = 0; i < balanced.length; i++) {
      balanced[i] = i % 10;
    }
    int[] clientOf = new ShardsPartitioner(2).assign(balanced, 10, 100, 1);
    assertTrue(Arrays.stream(classesPerClient(clientOf, balanced, 100, 10)).allMatch(v -> v <= 2));
    int[] s = sizes(clientOf, 100);
    assertTrue(Arrays.stream(s).allMatch(v -> v == 600), "McMahan's cut: 100 clients x 2 shards of 300");

    int[] uneven = labels(7_777, 10, 6);
    for (int spc : new int[] {1, 2, 3}) {
      int[] c = new ShardsPartitioner(spc).assign(uneven, 10, 37, 2);
      int[] k = classesPerClient(c, uneven, 37, 10);
      assertTrue(Arrays.stream(k).allMatch(v -> v <= spc), spc + " shards: " + Arrays.toString(k));
    }
  }

  @Test
  void quantitySkewSizesDifferButLabelsStayMixed() {
    int[] y = labels(20_000, 10, 7);
    int[] clientOf = new QuantitySkewPartitioner(1.0).assign(y, 10, 50, 3);
    int[] s = sizes(clientOf, 50);
    int max = Arrays.stream(s).max().getAsInt();
    int min = Arrays.stream(s).min().getAsInt();
    assertTrue(min >= 2);
    assertTrue(max > 4 * min, "sizes should be skewed: " + Arrays.toString(s));
    int[] even = sizes(new QuantitySkewPartitioner(0).assign(y, 10, 50, 3), 50);
    assertTrue(Arrays.stream(even).max().getAsInt() - Arrays.stream(even).min().getAsInt() <= 1);
    // The largest client holds a random sample, so its label mix matches the global one.
    int biggest = 0;
    for (int c = 1; c < 50; c++) {
      biggest = s[c] > s[biggest] ? c : biggest;
    }
    double[] global = new double[10];
    double[] local = new double[10];
    for (int i = 0; i < y.length; i++) {
      global[y[i]] += 1.0 / y.length;
      if (clientOf[i] == biggest) {
        local[y[i]] += 1.0 / s[biggest];
      }
    }
    for (int k = 0; k < 10; k++) {
      assertEquals(global[k], local[k], 0.05, "class " + k);
    }
  }

  @Test
  void factoryFollowsTheSpec() {
    assertEquals("dirichlet(0.5)", LabelPartitioners.of(
        new DataSpec.PartitionSpec(DataSpec.Scheme.DIRICHLET, 10, 0.5, 2, 1)).describe());
    assertEquals("shards(3)", LabelPartitioners.of(
        new DataSpec.PartitionSpec(DataSpec.Scheme.SHARDS, 10, 0.5, 3, 1)).describe());
    assertEquals("quantity-skew(1.5)", LabelPartitioners.of(
        new DataSpec.PartitionSpec(DataSpec.Scheme.QUANTITY_SKEW, 10, 0.5, 3, 1.5)).describe());
    assertEquals("iid", LabelPartitioners.of(
        new DataSpec.PartitionSpec(DataSpec.Scheme.IID, 10, 0.5, 3, 1.5)).describe());
  }

  @Test
  void largestRemainderSumsExactly() {
    int[] a = PartitionMath.largestRemainder(new double[] {1, 1, 1}, 10);
    assertArrayEquals(new int[] {4, 3, 3}, a);
    int[] b = PartitionMath.largestRemainder(new double[] {1e-300, 5, 0, 2.5}, 1001);
    assertEquals(1001, Arrays.stream(b).sum());
    assertEquals(0, b[2]);
  }
}
