package org.fedspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.fedspark.data.LocalDataset;
import org.junit.jupiter.api.Test;

/** {@code evaluate} against the loop-based {@link NaiveReference}. */
class EvaluateTest {
  /** Spans three evaluation chunks, the last one partial (512 + 512 + 276). */
  private static final int ROWS = 2 * DenseClassifier.EVAL_CHUNK + 276;

  private static Model[] models() {
    return new Model[] {new SoftmaxRegression(9, 4, 0.1), new LogisticRegression(9, 0.1), new Mlp(9, 12, 4, 0.1)};
  }

  @Test
  void matchesReferenceAcrossChunks() {
    SplittableRandom rng = new SplittableRandom(21);
    for (Model m : models()) {
      double[] p = NaiveReference.randomParams(m, rng, 0.8);
      LocalDataset data = plantedData(m, p, rng);
      EvalStats expected = NaiveReference.evaluate(m, p, data);
      EvalStats actual = m.evaluate(p, data);
      assertEquals(ROWS, actual.count());
      assertEquals(expected.correct(), actual.correct(), m.toString());
      assertEquals(expected.lossSum(), actual.lossSum(), 1e-12 * expected.lossSum(), m.toString());
      // The planted labels make accuracy informative: far from both chance and perfection.
      assertTrue(actual.accuracy() > 1.2 / m.numClasses() && actual.accuracy() < 1, m + ": " + actual.accuracy());
    }
  }

  @Test
  void tiesGoToTheSmallestClass() {
    SplittableRandom rng = new SplittableRandom(22);
    for (Model m : models()) {
      LocalDataset data = NaiveReference.randomData(rng, 300, 9, m.numClasses());
      long zeros = Arrays.stream(data.labels()).filter(v -> v == 0).count();
      EvalStats s = m.evaluate(new double[m.layout().size()], data);
      assertEquals(zeros, s.correct(), m.toString());
      assertEquals(300 * Math.log(m.numClasses()), s.lossSum(), 1e-9, m.toString());
    }
  }

  @Test
  void emptyDataGivesEmptyStats() {
    for (Model m : models()) {
      EvalStats s = m.evaluate(new double[m.layout().size()], LocalDataset.empty(9));
      assertEquals(EvalStats.EMPTY, s);
    }
  }

  @Test
  void largeScoresStayFinite() {
    // Softmax scores [1000, 0, 0]: CE is 0 for class 0 and 1000 for the others.
    SoftmaxRegression m = new SoftmaxRegression(1, 3, 0);
    double[] p = new double[m.layout().size()];
    p[m.layout().block("W").index(0, 0)] = 1000;
    LocalDataset data = new LocalDataset(new double[] {1, 1}, new int[] {0, 2}, 1);
    EvalStats s = m.evaluate(p, data);
    assertEquals(1000, s.lossSum(), 1e-9);
    assertEquals(1, s.correct());
    double[] g = new double[p.length];
    assertEquals(500, m.lossAndGradient(p, data.features(), data.labels(), 2, g), 1e-9);
    for (double v : g) {
      assertTrue(Double.isFinite(v));
    }
  }

  @Test
  void rejectsMismatchedInputs() {
    Model m = new SoftmaxRegression(3, 2, 0);
    assertThrows(IllegalArgumentException.class, () -> m.evaluate(new double[5], LocalDataset.empty(3)));
    assertThrows(IllegalArgumentException.class, () -> m.evaluate(new double[8], LocalDataset.empty(4)));
    LocalDataset badLabel = new LocalDataset(new double[] {1, 2, 3}, new int[] {2}, 3);
    assertThrows(IllegalArgumentException.class, () -> m.evaluate(new double[8], badLabel));
  }

  /** Labels = the model's own argmax under {@code p}, flipped to a random class for 30% of rows. */
  private static LocalDataset plantedData(Model m, double[] p, SplittableRandom rng) {
    LocalDataset x = NaiveReference.randomData(rng, ROWS, m.numFeatures(), m.numClasses());
    int[] y = new int[ROWS];
    for (int i = 0; i < ROWS; i++) {
      y[i] = rng.nextDouble() < 0.3 ? rng.nextInt(m.numClasses())
          : NaiveReference.argmax(NaiveReference.scores(m, p, x.features(), i));
    }
    return new LocalDataset(x.features(), y, m.numFeatures());
  }
}
