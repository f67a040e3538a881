package org.fedspark.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.fedspark.codec.tv.Kmeans1d;
import org.junit.jupiter.api.Test;

/** Each codec: lossless ones to the bit, lossy ones within their stated bound, sizes as documented. */
class CodecRoundTripTest {
  private static final CodecContext CTX = new CodecContext(11, 3, 5, CodecContext.Direction.UPLINK, "delta");

  static double[] roundTrip(VectorCodec c, double[] v, CodecContext ctx) {
    byte[] body = c.encode(v, ctx);
    ByteBuffer in = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
    double[] back = c.decode(v.length, in);
    assertFalse(in.hasRemaining(), c.name() + " left bytes unread");
    return back;
  }

  private static void assertBits(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]), what + " at " + i);
    }
  }

  @Test
  void losslessCodecsRoundTripBitForBit() {
    double[] nans = {Double.longBitsToDouble(0x7ff8000000000123L), Double.NaN, Double.NEGATIVE_INFINITY, 1, 1};
    for (VectorCodec c : new VectorCodec[] {Float64Codec.INSTANCE, new PiecewiseConstantCodec(8)}) {
      assertTrue(c.lossless());
      for (double[] v : CodecTestVectors.all(1)) {
        assertBits(v, roundTrip(c, v, CTX), c.name());
      }
      assertBits(nans, roundTrip(c, nans, CTX), c.name() + " non-finite");
    }
  }

  @Test
  void float32IsWithinHalfAnUlpOfFloat() {
    for (double[] v : CodecTestVectors.all(2)) {
      double[] back = roundTrip(Float32Codec.INSTANCE, v, CTX);
      for (int i = 0; i < v.length; i++) {
        if (Math.abs(v[i]) >= Float.MIN_NORMAL && Math.abs(v[i]) <= Float.MAX_VALUE) {
          assertTrue(Math.abs(back[i] - v[i]) <= Math.scalb(Math.abs(v[i]), -24), v[i] + " -> " + back[i]);
        }
      }
      assertEquals(4 * v.length, Float32Codec.INSTANCE.encode(v, CTX).length);
    }
  }

  @Test
  void piecewiseCostsBitsPerRunNotPerValue() {
    double[] v = new double[10_000];
    Arrays.fill(v, 5000, 10_000, 0.25);
    // 2 float64 values, 2 runs: gamma(5000) = 25 bits + 1 index bit each → 7 bytes of stream
    assertEquals(1 + 4 + 16 + 4 + 4 + 7, new PiecewiseConstantCodec(8).encode(v, CTX).length);
    assertEquals(1 + 4 + 8 + 4 + 4 + 7, new PiecewiseConstantCodec(4).encode(v, CTX).length);
    double[] f = roundTrip(new PiecewiseConstantCodec(4), new double[] {0.1, 0.1, 0.2}, CTX);
    assertArrayEquals(new double[] {(float) 0.1, (float) 0.1, (float) 0.2}, f, 0.0);
  }

  @Test
  void kmeansLevelsAreTheOptimalKLevelQuantizer() {
    SplittableRandom rng = new SplittableRandom(3);
    for (int k : new int[] {1, 2, 4, 8}) {
      for (int t = 0; t < 10; t++) {
        double[] v = CodecTestVectors.gaussian(rng, 1 + rng.nextInt(500));
        double[] back = roundTrip(new KmeansCodec(k, 8), v, CTX);
        assertTrue(Arrays.stream(back).distinct().count() <= k);
        double err = sq(v, back);
        double kmeansCost = Kmeans1d.fit(v, Math.min(k, v.length)).withinSumOfSquares();
        assertEquals(kmeansCost, err, 1e-9 * (1 + kmeansCost), "the error is the optimal k-means cost");
        // no k evenly spaced levels over [min, max] do better
        assertTrue(err <= sq(v, uniform(v, k)) + 1e-15, "k = " + k);
      }
    }
    double[] few = {1, 2, 1, 2, 3};
    assertArrayEquals(few, roundTrip(new KmeansCodec(3, 8), few, CTX), 0.0, "≤ k levels are sent as they are");
  }

  @Test
  void topKKeepsTheLargestMagnitudesAsFloats() {
    double[] v = {0.1, -5, 0.2, 3, 0, -0.3, 4, 0.05, 0, 0};
    TopKCodec c = new TopKCodec(0.3);
    assertEquals(3, c.k(10));
    assertArrayEquals(new double[] {0, -5, 0, 3, 0, 0, 4, 0, 0, 0}, roundTrip(c, v, CTX), 0.0);
    SplittableRandom rng = new SplittableRandom(4);
    for (int t = 0; t < 20; t++) {
      double[] x = CodecTestVectors.gaussian(rng, 1 + rng.nextInt(2000));
      double[] back = roundTrip(new TopKCodec(0.05), x, CTX);
      int k = new TopKCodec(0.05).k(x.length);
      assertEquals(k, Arrays.stream(back).filter(b -> b != 0).count());
      assertTrue(sq(x, back) <= (1 - (double) k / x.length) * dot(x, x) * (1 + 1e-6));
    }
    // 1% of 10,000 values, evenly spread: gaps of 100 cost 13 bits, values 4 bytes
    double[] sparse = new double[10_000];
    for (int i = 0; i < 100; i++) {
      sparse[i * 100 + 7] = 1 + i;
    }
    assertEquals(4 + 4 + (3 + 99 * 13 + 7) / 8 + 400, new TopKCodec(0.01).encode(sparse, CTX).length);
  }

  @Test
  void qsgdIsUnbiasedBoundedAndReproducible() {
    SplittableRandom rng = new SplittableRandom(5);
    double[] v = CodecTestVectors.gaussian(rng, 50);
    double norm = Math.sqrt(dot(v, v));
    QsgdCodec c = new QsgdCodec(4);
    double[] mean = new double[v.length];
    int draws = 4000;
    double mse = 0;
    for (int r = 0; r < draws; r++) {
      double[] q = roundTrip(c, v, new CodecContext(1, r, 0, CodecContext.Direction.UPLINK, "delta"));
      for (int i = 0; i < v.length; i++) {
        assertTrue(Math.abs(q[i] - v[i]) <= norm / 4 * (1 + 1e-12), "each value moves to a neighbouring level");
        mean[i] += q[i] / draws;
      }
      mse += sq(v, q) / draws;
    }
    for (int i = 0; i < v.length; i++) {
      // the std of one draw is at most norm/(2s); the mean of 4000 is within 5 std of v_i
      assertEquals(v[i], mean[i], 5 * norm / 8 / Math.sqrt(draws), "unbiased at " + i);
    }
    assertTrue(mse <= Math.min(50.0 / 16, Math.sqrt(50) / 4) * dot(v, v), "the paper's variance bound");
    assertArrayEquals(c.encode(v, CTX), c.encode(v, CTX), "same context, same bytes");
    assertFalse(Arrays.equals(c.encode(v, CTX), c.encode(v, new CodecContext(11, 4, 5, CTX.direction(), "delta"))));
    double[] zeros = roundTrip(c, new double[7], CTX);
    assertArrayEquals(new double[7], zeros, 0.0);
  }

  @Test
  void scaledSignMeetsItsCompressionIdentity() {
    SplittableRandom rng = new SplittableRandom(6);
    for (int t = 0; t < 20; t++) {
      double[] v = CodecTestVectors.gaussian(rng, 1 + rng.nextInt(1000));
      double[] s = roundTrip(SignCodec.INSTANCE, v, CTX);
      double l1 = Arrays.stream(v).map(Math::abs).sum();
      for (int i = 0; i < v.length; i++) {
        assertEquals(Math.signum(v[i]) * l1 / v.length, s[i], 1e-15);
      }
      double expected = dot(v, v) - l1 * l1 / v.length;
      assertEquals(expected, sq(v, s), 1e-9 * dot(v, v));
      assertEquals(8 + (v.length + 7) / 8, SignCodec.INSTANCE.encode(v, CTX).length);
    }
  }

  @Test
  void nonFiniteInputsStayNonFinite() {
    double[] v = {1, Double.NaN, 2};
    for (String name : Codecs.NAMES) {
      VectorCodec c = Codecs.create(name, Codecs.Params.DEFAULT);
      double[] back = roundTrip(c, v, CTX);
      assertTrue(Arrays.stream(back).anyMatch(x -> !Double.isFinite(x)), name);
    }
  }

  @Test
  void codecIdsAreUniqueAndFoundById() {
    for (String name : Codecs.NAMES) {
      VectorCodec c = Codecs.create(name, Codecs.Params.DEFAULT);
      assertEquals(name, c.name());
      assertEquals(name, Codecs.byId(c.id()).name());
    }
    assertEquals(Codecs.NAMES.size(), Codecs.NAMES.stream().mapToInt(n -> Codecs.create(n, Codecs.Params.DEFAULT).id()).distinct().count());
    assertNotEquals(0, Codecs.create("topk", Codecs.Params.DEFAULT).wantsErrorFeedback() ? 1 : 0);
  }

  static double sq(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return s;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /** Each value to the nearest of k evenly spaced levels over [min, max]. */
  private static double[] uniform(double[] v, int k) {
    double lo = Arrays.stream(v).min().orElse(0);
    double hi = Arrays.stream(v).max().orElse(0);
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      if (k == 1 || hi == lo) {
        out[i] = (lo + hi) / 2;
      } else {
        double step = (hi - lo) / (k - 1);
        out[i] = lo + Math.round((v[i] - lo) / step) * step;
      }
    }
    return out;
  }
}
