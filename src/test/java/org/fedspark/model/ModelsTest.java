package org.fedspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.fedspark.data.LocalDataset;
import org.junit.jupiter.api.Test;

/** The factory, the layouts, initialisation, serialization and concurrent use. */
class ModelsTest {

  @Test
  void createsEachType() {
    Model lr = Models.create("logistic", 6, 2, 0, 0.01);
    Model sm = Models.create("Softmax", 6, 3, 0, 0.01);
    Model mlp = Models.create(" mlp ", 6, 3, 8, 0.01);
    assertInstanceOf(LogisticRegression.class, lr);
    assertInstanceOf(SoftmaxRegression.class, sm);
    assertInstanceOf(Mlp.class, mlp);
    assertEquals(0.01, mlp.weightDecay());
    assertEquals(8, ((Mlp) mlp).hidden());
    assertEquals(List.of("w", "b"), names(lr));
    assertEquals(List.of("W", "b"), names(sm));
    assertEquals(List.of("W1", "b1", "W2", "b2"), names(mlp));
    assertEquals(3 * 6 + 3, sm.layout().size());
    assertEquals(8 * 6 + 8 + 3 * 8 + 3, mlp.layout().size());
    assertTrue(mlp.layout().block("W2").rows() == 3 && mlp.layout().block("W2").cols() == 8);
    assertFalse(sm.layout().block("W").isBias());
    assertTrue(sm.layout().block("b").isBias());
  }

  @Test
  void unknownTypeNamesTheChoices() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.create("cnn", 4, 2, 0, 0));
    assertTrue(e.getMessage().contains("'cnn'") && e.getMessage().contains("softmax, logistic, mlp"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Models.create(null, 4, 2, 0, 0));
  }

  @Test
  void logisticRefusesMoreThanTwoClasses() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.create("logistic", 4, 5, 0, 0));
    assertEquals("logistic needs 2 classes, data has 5; use softmax", e.getMessage());
  }

  @Test
  void rejectsBadShapes() {
    assertThrows(IllegalArgumentException.class, () -> Models.create("mlp", 4, 3, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> Models.create("softmax", 0, 3, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> Models.create("softmax", 4, 1, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> Models.create("softmax", 4, 3, 0, -1));
    assertThrows(IllegalArgumentException.class, () -> Models.create("softmax", 4, 3, 0, Double.NaN));
  }

  @Test
  void convexModelsStartAtZero() {
    SplittableRandom rng = new SplittableRandom(1);
    for (Model m : new Model[] {new SoftmaxRegression(5, 3, 0), new LogisticRegression(5, 0)}) {
      double[] p = m.initialParams(rng);
      assertEquals(m.layout().size(), p.length);
      assertTrue(Arrays.stream(p).allMatch(v -> v == 0));
    }
  }

  /**
   * Equal seeds give equal parameters; biases are zero; each weight block is uniform on its bound with
   * the variance {@code bound²/3} the scheme targets (He: {@code 2/fan_in}; Glorot:
   * {@code 2/(fan_in + fan_out)}), checked within 5% on tens of thousands of draws.
   */
  @Test
  void mlpInitialisationIsReproducibleAndScaled() {
    Mlp m = new Mlp(784, 64, 10, 0);
    double[] a = m.initialParams(new SplittableRandom(42));
    double[] b = m.initialParams(new SplittableRandom(42));
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, m.initialParams(new SplittableRandom(43))));

    checkUniform(a, m.layout().block("W1"), Math.sqrt(6.0 / 784));
    checkUniform(a, m.layout().block("W2"), Math.sqrt(6.0 / (64 + 10)));
    for (String bias : List.of("b1", "b2")) {
      ParamBlock blk = m.layout().block(bias);
      assertTrue(Arrays.stream(a, blk.offset(), blk.end()).allMatch(v -> v == 0), bias);
    }
  }

  private static void checkUniform(double[] p, ParamBlock blk, double bound) {
    double sumSq = 0;
    for (int i = blk.offset(); i < blk.end(); i++) {
      assertTrue(Math.abs(p[i]) <= bound, blk.name() + " value " + p[i] + " outside ±" + bound);
      sumSq += p[i] * p[i];
    }
    double variance = sumSq / blk.size();
    assertEquals(bound * bound / 3, variance, 0.05 * bound * bound / 3, blk.name());
  }

  @Test
  void survivesJavaSerialization() throws Exception {
    SplittableRandom rng = new SplittableRandom(2);
    LocalDataset data = NaiveReference.randomData(rng, 20, 6, 3);
    for (Model m : new Model[] {new SoftmaxRegression(6, 3, 0.1), new Mlp(6, 5, 3, 0.1)}) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(m);
      }
      Model copy;
      try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        copy = (Model) in.readObject();
      }
      double[] p = NaiveReference.randomParams(m, rng, 0.5);
      assertEquals(m.toString(), copy.toString());
      assertEquals(m.evaluate(p, data), copy.evaluate(p, data));
    }
  }

  /** One instance used from several threads gives exactly the single-threaded results. */
  @Test
  void oneInstanceServesManyThreads() throws Exception {
    Mlp m = new Mlp(10, 16, 4, 0.05);
    SplittableRandom rng = new SplittableRandom(3);
    List<double[]> params = new ArrayList<>();
    List<LocalDataset> batches = new ArrayList<>();
    List<double[]> expected = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      double[] p = m.initialParams(rng);
      LocalDataset batch = NaiveReference.randomData(rng, 5 + 7 * t, 10, 4);
      double[] g = new double[p.length];
      m.lossAndGradient(p, batch.features(), batch.labels(), batch.size(), g);
      params.add(p);
      batches.add(batch);
      expected.add(g);
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int rep = 0; rep < 50; rep++) {
        int t = rep % 8;
        results.add(pool.submit(() -> {
          double[] g = new double[params.get(t).length];
          LocalDataset batch = batches.get(t);
          m.lossAndGradient(params.get(t), batch.features(), batch.labels(), batch.size(), g);
          return Arrays.equals(g, expected.get(t));
        }));
      }
      for (Future<Boolean> r : results) {
        assertTrue(r.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<String> names(Model m) {
    return m.layout().blocks().stream().map(ParamBlock::name).toList();
  }
}
