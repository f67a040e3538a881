package org.fedspark.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.fedspark.data.LocalDataset;
import org.fedspark.data.partition.Distributions;
import org.junit.jupiter.api.Test;

/** The covariance sketch: summary distance = Frobenius distance of P·Cov·Pᵀ computed directly. */
class SimilarityCovarianceTest {
  private static LocalDataset sample(int n, int d, double scale, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] x = new double[n * d];
    for (int i = 0; i < n; i++) {
      double common = Distributions.gaussian(rng);
      for (int t = 0; t < d; t++) {
        x[i * d + t] = scale * (Distributions.gaussian(rng) + (t < 3 ? common : 0)) + t;
      }
    }
    return new LocalDataset(x, new int[n], d);
  }

  /** The unbiased d×d covariance of the raw rows, by the textbook formula. */
  private static double[][] covariance(LocalDataset data) {
    int n = data.size();
    int d = data.numFeatures();
    double[] x = data.features();
    double[][] c = new double[d][d];
    for (int a = 0; a < d; a++) {
      for (int b = 0; b < d; b++) {
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < n; i++) {
          ma += x[i * d + a];
          mb += x[i * d + b];
        }
        ma /= n;
        mb /= n;
        for (int i = 0; i < n; i++) {
          c[a][b] += (x[i * d + a] - ma) * (x[i * d + b] - mb);
        }
        c[a][b] /= n - 1;
      }
    }
    return c;
  }

  /** P C Pᵀ by triple loops. */
  private static double[][] sandwich(double[] p, int r, int d, double[][] c) {
    double[][] out = new double[r][r];
    for (int a = 0; a < r; a++) {
      for (int b = 0; b < r; b++) {
        double s = 0;
        for (int u = 0; u < d; u++) {
          for (int v = 0; v < d; v++) {
            s += p[a * d + u] * c[u][v] * p[b * d + v];
          }
        }
        out[a][b] = s;
      }
    }
    return out;
  }

  private static double frobenius2(double[][] a, double[][] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a.length; j++) {
        s += (a[i][j] - b[i][j]) * (a[i][j] - b[i][j]);
      }
    }
    return s;
  }

  /** Relative 1e-10: the two routes sum the same ~10⁴ products in different orders (rounding ~1e-13 relative). */
  @Test
  void summaryDistanceIsFrobeniusDistanceOfProjectedCovariances() {
    int d = 12;
    int r = 4;
    CovarianceSketch sketch = CovarianceSketch.create(d, r, 77);
    LocalDataset a = sample(50, d, 1.0, 1);
    LocalDataset b = sample(35, d, 2.0, 2);
    double[] p = sketch.projectionMatrix();
    double expected = frobenius2(sandwich(p, r, d, covariance(a)), sandwich(p, r, d, covariance(b)));
    double got = Distances.squared(sketch.summarize(a), sketch.summarize(b));
    assertEquals(expected, got, 1e-10 * expected);
    assertEquals(10, sketch.summaryLength());
  }

  @Test
  void lowDimensionalFeaturesAreComparedWithoutProjection() {
    int d = 5;
    CovarianceSketch sketch = CovarianceSketch.create(d, 32, 77);
    LocalDataset a = sample(20, d, 1.0, 3);
    LocalDataset b = sample(20, d, 0.5, 4);
    double expected = frobenius2(covariance(a), covariance(b));
    assertEquals(expected, Distances.squared(sketch.summarize(a), sketch.summarize(b)), 1e-10 * expected);
    assertEquals(15, sketch.summarize(a).length);
  }

  @Test
  void oneRowHasZeroCovarianceAndSameSeedSameProjection() {
    CovarianceSketch s = CovarianceSketch.create(6, 3, 5);
    assertArrayEquals(new double[6], s.summarize(new LocalDataset(new double[] {1, 2, 3, 4, 5, 6}, new int[1], 6)), 0);
    assertArrayEquals(s.projectionMatrix(), CovarianceSketch.create(6, 3, 5).projectionMatrix(), 0);
  }
}
