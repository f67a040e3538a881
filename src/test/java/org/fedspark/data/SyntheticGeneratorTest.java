package org.fedspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SyntheticGeneratorTest {
  private static final DataSpec.SyntheticSpec NON_IID = new DataSpec.SyntheticSpec(0.5, 2.0, false, 30, 60, 10);
  private static final DataSpec.SyntheticSpec IID = new DataSpec.SyntheticSpec(0, 0, true, 30, 60, 10);

  @Test
  void sampleCountsFollowIntOfLognormal4And2Plus50() {
    int clients = 20_000;
    int atLeastMedian = 0;
    int atLeastExp6 = 0;
    for (int c = 0; c < clients; c++) {
      int n = SyntheticGenerator.sampleCount(NON_IID, 1, c);
      assertTrue(n >= 50);
      // n - 50 = floor(exp(4 + 2z)): P(>= 55) = P(z >= 0.0037) ~ 0.4985; P(>= 403) = P(z >= 0.9995) ~ 0.1588.
      atLeastMedian += n - 50 >= 55 ? 1 : 0;
      atLeastExp6 += n - 50 >= 403 ? 1 : 0;
    }
    assertEquals(0.4985, atLeastMedian / (double) clients, 0.015);
    assertEquals(0.1588, atLeastExp6 / (double) clients, 0.012);
    assertEquals(SyntheticGenerator.sampleCount(NON_IID, 1, 3), SyntheticGenerator.generate(NON_IID, 1, 3).size());
  }

  @Test
  void featuresHaveDiagonalCovarianceJToTheMinus1point2AroundTheClientMean() {
    int n = 20_000;
    for (DataSpec.SyntheticSpec spec : new DataSpec.SyntheticSpec[] {IID, NON_IID}) {
      LocalDataset data = SyntheticGenerator.generate(spec, 5, 2, n);
      double[] v = SyntheticGenerator.model(spec, 5, 2).featureMean();
      int d = 60;
      double[] mean = new double[d];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < d; j++) {
          mean[j] += data.features()[i * d + j] / n;
        }
      }
      double[][] cov = new double[d][d];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < d; j++) {
          double aj = data.features()[i * d + j] - mean[j];
          for (int k = 0; k <= j; k++) {
            cov[j][k] += aj * (data.features()[i * d + k] - mean[k]) / (n - 1);
          }
        }
      }
      for (int j = 0; j < d; j++) {
        double expected = Math.pow(j + 1, -1.2);
        assertEquals(expected, cov[j][j], 0.05 * expected, "variance of feature " + (j + 1));
        assertEquals(v[j], mean[j], 5 * Math.sqrt(expected / n), "mean of feature " + (j + 1));
        if (spec.iid()) {
          assertEquals(0, v[j]);
        }
        for (int k = 0; k < j; k++) {
          double corr = cov[j][k] / Math.sqrt(cov[j][j] * cov[k][k]);
          assertTrue(Math.abs(corr) < 0.05, "features " + (j + 1) + " and " + (k + 1) + " correlate: " + corr);
        }
      }
    }
  }

  @Test
  void iidVariantLabelsEveryClientWithTheOneSharedModel() {
    SyntheticGenerator.ClientModel shared = SyntheticGenerator.model(IID, 9, 0);
    for (int c : new int[] {0, 1, 17}) {
      SyntheticGenerator.ClientModel m = SyntheticGenerator.model(IID, 9, c);
      assertArrayEquals(shared.weights(), m.weights());
      assertArrayEquals(shared.biases(), m.biases());
      LocalDataset data = SyntheticGenerator.generate(IID, 9, c, 500);
      double[] logits = new double[10];
      for (int i = 0; i < data.size(); i++) {
        assertEquals(SyntheticGenerator.argmaxLogit(data.features(), i * 60, 60, shared, logits), data.label(i));
      }
    }
  }

  @Test
  void nonIidClientsHaveTheirOwnModels() {
    SyntheticGenerator.ClientModel m0 = SyntheticGenerator.model(NON_IID, 9, 0);
    double[] logits = new double[10];
    double disagreement = 0;
    int others = 10;
    for (int c = 1; c <= others; c++) {
      SyntheticGenerator.ClientModel mc = SyntheticGenerator.model(NON_IID, 9, c);
      assertFalse(Arrays.equals(m0.weights(), mc.weights()));
      LocalDataset data = SyntheticGenerator.generate(NON_IID, 9, c, 500);
      int disagree = 0;
      for (int i = 0; i < data.size(); i++) {
        assertEquals(SyntheticGenerator.argmaxLogit(data.features(), i * 60, 60, mc, logits), data.label(i));
        disagree += SyntheticGenerator.argmaxLogit(data.features(), i * 60, 60, m0, logits) != data.label(i) ? 1 : 0;
      }
      disagreement += disagree / (double) data.size() / others;
    }
    // Each client's labels come from its own model: client 0's model fits the others' labels only by chance.
    assertTrue(disagreement > 0.5, "client 0's model agrees too often with the others' labels: " + disagreement);
  }

  @Test
  void alphaAndBetaAreVariancesOfTheClientMeans() {
    int clients = 2000;
    double[] u = new double[clients];
    double[] b = new double[clients];
    for (int c = 0; c < clients; c++) {
      SyntheticGenerator.ClientModel m = SyntheticGenerator.model(NON_IID, 3, c);
      u[c] = Arrays.stream(m.weights()).average().orElseThrow();
      b[c] = Arrays.stream(m.featureMean()).average().orElseThrow();
    }
    // Per-client means of 600 W entries ~ u_k + N(0, 1/600), of 60 v entries ~ B_k + N(0, 1/60).
    assertEquals(0.5 + 1.0 / 600, variance(u), 0.05);
    assertEquals(2.0 + 1.0 / 60, variance(b), 0.2);
  }

  @Test
  void generationIsAPureFunctionOfSpecSeedAndClient() {
    LocalDataset a = SyntheticGenerator.generate(NON_IID, 11, 4);
    Specs.assertDatasetEquals(a, SyntheticGenerator.generate(NON_IID, 11, 4), "same seed");
    assertFalse(Arrays.equals(a.features(), SyntheticGenerator.generate(NON_IID, 12, 4).features()));
  }

  @Test
  void invalidParametersAreRejectedWithTheReferenceValues() {
    DataException e = assertThrows(DataException.class, () -> SyntheticGenerator.generate(
        new DataSpec.SyntheticSpec(-1, 0, false, 30, 60, 10), 1, 0, 10));
    assertTrue(e.getMessage().contains("alpha and beta are variances"), e.getMessage());
  }

  private static double variance(double[] a) {
    double mean = Arrays.stream(a).average().orElseThrow();
    return Arrays.stream(a).map(x -> (x - mean) * (x - mean)).sum() / (a.length - 1);
  }
}
