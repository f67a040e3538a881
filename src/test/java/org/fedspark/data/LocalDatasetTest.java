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
    assertThrows(IllegalArgumentException.class,
        () -> LocalDataset.codedRows(new byte[3 * D], new int[] {0, 3}, new double[2], new int[2], D), "row 3 of 3");
    assertThrows(IllegalArgumentException.class,
        () -> LocalDataset.codedRows(new byte[3 * D], new int[] {-1}, new double[2], new int[1], D));
    assertThrows(IllegalArgumentException.class,
        () -> LocalDataset.codedRows(new byte[3 * D + 1], new int[] {0}, new double[2], new int[1], D), "no whole rows");
    assertThrows(IllegalArgumentException.class,
        () -> LocalDataset.codedRows(new byte[3 * D], new int[] {0, 1}, new double[2], new int[1], D), "labels");
  }

  /** {@code rows} of a coded table: as a view, and as the copy the view stands for. */
  private static LocalDataset[] viewAndCopy(LocalDataset table, int[] rows, int d) {
    byte[] codes = codes(table);
    double[] levels = levels(table);
    int[] labels = new int[rows.length];
    byte[] own = new byte[rows.length * d];
    for (int i = 0; i < rows.length; i++) {
      labels[i] = table.label(rows[i]);
      System.arraycopy(codes, rows[i] * d, own, i * d, d);
    }
    return new LocalDataset[] {LocalDataset.codedRows(codes, rows, levels, labels, d),
        LocalDataset.coded(own, levels, labels, d)};
  }

  private static byte[] codes(LocalDataset coded) {
    return (byte[]) field(coded, "codes");
  }

  private static double[] levels(LocalDataset coded) {
    return (double[]) field(coded, "levels");
  }

  private static Object field(LocalDataset d, String name) {
    try {
      java.lang.reflect.Field f = LocalDataset.class.getDeclaredField(name);
      f.setAccessible(true);
      return f.get(d);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** A view of a table's rows reads, selects and gathers exactly what a copy of those rows would. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {3, 8, 19})
  void aViewOfATableEqualsTheCopyOfItsRowsBitForBit(int d) {
    LocalDataset table = pair(40, d, 5)[0];
    int[] rows = {39, 2, 2, 17, 0, 23, 11, 38, 5};
    LocalDataset[] vc = viewAndCopy(table, rows, d);
    LocalDataset view = vc[0];
    LocalDataset copy = vc[1];
    assertTrue(view.isView() && view.isCoded());
    assertEquals(rows.length, view.size());
    assertArrayEquals(copy.features(), view.features());
    assertArrayEquals(copy.labels(), view.labels());
    double[] a = new double[4 * d];
    double[] b = new double[4 * d];
    view.rows(3, 4, a);
    copy.rows(3, 4, b);
    assertArrayEquals(b, a);
    int[] order = {8, 0, 3, 3, 6};
    int[] ya = new int[4];
    int[] yb = new int[4];
    view.gather(order, 1, 4, a, ya);
    copy.gather(order, 1, 4, b, yb);
    assertArrayEquals(b, a);
    assertArrayEquals(yb, ya);
    // A selection of a view is a view of the same table, with the composed rows.
    LocalDataset sel = view.select(order);
    assertTrue(sel.isView());
    assertArrayEquals(copy.select(order).features(), sel.features());
    assertArrayEquals(copy.select(order).labels(), sel.labels());
    assertTrue(codes(sel) == codes(table), "a selection shares the table");
  }

  /** Serialized, a view carries its own rows only, and comes back as an ordinary coded dataset. */
  @Test
  void aViewSerializesAsACompactCopyOfItsRows() throws Exception {
    int d = 19;
    LocalDataset table = pair(2000, d, 6)[0];
    int[] rows = {1999, 4, 777, 4, 1000};
    LocalDataset[] vc = viewAndCopy(table, rows, d);
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream o = new java.io.ObjectOutputStream(buf)) {
      o.writeObject(vc[0]);
    }
    byte[] bytes = buf.toByteArray();
    assertTrue(bytes.length < 4000, "the table is 38,000 codes; the view's own rows are 95: " + bytes.length);
    LocalDataset back;
    try (java.io.ObjectInputStream i = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes))) {
      back = (LocalDataset) i.readObject();
    }
    assertFalse(back.isView());
    assertTrue(back.isCoded());
    assertArrayEquals(vc[1].features(), back.features());
    assertArrayEquals(vc[1].labels(), back.labels());
  }

  /**
   * Spark's memory store, which sizes cached partitions by walking them, counts a view's own rows, not
   * the shared table (which it would count again in every cached partition).
   */
  @Test
  void sparksSizeEstimateOfAViewIsItsOwnShare() {
    int d = 784;
    LocalDataset table = pair(1000, d, 7)[0]; // 784,000 codes
    int[] rows = new int[10];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = 99 * i;
    }
    LocalDataset view = viewAndCopy(table, rows, d)[0];
    long estimate = org.apache.spark.util.SizeEstimator.estimate(view);
    assertEquals(view.estimatedSize(), estimate);
    assertTrue(estimate > 10 * d && estimate < 20_000, "10 rows of 784 codes, not the table: " + estimate);
    // A plain dataset's own estimate stays within a few percent of what Spark's walk finds.
    LocalDataset dense = pair(300, d, 8)[1];
    double walked = walkedSize(dense);
    assertEquals(walked, dense.estimatedSize(), 0.05 * walked);
  }

  /** What Spark's walk finds for the dataset's arrays and object, without our estimate. */
  private static double walkedSize(LocalDataset d) {
    return org.apache.spark.util.SizeEstimator.estimate(d.features())
        + org.apache.spark.util.SizeEstimator.estimate(d.labels()) + 48;
  }
}
