package org.fedspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.fedspark.model.EvalStats;
import org.fedspark.model.Model;
import org.fedspark.model.Models;
import org.junit.jupiter.api.Test;

/** A coded dataset is the dense one it encodes, value for value, in every way a model reads it. */
class LocalDatasetTest {
  private static final int D = 7;

  /** {@code n} rows of random codes, with levels that are not simple multiples (and a negative zero). */
  private static LocalDataset[] pair(int n, long seed) {
    return pair(n, D, seed);
  }

  /** As {@link #pair(int, long)} with rows of {@code d} features. */
  private static LocalDataset[] pair(int n, int d, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] levels = new double[256];
    for (int k = 0; k < 256; k++) {
      levels[k] = k == 0 ? -0.0 : Math.sin(k) / 3.0;
    }
    byte[] codes = new byte[n * d];
    double[] dense = new double[n * d];
    int[] labels = new int[n];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = (byte) rng.nextInt(256);
      dense[i] = levels[codes[i] & 0xff];
    }
    codes[0] = 0; // the negative zero is in every dataset
    dense[0] = levels[0];
    for (int i = 0; i < n; i++) {
      labels[i] = rng.nextInt(3);
    }
    return new LocalDataset[] {LocalDataset.coded(codes, levels, labels, d), new LocalDataset(dense, labels, d)};
  }

  /** Widths below, at and across the decoder's 8-wide unrolled step, and with a remainder. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {3, 7, 8, 19})
  void codedRowsGatherAndSelectEqualTheDenseOnesBitForBit(int d) {
    LocalDataset[] p = pair(50, d, 1);
    LocalDataset coded = p[0];
    LocalDataset dense = p[1];
    assertTrue(coded.isCoded());
    assertFalse(dense.isCoded());
    assertArrayEquals(dense.features(), coded.features());
    double[] a = new double[5 * d];
    double[] b = new double[5 * d];
    coded.rows(11, 5, a);
    dense.rows(11, 5, b);
    assertArrayEquals(b, a);
    int[] order = {49, 0, 17, 17, 3};
    int[] ya = new int[5];
    int[] yb = new int[5];
    coded.gather(order, 1, 4, a, ya);
    dense.gather(order, 1, 4, b, yb);
    assertArrayEquals(b, a);
    assertArrayEquals(yb, ya);
    LocalDataset selected = coded.select(order);
    assertTrue(selected.isCoded(), "a selection keeps the storage");
    assertArrayEquals(dense.select(order).features(), selected.features());
    assertArrayEquals(dense.select(order).labels(), selected.labels());
    assertTrue(java.util.Arrays.asList(box(coded.features())).contains(-0.0), "negative zero survives the table");
  }

  private static Double[] box(double[] v) {
    Double[] out = new Double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }

  @Test
  void aModelEvaluatesACodedDatasetExactlyAsTheDenseOneAcrossChunks() {
    LocalDataset[] p = pair(1300, 2); // more than two of the evaluation's 512-row chunks
    for (String type : new String[] {"softmax", "mlp"}) {
      Model m = Models.create(type, D, 3, 5, 0);
      double[] params = new double[m.layout().size()];
      SplittableRandom rng = new SplittableRandom(3);
      for (int i = 0; i < params.length; i++) {
        params[i] = rng.nextDouble(-1, 1);
      }
      EvalStats coded = m.evaluate(params, p[0]);
      EvalStats dense = m.evaluate(params, p[1]);
      assertEquals(dense.lossSum(), coded.lossSum(), 0.0, type);
      assertEquals(dense.correct(), coded.correct(), type);
      assertEquals(1300, coded.count());
      // Then a smaller one on the same thread, whose rows are decoded into the buffer the larger one
      // left full: only its own rows may count.
      LocalDataset[] small = pair(7, 4);
      EvalStats smallCoded = m.evaluate(params, small[0]);
      EvalStats smallDense = m.evaluate(params, small[1]);
      assertEquals(smallDense.lossSum(), smallCoded.lossSum(), 0.0, type);
      assertEquals(smallDense.correct(), smallCoded.correct(), type);
      assertEquals(7, smallCoded.count());
    }
  }

  @Test
  void badShapesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> LocalDataset.coded(new byte[5], new double[2], new int[1], D));
    assertThrows(IllegalArgumentException.class, () -> LocalDataset.coded(new byte[D], new double[257], new int[1], D));
  }
}
