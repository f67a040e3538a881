package org.fedspark.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReproducibleSumTest {

  private static List<double[]> randomVectors(int count, int len, long seed) {
    Random r = new Random(seed);
    List<double[]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      double[] v = new double[len];
      for (int j = 0; j < len; j++) {
        // mixed magnitudes and signs: where plain summation order matters most
        v[j] = r.nextGaussian() * Math.pow(10, r.nextInt(12) - 6);
      }
      out.add(v);
    }
    return out;
  }

  @Test
  void sumIsBitwiseIndependentOfOrderAndGrouping() {
    List<double[]> vs = randomVectors(200, 50, 1);
    ReproducibleSum seq = new ReproducibleSum(50);
    vs.forEach(seq::add);

    List<double[]> shuffled = new ArrayList<>(vs);
    Collections.shuffle(shuffled, new Random(7));
    // group into uneven chunks, sum each, merge in reverse order: another aggregation tree
    List<ReproducibleSum> parts = new ArrayList<>();
    int i = 0;
    int chunk = 1;
    while (i < shuffled.size()) {
      ReproducibleSum p = new ReproducibleSum(50);
      for (int k = 0; k < chunk && i < shuffled.size(); k++, i++) {
        p.add(shuffled.get(i));
      }
      parts.add(p);
      chunk = chunk * 2 + 1;
    }
    ReproducibleSum tree = new ReproducibleSum(50);
    for (int k = parts.size() - 1; k >= 0; k--) {
      tree.merge(parts.get(k));
    }
    assertArrayEquals(seq.toArray(1.0), tree.toArray(1.0), 0.0);

    // plain double summation does depend on order for this data (so the test can fail)
    double[] a = new double[50];
    double[] b = new double[50];
    vs.forEach(v -> { for (int j = 0; j < 50; j++) a[j] += v[j]; });
    shuffled.forEach(v -> { for (int j = 0; j < 50; j++) b[j] += v[j]; });
    boolean differs = false;
    for (int j = 0; j < 50; j++) {
      differs |= a[j] != b[j];
    }
    assertTrue(differs, "test data should expose non-associativity of plain summation");
  }

  @Test
  void matchesExactBigDecimalSumToWithinTruncation() {
    List<double[]> vs = randomVectors(300, 20, 3);
    ReproducibleSum s = new ReproducibleSum(20);
    vs.forEach(s::add);
    for (int j = 0; j < 20; j++) {
      BigDecimal exact = BigDecimal.ZERO;
      for (double[] v : vs) {
        exact = exact.add(new BigDecimal(v[j]));
      }
      double ref = exact.doubleValue();
      // error: ≤ 300 truncations of 2^-63 plus the final rounding to double
      assertEquals(ref, s.get(j), 300 * 0x1p-63 + Math.ulp(ref));
    }
  }

  @Test
  void scaledAddAndNegativeValues() {
    ReproducibleSum s = new ReproducibleSum(3);
    s.addScaled(new double[] {-0.3, 2.5, -7.0}, 2.0);
    s.addScaled(new double[] {0.1, -0.5, 1.0}, -1.0);
    assertEquals(-0.7, s.get(0), 1e-15);
    assertEquals(5.5, s.get(1), 1e-15);
    assertEquals(-15.0, s.get(2), 0.0);
  }

  /**
   * {@code addScaled} runs {@code addAt}'s arithmetic in one loop; the two must leave the same integer and
   * fraction parts in every element (compared through the wire form, which holds both exactly) and the
   * same finiteness, over mixed signs and magnitudes, zeros of both signs, subnormals, values at the
   * 2^62 limit, running sums that overflow either way, NaN and ∞ part-way through a vector, and scales
   * of both signs.
   */
  @Test
  void addScaledLeavesExactlyWhatAddAtLeaves() throws Exception {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
    double[] special = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, 0x1p-63, -0x1p-64, 1.9 * 0x1p61, -1.9 * 0x1p61,
        Math.nextDown(0x1p62), 0x1p62, -0x1p62, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e300};
    int cases = 0;
    int notFinite = 0;
    for (int trial = 0; trial < 400; trial++) {
      int len = 1 + rng.nextInt(9);
      ReproducibleSum bulk = new ReproducibleSum(len);
      ReproducibleSum each = new ReproducibleSum(len);
      ReproducibleSum twice = new ReproducibleSum(len);
      for (int add = 0; add < 1 + rng.nextInt(4); add++) {
        double[] v = new double[len];
        for (int j = 0; j < len; j++) {
          int kind = rng.nextInt(20);
          v[j] = kind == 0 ? special[rng.nextInt(special.length)]
              : kind < 4 ? (rng.nextBoolean() ? 1 : -1) * rng.nextDouble() * 0x1p61
              : rng.nextGaussian() * Math.pow(10, rng.nextInt(24) - 12);
        }
        double scale = rng.nextInt(5) == 0 ? -rng.nextDouble() * 3 : rng.nextDouble() * 3;
        bulk.addScaled(v, scale);
        for (int j = 0; j < len; j++) {
          each.addAt(j, scale * v[j]);
          twice.addAt(j, scale * v[j]);
          twice.addAt(j, scale * v[j]);
        }
        cases++;
      }
      assertEquals(each.isFinite(), bulk.isFinite(), "trial " + trial);
      if (each.isFinite()) {
        assertArrayEquals(bytes(each), bytes(bulk), "trial " + trial);
      } else {
        notFinite++;
      }
      // merge, against the same values added one by one
      ReproducibleSum merged = new ReproducibleSum(len);
      merged.merge(each);
      merged.merge(bulk);
      assertEquals(twice.isFinite(), merged.isFinite(), "merge, trial " + trial);
      if (twice.isFinite()) {
        assertArrayEquals(bytes(twice), bytes(merged), "merge, trial " + trial);
      }
    }
    assertTrue(notFinite > 20 && notFinite < 380, "both outcomes exercised: " + notFinite + " of 400 not finite");
    assertTrue(cases > 400);
    // The integer part at the very ends of its range. Overflowed by nothing but the fraction's carry or
    // borrow: 2·(2^62 − 1024) + 2047.5 = 2^63 − 1 + ½, then ½ more; −2^63, then ¼ less. Not overflowed
    // though the integer part alone would be: 2^63 − 1, then ¼ more (no carry); −2^63 + ¾, then ¼ less
    // (the fraction pays it).
    double[][] edges = {{0x1p62 - 1024, 0x1p62 - 1024, 2047.5, 0.5}, {-(0x1p62 - 1024), -(0x1p62 - 1024), -2048, -0.25},
        {0x1p62 - 1024, 0x1p62 - 1024, 2047, 0.25}, {0.75, -(0x1p62 - 1024), -(0x1p62 - 1024), -2048, -0.25}};
    boolean[] finiteAtEnd = {false, false, true, true};
    for (int e = 0; e < edges.length; e++) {
      double[] seq = edges[e];
      ReproducibleSum bulk = new ReproducibleSum(1);
      ReproducibleSum each = new ReproducibleSum(1);
      for (int k = 0; k < seq.length; k++) {
        bulk.addScaled(new double[] {seq[k]}, 1.0);
        each.addAt(0, seq[k]);
        assertEquals(k < seq.length - 1 || finiteAtEnd[e], bulk.isFinite(), "step " + k + " of " + java.util.Arrays.toString(seq));
        assertEquals(each.isFinite(), bulk.isFinite());
      }
      if (finiteAtEnd[e]) {
        assertArrayEquals(bytes(each), bytes(bulk));
      }
    }
    // A merge that only the fractions' carry overflows: (2^63 − 1 + ½) + ½.
    ReproducibleSum top = new ReproducibleSum(1);
    top.addScaled(new double[] {0x1p62 - 1024}, 1.0);
    top.addScaled(new double[] {0x1p62 - 1024}, 1.0);
    top.addScaled(new double[] {2047.5}, 1.0);
    ReproducibleSum half = new ReproducibleSum(1);
    half.addAt(0, 0.5);
    assertTrue(top.isFinite());
    assertEquals(0x1p63, top.get(0));
    top.merge(half);
    assertFalse(top.isFinite(), "2^63 is past the integer part's range");
  }

  /** The sum's Java serialization: its wire form, which holds every element's integer and fraction parts exactly. */
  private static byte[] bytes(ReproducibleSum s) throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream o = new java.io.ObjectOutputStream(out)) {
      o.writeObject(s);
    }
    return out.toByteArray();
  }

  @Test
  void nonFiniteInputMarksSumNotFinite() {
    ReproducibleSum s = new ReproducibleSum(2);
    s.add(new double[] {1, 2});
    assertTrue(s.isFinite());
    s.add(new double[] {Double.NaN, 0});
    assertFalse(s.isFinite());
    assertTrue(Double.isNaN(s.get(1)));
    ReproducibleSum big = new ReproducibleSum(1);
    big.add(new double[] {1e300});
    assertFalse(big.isFinite());
    ReproducibleSum merged = new ReproducibleSum(2);
    merged.merge(s);
    assertFalse(merged.isFinite());
  }

  @Test
  void smallNegativeValuesKeepTheirFullPrecision() {
    // a negative addend must be cut as precisely as a positive one (≤ 2^-63 each), not via 1 − |x|
    java.util.SplittableRandom rng = new java.util.SplittableRandom(11);
    ReproducibleSum s = new ReproducibleSum(1);
    BigDecimal exact = BigDecimal.ZERO;
    for (int k = 0; k < 1000; k++) {
      double v = -rng.nextDouble() * 1e-10;
      s.addAt(0, v);
      exact = exact.add(new BigDecimal(v));
    }
    double ref = exact.doubleValue();
    assertEquals(ref, s.get(0), 1000 * 0x1p-63 + Math.ulp(ref));
  }

  @Test
  void anOverflowingRunningSumIsNotFinite() {
    ReproducibleSum s = new ReproducibleSum(1);
    for (int k = 0; k < 3; k++) {
      s.addAt(0, 1.9 * 0x1p61); // each is below the 2^62 limit; their sum is beyond 2^63
    }
    assertFalse(s.isFinite());
    ReproducibleSum negative = new ReproducibleSum(1);
    for (int k = 0; k < 3; k++) {
      negative.addAt(0, -1.9 * 0x1p61); // the same below −2^63, through the subtracting path
    }
    assertFalse(negative.isFinite());
    ReproducibleSum edge = new ReproducibleSum(1);
    edge.addAt(0, 1.5 * 0x1p61);
    edge.addAt(0, 1.5 * 0x1p61);
    edge.addAt(0, -1.5 * 0x1p61);
    assertTrue(edge.isFinite(), "3·2^61 then back: the running sum never passed 2^63");
    assertEquals(1.5 * 0x1p61, edge.get(0));
    ReproducibleSum a = new ReproducibleSum(1);
    ReproducibleSum b = new ReproducibleSum(1);
    a.addAt(0, -1.9 * 0x1p61);
    a.addAt(0, -1.9 * 0x1p61);
    b.addAt(0, -1.9 * 0x1p61);
    b.addAt(0, -1.9 * 0x1p61);
    assertTrue(a.isFinite() && b.isFinite());
    a.merge(b);
    assertFalse(a.isFinite(), "merging into an overflow");
  }

  private static ReproducibleSum roundTrip(ReproducibleSum s) throws Exception {
    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes(s)))) {
      return (ReproducibleSum) in.readObject();
    }
  }

  private static int serializedSize(ReproducibleSum s) throws Exception {
    return bytes(s).length;
  }

  @Test
  void serializationKeepsEveryBitAndLaterSumsAgree() throws Exception {
    List<double[]> vs = randomVectors(30, 40, 3);
    ReproducibleSum s = new ReproducibleSum(40);
    vs.subList(0, 15).forEach(s::add);
    // extremes of the representable range on both signs, and exact zeros
    s.addAt(0, 0x1p62 - 1024);
    s.addAt(0, 0x1p62 - 1024); // integer part near 2^63: still finite, must survive the wire
    s.addAt(1, -(0x1p62 - 1024));
    s.addAt(1, -(0x1p62 - 1024));
    ReproducibleSum back = roundTrip(s);
    assertArrayEquals(s.toArray(1.0), back.toArray(1.0), 0.0);
    assertTrue(back.isFinite());
    // the deserialized sum keeps working exactly like the original
    vs.subList(15, 30).forEach(s::add);
    vs.subList(15, 30).forEach(back::add);
    assertArrayEquals(s.toArray(1.0), back.toArray(1.0), 0.0);
    ReproducibleSum m1 = new ReproducibleSum(40);
    ReproducibleSum m2 = new ReproducibleSum(40);
    m1.merge(s);
    m2.merge(roundTrip(back));
    assertArrayEquals(m1.toArray(1.0), m2.toArray(1.0), 0.0);

    ReproducibleSum bad = new ReproducibleSum(3);
    bad.addAt(2, Double.NaN);
    assertFalse(roundTrip(bad).isFinite());
  }

  @Test
  void untouchedCoordinatesCostAlmostNothingOnTheWire() throws Exception {
    int n = 10_000;
    ReproducibleSum empty = new ReproducibleSum(n);
    ReproducibleSum dense = new ReproducibleSum(n);
    Random r = new Random(5);
    for (int i = 0; i < n; i++) {
      dense.addAt(i, r.nextGaussian() * 0.01);
    }
    // Java's default form of two long[n] arrays would take 16 bytes per element, the first compact form 2 and 10; the
    // rest is the stream's class descriptors
    // 1 byte for the integer part 0 and a bit saying the fraction is 0
    assertTrue(serializedSize(empty) < n + n / 8 + 1000, "empty: " + serializedSize(empty));
    // 1 byte for the integer part (0 or -1), 8 for the fraction and its bit
    assertTrue(serializedSize(dense) < 9 * n + n / 8 + 1000, "dense: " + serializedSize(dense));
    assertArrayEquals(dense.toArray(1.0), roundTrip(dense).toArray(1.0), 0.0);
  }
}
