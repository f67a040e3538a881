package org.fedspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.fedspark.data.LocalDataset;
import org.junit.jupiter.api.Test;

/**
 * Checks {@code lossAndGradient} two ways: the returned objective against the loop-based
 * {@link NaiveReference}, and the returned gradient against central finite differences
 * {@code (F(w + h·e_i) − F(w − h·e_i)) / 2h}, whose error is {@code O(h²)} truncation plus
 * {@code O(ε·|F|/h)} rounding, about 1e-10 here for {@code h = 1e-5}.
 */
class GradientCheckTest {
  private static final int BATCH = 7;
  private static final double H = 1e-5;
  /** Components smaller than this are compared absolutely: relative error of ~0 is noise. */
  private static final double FLOOR = 1e-3;

  @Test
  void softmaxGradientMatchesFiniteDifferences() {
    SplittableRandom rng = new SplittableRandom(11);
    Model m = new SoftmaxRegression(9, 4, 0.3);
    check(m, NaiveReference.randomParams(m, rng, 0.5), NaiveReference.randomData(rng, BATCH, 9, 4));
  }

  @Test
  void logisticGradientMatchesFiniteDifferences() {
    SplittableRandom rng = new SplittableRandom(12);
    Model m = new LogisticRegression(13, 0.2);
    check(m, NaiveReference.randomParams(m, rng, 0.5), NaiveReference.randomData(rng, BATCH, 13, 2));
  }

  /**
   * ReLU is not differentiable at 0, so the check is only meaningful if no pre-activation is within
   * reach of a perturbation: a step h in W1 or b1 moves a pre-activation by at most
   * {@code h·max(1, |x|_∞)}, and we require every pre-activation to be 100 times farther from 0 than
   * that, with both active and inactive units present so both branches of the derivative are tested.
   */
  @Test
  void mlpGradientMatchesFiniteDifferences() {
    SplittableRandom rng = new SplittableRandom(13);
    int d = 5;
    int hidden = 6;
    Mlp m = new Mlp(d, hidden, 3, 0.1);
    double[] p = NaiveReference.randomParams(m, rng, 0.7);
    LocalDataset data = NaiveReference.randomData(rng, BATCH, d, 3);

    double maxX = Arrays.stream(data.features()).map(Math::abs).max().orElseThrow();
    double reach = H * Math.max(1, maxX);
    double minAbsPre = Double.POSITIVE_INFINITY;
    int active = 0;
    ParamLayout l = m.layout();
    for (int i = 0; i < BATCH; i++) {
      for (int j = 0; j < hidden; j++) {
        double pre = p[l.block("b1").offset() + j];
        for (int c = 0; c < d; c++) {
          pre += p[l.block("W1").index(j, c)] * data.features()[i * d + c];
        }
        minAbsPre = Math.min(minAbsPre, Math.abs(pre));
        active += pre > 0 ? 1 : 0;
      }
    }
    assertTrue(minAbsPre > 100 * reach, "a pre-activation is too close to the ReLU kink: " + minAbsPre);
    assertTrue(active > 0 && active < BATCH * hidden, "need both active and inactive units, got " + active);

    check(m, p, data);
  }

  @Test
  void objectiveMatchesNaiveReference() {
    SplittableRandom rng = new SplittableRandom(14);
    Model[] models = {new SoftmaxRegression(8, 5, 0.25), new LogisticRegression(8, 0.25), new Mlp(8, 7, 5, 0.25)};
    for (Model m : models) {
      double[] p = NaiveReference.randomParams(m, rng, 0.6);
      LocalDataset data = NaiveReference.randomData(rng, BATCH, 8, m.numClasses());
      double expected = NaiveReference.objective(m, p, data.features(), data.labels(), BATCH);
      double actual = m.lossAndGradient(p, data.features(), data.labels(), BATCH, new double[p.length]);
      assertEquals(expected, actual, 1e-12 * expected, m.toString());
    }
  }

  @Test
  void usesOnlyTheFirstNRows() {
    SplittableRandom rng = new SplittableRandom(15);
    Model m = new SoftmaxRegression(6, 3, 0.1);
    double[] p = NaiveReference.randomParams(m, rng, 0.5);
    LocalDataset data = NaiveReference.randomData(rng, 10, 6, 3);
    double[] g1 = new double[p.length];
    double[] g2 = new double[p.length];
    double f1 = m.lossAndGradient(p, data.features(), data.labels(), 4, g1);
    LocalDataset first4 = data.select(new int[] {0, 1, 2, 3});
    double f2 = m.lossAndGradient(p, first4.features(), first4.labels(), 4, g2);
    assertEquals(f2, f1);
    assertTrue(Arrays.equals(g1, g2));
  }

  private static void check(Model m, double[] params, LocalDataset data) {
    double[] x = data.features();
    int[] y = data.labels();
    double[] grad = new double[params.length];
    Arrays.fill(grad, Double.NaN); // must be overwritten, not accumulated into
    double f = m.lossAndGradient(params, x, y, BATCH, grad);
    assertEquals(NaiveReference.objective(m, params, x, y, BATCH), f, 1e-12 * f);

    double[] scratch = new double[params.length];
    double[] p = params.clone();
    double maxRel = 0;
    double maxAbsGrad = 0;
    for (int i = 0; i < p.length; i++) {
      p[i] = params[i] + H;
      double up = m.lossAndGradient(p, x, y, BATCH, scratch);
      p[i] = params[i] - H;
      double down = m.lossAndGradient(p, x, y, BATCH, scratch);
      p[i] = params[i];
      double fd = (up - down) / (2 * H);
      double rel = Math.abs(fd - grad[i]) / Math.max(FLOOR, Math.max(Math.abs(fd), Math.abs(grad[i])));
      maxRel = Math.max(maxRel, rel);
      maxAbsGrad = Math.max(maxAbsGrad, Math.abs(grad[i]));
    }
    assertTrue(maxAbsGrad > 10 * FLOOR, "gradient too small for a meaningful check: " + maxAbsGrad);
    System.out.printf(java.util.Locale.ROOT, "gradient check %s (%s): max relative error %.1e over %d parameters%n", m,
        Blas.describe(), maxRel, p.length);
    assertTrue(maxRel < 1e-6, m + ": max relative error " + maxRel);
  }
}
