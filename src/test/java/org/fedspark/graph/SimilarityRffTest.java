package org.fedspark.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.fedspark.data.LocalDataset;
import org.fedspark.data.partition.Distributions;
import org.junit.jupiter.api.Test;

/** The random-feature mean embedding against the exact quadratic-time MMD², and the median heuristic. */
class SimilarityRffTest {
  private static final double SIGMA = 1.7;

  /** Biased MMD² (Gretton et al. 2012, eq. 5) by summing the RBF kernel over all pairs. */
  static double exactMmd2(double[] x, int n, double[] y, int m, int d, double sigma) {
    return meanKernel(x, n, x, n, d, sigma) + meanKernel(y, m, y, m, d, sigma) - 2 * meanKernel(x, n, y, m, d, sigma);
  }

  private static double meanKernel(double[] a, int na, double[] b, int nb, int d, double sigma) {
    double s = 0;
    for (int i = 0; i < na; i++) {
      for (int j = 0; j < nb; j++) {
        double d2 = 0;
        for (int t = 0; t < d; t++) {
          double diff = a[i * d + t] - b[j * d + t];
          d2 += diff * diff;
        }
        s += Math.exp(-d2 / (2 * sigma * sigma));
      }
    }
    return s / ((double) na * nb);
  }

  private static double[] gaussianSample(int n, int d, double shift, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] x = new double[n * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i % d == 0 ? shift : 0) + Distributions.gaussian(rng);
    }
    return x;
  }

  /**
   * ‖μ̂_P − μ̂_Q‖² is the mean over D independent features of f_j = 2(mean_i cos(·) − mean_j cos(·))²,
   * each in [0, 8], whose expectation (given the samples) is the biased MMD². So its standard deviation
   * is at most √(Var f)/√D ≤ 4/√D (Popoviciu). Over 20 seeds the RMS error must stay below 1.5 times
   * that bound (the 1.5 covers the spread of an RMS of 20 draws) and must shrink about 16× from D = 64 to
   * D = 16,384 (expected √256 = 16; asserted > 6). The exact MMD² here is about 0.35, so an embedding off
   * by the √2 scale or using σ instead of σ² fails the D = 16,384 bound (0.047) by far.
   */
  @Test
  void embeddingDistanceApproximatesExactMmdWithErrorShrinkingAsOneOverRootD() {
    int d = 3;
    int n = 40;
    int m = 30;
    double[] x = gaussianSample(n, d, 0, 1);
    double[] y = gaussianSample(m, d, 1.5, 2);
    double exact = exactMmd2(x, n, y, m, d, SIGMA);
    assertTrue(exact > 0.2, "the two samples should differ clearly, MMD² = " + exact);
    int[] dims = {64, 1024, 16384};
    double[] rms = new double[dims.length];
    for (int q = 0; q < dims.length; q++) {
      double sq = 0;
      int seeds = 20;
      for (int s = 0; s < seeds; s++) {
        RandomFourierFeatures rff = RandomFourierFeatures.create(d, dims[q], SIGMA, 1000 + s);
        double approx = Distances.squared(rff.meanEmbedding(x, n), rff.meanEmbedding(y, m));
        sq += (approx - exact) * (approx - exact);
      }
      rms[q] = Math.sqrt(sq / seeds);
      double bound = 1.5 * 4 / Math.sqrt(dims[q]);
      assertTrue(rms[q] <= bound, "D = " + dims[q] + ": RMS error " + rms[q] + " above " + bound);
    }
    assertTrue(rms[0] / rms[2] > 6, "error should shrink like 1/√D: " + rms[0] + " -> " + rms[2]);
  }

  /** Identical samples embed identically; a single point's embedding has norm² ≈ k(x, x) = 1. */
  @Test
  void embeddingOfOnePointHasUnitNormInExpectation() {
    RandomFourierFeatures rff = RandomFourierFeatures.create(2, 16384, SIGMA, 7);
    double[] mu = rff.meanEmbedding(new double[] {0.3, -1.2}, 1);
    double norm2 = Distances.squared(mu, new double[mu.length]);
    // Each of the D terms 2cos² lies in [0, 2] with mean 1: std ≤ 1/√D = 0.008; 5 std = 0.04.
    assertEquals(1.0, norm2, 0.04);
  }

  @Test
  void labelHistogramIsAppendedWithItsWeight() {
    double[] x = gaussianSample(5, 2, 0, 3);
    LocalDataset data = new LocalDataset(x, new int[] {0, 2, 2, 1, 2}, 2);
    RandomFourierFeatures rff = RandomFourierFeatures.create(2, 8, SIGMA, 11);
    double[] plain = rff.summarize(data, 3, 0);
    double[] withLabels = rff.summarize(data, 3, 0.5);
    assertArrayEquals(rff.meanEmbedding(x, 5), plain, 0);
    assertEquals(11, withLabels.length);
    for (int j = 0; j < 8; j++) {
      assertEquals(plain[j], withLabels[j], 0);
    }
    assertEquals(0.5 * 1 / 5, withLabels[8], 1e-15);
    assertEquals(0.5 * 1 / 5, withLabels[9], 1e-15);
    assertEquals(0.5 * 3 / 5, withLabels[10], 1e-15);
  }

  @Test
  void sameSeedSameFeaturesSoClientsAreComparable() {
    double[] x = gaussianSample(10, 4, 0, 5);
    assertArrayEquals(RandomFourierFeatures.create(4, 32, 1, 9).meanEmbedding(x, 10),
        RandomFourierFeatures.create(4, 32, 1, 9).meanEmbedding(x, 10), 0);
  }

  /** Points 0, 1, 3 on a line: squared distances 1, 9, 4, median 4. */
  @Test
  void medianHeuristicOnKnownDistances() {
    LocalDataset line = new LocalDataset(new double[] {0, 0, 1, 0, 3, 0}, new int[] {0, 0, 0}, 2);
    assertEquals(4.0, MedianBandwidth.clientMedianSq(line, 64), 0);
    assertEquals(1.0, MedianBandwidth.clientMedianSq(line, 2), 0, "only the first two rows");
    assertTrue(Double.isNaN(MedianBandwidth.clientMedianSq(line, 1)));
    assertEquals(3.0, MedianBandwidth.fromClientMedians(new double[] {Double.NaN, 4, 16, 9}), 0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MedianBandwidth.fromClientMedians(new double[] {0, 0, Double.NaN}));
    assertTrue(e.getMessage().contains("graph.bandwidth"), e.getMessage());
  }

  @Test
  void badSettingsNameTheirKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RandomFourierFeatures.create(3, 0, 1, 1));
    assertTrue(e.getMessage().contains("graph.rff-features"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> RandomFourierFeatures.create(3, 8, -1, 1));
    assertTrue(e.getMessage().contains("graph.bandwidth"), e.getMessage());
  }
}
