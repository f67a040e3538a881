package org.fedspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The clustered generator: reproducibility, the shared + group + noise structure, labels and sizes. */
class ClusteredGeneratorTest {
  static DataSpec.ClusteredSpec spec(double shift, double groupScale, double noise) {
    return new DataSpec.ClusteredSpec(12, 3, 6, 4, 50, 0.0, shift, groupScale, noise, false);
  }

  @Test
  void sameSeedGivesIdenticalDataAndAnotherSeedDoesNot() {
    DataSpec.ClusteredSpec s = spec(1, 1, 0.1);
    for (int c = 0; c < s.clients(); c++) {
      Specs.assertDatasetEquals(ClusteredGenerator.generate(s, 42, c), ClusteredGenerator.generate(s, 42, c), "client " + c);
    }
    assertFalse(Arrays.equals(ClusteredGenerator.generate(s, 42, 0).features(), ClusteredGenerator.generate(s, 43, 0).features()));
    assertFalse(Arrays.equals(ClusteredGenerator.generate(s, 42, 0).features(), ClusteredGenerator.generate(s, 42, 1).features()));
  }

  /** Without client noise, clients of one group share their model bit for bit; groups differ. */
  @Test
  void modelsDecomposeIntoSharedGroupAndClientParts() {
    DataSpec.ClusteredSpec noNoise = spec(1, 1, 0);
    for (int c = 0; c < 12; c++) {
      assertEquals(c % 3, ClusteredGenerator.groupOf(noNoise, c));
      SyntheticGenerator.ClientModel m = ClusteredGenerator.model(noNoise, 7, c);
      SyntheticGenerator.ClientModel first = ClusteredGenerator.model(noNoise, 7, c % 3);
      assertArrayEquals(first.weights(), m.weights(), 0);
      assertArrayEquals(first.biases(), m.biases(), 0);
      assertArrayEquals(first.featureMean(), m.featureMean(), 0);
    }
    assertFalse(Arrays.equals(ClusteredGenerator.model(noNoise, 7, 0).weights(), ClusteredGenerator.model(noNoise, 7, 1).weights()));
    // No group part and no noise: one global model for everybody.
    DataSpec.ClusteredSpec global = spec(0, 0, 0);
    assertArrayEquals(ClusteredGenerator.model(global, 7, 0).weights(), ClusteredGenerator.model(global, 7, 1).weights(), 0);
    assertArrayEquals(new double[6], ClusteredGenerator.model(global, 7, 1).featureMean(), 0);
    // The per-client noise is exactly the difference from the noiseless model, with the stated scale.
    DataSpec.ClusteredSpec noisy = spec(1, 1, 0.1);
    double ss = 0;
    int count = 0;
    for (int c = 0; c < 12; c++) {
      double[] w = ClusteredGenerator.model(noisy, 7, c).weights();
      double[] w0 = ClusteredGenerator.model(noNoise, 7, c).weights();
      for (int i = 0; i < w.length; i++) {
        ss += (w[i] - w0[i]) * (w[i] - w0[i]);
        count++;
      }
    }
    // 288 N(0, 0.01) draws: the sample variance is within ±0.0035 (4 standard errors of √(2/288)·0.01) of 0.01.
    assertEquals(0.01, ss / count, 0.0035);
  }

  /** Labels are the argmax of xᵀW_n + b_n recomputed by hand; features centre on the group mean. */
  @Test
  void labelsAndFeatureMeansFollowTheModel() {
    DataSpec.ClusteredSpec s = new DataSpec.ClusteredSpec(4, 2, 5, 3, 4000, 0.0, 2.0, 1, 0.1, false);
    for (int c = 0; c < 2; c++) {
      LocalDataset data = ClusteredGenerator.generate(s, 3, c);
      SyntheticGenerator.ClientModel m = ClusteredGenerator.model(s, 3, c);
      double[] mean = new double[5];
      int[] classCounts = new int[3];
      for (int i = 0; i < data.size(); i++) {
        double[] logits = m.biases().clone();
        for (int j = 0; j < 5; j++) {
          double xj = data.features()[i * 5 + j];
          mean[j] += xj / data.size();
          for (int k = 0; k < 3; k++) {
            logits[k] += xj * m.weights()[j * 3 + k];
          }
        }
        int best = logits[1] > logits[0] ? 1 : 0;
        best = logits[2] > logits[best] ? 2 : best;
        assertEquals(best, data.label(i), "client " + c + " row " + i);
        classCounts[best]++;
      }
      for (int j = 0; j < 5; j++) {
        // x_j ~ N(μ_j, 1): the mean of 4,000 draws is within 4/√4000 = 0.063 of μ_j.
        assertEquals(m.featureMean()[j], mean[j], 0.063);
      }
    }
  }

  @Test
  void sampledLabelsFollowTheSoftmax() {
    double[] logits = {0.0, Math.log(3), Math.log(6)};
    int[] counts = new int[3];
    java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      counts[ClusteredGenerator.sampleSoftmax(logits, 2, rng)]++;
    }
    // Probabilities 0.1, 0.3, 0.6; binomial std ≤ √(0.25/n) = 0.0016, 4 std = 0.0064.
    assertEquals(0.1, counts[0] / (double) n, 0.0064);
    assertEquals(0.3, counts[1] / (double) n, 0.0064);
    assertEquals(0.6, counts[2] / (double) n, 0.0064);
  }

  @Test
  void sizesAreFixedOrLogNormal() {
    DataSpec.ClusteredSpec fixed = spec(1, 1, 0.1);
    assertEquals(50, ClusteredGenerator.generate(fixed, 1, 5).size());
    DataSpec.ClusteredSpec varied = new DataSpec.ClusteredSpec(400, 2, 2, 2, 100, 0.5, 1, 1, 0.1, false);
    double logSum = 0;
    int distinct = 0;
    for (int c = 0; c < 400; c++) {
      int n = ClusteredGenerator.sampleCount(varied, 1, c);
      assertTrue(n >= 2);
      logSum += Math.log(n);
      distinct += n != 100 ? 1 : 0;
    }
    // log n ≈ log 100 + 0.5·N(0,1): the mean of 400 is within 4·0.5/20 = 0.1 of log 100 (rounding adds < 0.01).
    assertEquals(Math.log(100), logSum / 400, 0.1);
    assertTrue(distinct > 300);
  }

  @Test
  void badSettingsNameTheirKey() {
    DataException e = assertThrows(DataException.class,
        () -> ClusteredGenerator.validate(new DataSpec.ClusteredSpec(3, 4, 2, 2, 10, 0, 1, 1, 0, false)));
    assertTrue(e.getMessage().contains("data.clustered.groups"), e.getMessage());
    e = assertThrows(DataException.class,
        () -> ClusteredGenerator.validate(new DataSpec.ClusteredSpec(3, 1, 2, 2, 10, 0, -1, 1, 0, false)));
    assertTrue(e.getMessage().contains("data.clustered.mean-shift"), e.getMessage());
  }
}
