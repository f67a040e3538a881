package org.fedspark.data.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DistributionsTest {
  @Test
  void gaussianHasMeanZeroAndVarianceOne() {
    SplittableRandom rng = new SplittableRandom(1);
    int n = 200_000;
    double sum = 0;
    double sum2 = 0;
    for (int i = 0; i < n; i++) {
      double z = Distributions.gaussian(rng);
      sum += z;
      sum2 += z * z;
    }
    assertEquals(0, sum / n, 0.01);
    assertEquals(1, sum2 / n - (sum / n) * (sum / n), 0.015);
  }

  @Test
  void gammaHasMeanEqualToShape() {
    for (double shape : new double[] {0.3, 1, 4.5}) {
      SplittableRandom rng = new SplittableRandom(2);
      int n = 100_000;
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += Math.exp(Distributions.logGamma(rng, shape));
      }
      assertEquals(shape, sum / n, 0.03 * Math.max(1, shape), "shape " + shape);
    }
  }

  @Test
  void dirichletWithTinyAlphaIsStillAProbabilityVector() {
    double[] p = Distributions.symmetricDirichlet(new SplittableRandom(3), 1e-4, 1000);
    double sum = 0;
    for (double v : p) {
      assertTrue(v >= 0 && Double.isFinite(v));
      sum += v;
    }
    assertEquals(1, sum, 1e-12);
  }

  @Test
  void uniformIntCoversTheRangeEvenly() {
    SplittableRandom rng = new SplittableRandom(4);
    int[] counts = new int[7];
    for (int i = 0; i < 70_000; i++) {
      counts[Distributions.uniformInt(rng, 7)]++;
    }
    for (int c : counts) {
      assertEquals(10_000, c, 400);
    }
  }
}
