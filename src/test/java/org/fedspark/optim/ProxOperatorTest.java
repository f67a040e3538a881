package org.fedspark.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The block operators: they act on exactly {@code w[offset, offset + rows·cols)} with threshold
 * {@code step·λ}, and their value is {@code λ·r(block)}. The proxes themselves are checked against
 * their definitions in {@link ProxTest} and {@link SvtTest}; here the references are written out
 * independently (soft threshold as a loop, nuclear norm from {@code dsyev} eigenvalues).
 */
class ProxOperatorTest {

  @Test
  void l1ProxSoftThresholdsTheBlockByStepTimesLambda() {
    SplittableRandom rng = new SplittableRandom(51);
    double[] w = SvtTest.gaussian(rng, 40, 1);
    double[] before = w.clone();
    ProxOperator op = new L1Prox(0.8);
    op.apply(w, 7, 4, 5, 0.5); // threshold 0.4 on w[7, 27)
    for (int i = 0; i < 40; i++) {
      double expected = i < 7 || i >= 27 ? before[i]
          : Math.abs(before[i]) <= 0.4 ? 0 : before[i] - 0.4 * Math.signum(before[i]);
      assertEquals(expected, w[i], 1e-15, "entry " + i);
    }
    double l1 = 0;
    for (int i = 7; i < 27; i++) {
      l1 += Math.abs(w[i]);
    }
    assertEquals(0.8 * l1, op.value(w, 7, 4, 5), 1e-14);
  }

  @Test
  void nuclearProxThresholdsTheSingularValuesOfTheBlock() {
    SplittableRandom rng = new SplittableRandom(52);
    int rows = 5;
    int cols = 3;
    double[] w = SvtTest.gaussian(rng, 4 + rows * cols + 6, 1);
    double[] before = w.clone();
    double[] block = Arrays.copyOfRange(w, 4, 4 + rows * cols);
    double lambda = 1.5;
    double step = 0.4;
    ProxOperator op = new NuclearProx(lambda);

    double[] sigma = DenseCheck.singularValuesViaGram(block, rows, cols);
    double nuclear = Arrays.stream(sigma).sum();
    assertEquals(lambda * nuclear, op.value(w, 4, rows, cols), 1e-12 * nuclear * lambda);

    op.apply(w, 4, rows, cols, step);
    double[] y = Arrays.copyOfRange(w, 4, 4 + rows * cols);
    SvtTest.checkOptimal(block, rows, cols, step * lambda, y);
    assertArrayEquals(Arrays.copyOfRange(before, 0, 4), Arrays.copyOfRange(w, 0, 4), 0.0);
    assertArrayEquals(Arrays.copyOfRange(before, 19, 25), Arrays.copyOfRange(w, 19, 25), 0.0);
  }

  @Test
  void zeroStepLeavesTheBlockAndBadInputIsRejected() {
    for (ProxOperator op : new ProxOperator[] {new L1Prox(2), new NuclearProx(2)}) {
      double[] w = {1, -2, 3, 0.5, 4, -6};
      op.apply(w, 0, 2, 3, 0);
      assertArrayEquals(new double[] {1, -2, 3, 0.5, 4, -6}, w, 0.0, op.toString());
      assertThrows(IllegalArgumentException.class, () -> op.apply(new double[] {1, Double.NaN}, 0, 1, 2, 0.1));
      assertThrows(IllegalArgumentException.class, () -> op.apply(new double[] {1, Double.NaN}, 0, 1, 2, 0));
      assertThrows(IllegalArgumentException.class, () -> op.apply(new double[] {1, 2}, 0, 1, 2, -0.1));
    }
    assertThrows(IllegalArgumentException.class, () -> new L1Prox(-1));
    assertThrows(IllegalArgumentException.class, () -> new NuclearProx(Double.NaN));
  }

  @Test
  void operatorsSurviveJavaSerialization() throws Exception {
    SplittableRandom rng = new SplittableRandom(53);
    for (ProxOperator op : new ProxOperator[] {new L1Prox(0.3), new NuclearProx(0.7)}) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(op);
      }
      ProxOperator copy;
      try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        copy = (ProxOperator) in.readObject();
      }
      double[] w = SvtTest.gaussian(rng, 12, 1);
      double[] w2 = w.clone();
      op.apply(w, 0, 3, 4, 0.9);
      copy.apply(w2, 0, 3, 4, 0.9);
      assertArrayEquals(w, w2, 0.0, op.toString());
    }
  }
}
