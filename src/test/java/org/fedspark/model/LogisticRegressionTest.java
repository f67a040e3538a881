package org.fedspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.fedspark.data.LocalDataset;
import org.junit.jupiter.api.Test;

/** Logistic regression against closed forms and against the equivalent two-class softmax. */
class LogisticRegressionTest {

  @Test
  void shape() {
    LogisticRegression m = new LogisticRegression(4, 0.1);
    assertEquals(2, m.numClasses());
    assertEquals(1, m.layout().block("w").rows());
    assertEquals(4, m.layout().block("w").cols());
    assertEquals(1, m.layout().block("b").size());
    assertEquals(5, m.layout().size());
  }

  /**
   * At {@code w = 0, b = 0} every σ is 1/2, so the loss is {@code log 2} whatever the data, and the
   * gradient is {@code (1/n)·Σ_i (1/2 − y_i)·x_i} (bias: the mean of {@code 1/2 − y_i}).
   */
  @Test
  void lossAndGradientAtZeroHaveClosedForms() {
    SplittableRandom rng = new SplittableRandom(31);
    int n = 9;
    int d = 5;
    LocalDataset data = NaiveReference.randomData(rng, n, d, 2);
    LogisticRegression m = new LogisticRegression(d, 0.7);
    double[] g = new double[m.layout().size()];
    double f = m.lossAndGradient(new double[g.length], data.features(), data.labels(), n, g);
    assertEquals(Math.log(2), f, 1e-15);
    for (int j = 0; j < d; j++) {
      double expected = 0;
      for (int i = 0; i < n; i++) {
        expected += (0.5 - data.label(i)) * data.features()[i * d + j];
      }
      assertEquals(expected / n, g[m.layout().block("w").index(0, j)], 1e-15);
    }
    double expectedBias = 0;
    for (int i = 0; i < n; i++) {
      expectedBias += 0.5 - data.label(i);
    }
    assertEquals(expectedBias / n, g[m.layout().block("b").offset()], 1e-15);
  }

  @Test
  void gradientPointsAgainstThePositiveClass() {
    // All labels 1 with a positive feature: raising w and b lowers the loss, so both partials are < 0.
    LogisticRegression m = new LogisticRegression(1, 0);
    double[] g = new double[2];
    m.lossAndGradient(new double[] {0.3, -0.2}, new double[] {1.0, 2.0, 0.5}, new int[] {1, 1, 1}, 3, g);
    assertTrue(g[0] < 0 && g[1] < 0);
    // And all labels 0: both partials > 0.
    m.lossAndGradient(new double[] {0.3, -0.2}, new double[] {1.0, 2.0, 0.5}, new int[] {0, 0, 0}, 3, g);
    assertTrue(g[0] > 0 && g[1] > 0);
  }

  /** {@code log(1 + e^z) − y·z} at |z| = 1000, where a naive {@code log(1 + exp(z))} overflows. */
  @Test
  void extremeScoresAreStable() {
    LogisticRegression m = new LogisticRegression(1, 0);
    double[] p = {1000, 0};
    LocalDataset data = new LocalDataset(new double[] {1, 1, -1, -1}, new int[] {0, 1, 0, 1}, 1);
    EvalStats s = m.evaluate(p, data);
    // z = 1000, y = 0: 1000;  z = 1000, y = 1: ~0;  z = −1000, y = 0: ~0;  z = −1000, y = 1: 1000.
    assertEquals(2000, s.lossSum(), 1e-9);
    assertEquals(2, s.correct());
    double[] g = new double[2];
    assertEquals(500, m.lossAndGradient(p, data.features(), data.labels(), 4, g), 1e-9);
    // σ − y is ±1 on the wrong rows and 0 on the right ones: dw = (1·1 + (−1)·(−1))/4, db = (1 − 1)/4.
    assertEquals(0.5, g[0], 1e-12);
    assertEquals(0.0, g[1], 1e-12);
  }

  @Test
  void predictsOneOnlyForPositiveScore() {
    LogisticRegression m = new LogisticRegression(1, 0);
    double[] p = {1, 0};
    LocalDataset data = new LocalDataset(new double[] {1e-9, 0, -1e-9}, new int[] {1, 0, 0}, 1);
    assertEquals(3, m.evaluate(p, data).correct());
  }

  /**
   * Logistic regression is softmax with {@code K = 2} and class-0 parameters pinned at 0: scores
   * {@code [0, z]} give the same loss, and the softmax gradient of class 1 equals the logistic one.
   */
  @Test
  void agreesWithTwoClassSoftmax() {
    SplittableRandom rng = new SplittableRandom(32);
    int d = 7;
    int n = 11;
    LogisticRegression lr = new LogisticRegression(d, 0.4);
    SoftmaxRegression sm = new SoftmaxRegression(d, 2, 0.4);
    double[] p = NaiveReference.randomParams(lr, rng, 0.8);
    double[] q = new double[sm.layout().size()];
    for (int j = 0; j < d; j++) {
      q[sm.layout().block("W").index(1, j)] = p[lr.layout().block("w").index(0, j)];
    }
    q[sm.layout().block("b").offset() + 1] = p[lr.layout().block("b").offset()];
    LocalDataset data = NaiveReference.randomData(rng, n, d, 2);

    double[] gl = new double[p.length];
    double[] gs = new double[q.length];
    double fl = lr.lossAndGradient(p, data.features(), data.labels(), n, gl);
    double fs = sm.lossAndGradient(q, data.features(), data.labels(), n, gs);
    assertEquals(fs, fl, 1e-12);
    for (int j = 0; j < d; j++) {
      assertEquals(gs[sm.layout().block("W").index(1, j)], gl[lr.layout().block("w").index(0, j)], 1e-12);
    }
    assertEquals(gs[sm.layout().block("b").offset() + 1], gl[lr.layout().block("b").offset()], 1e-12);
    EvalStats es = sm.evaluate(q, data);
    EvalStats el = lr.evaluate(p, data);
    assertEquals(es.correct(), el.correct());
    assertEquals(es.lossSum(), el.lossSum(), 1e-12 * es.lossSum());
  }

  @Test
  void rejectsLabelsOtherThanZeroOrOne() {
    LogisticRegression m = new LogisticRegression(1, 0);
    assertThrows(IllegalArgumentException.class,
        () -> m.lossAndGradient(new double[2], new double[] {1}, new int[] {2}, 1, new double[2]));
  }
}
