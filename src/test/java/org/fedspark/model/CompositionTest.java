package org.fedspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.fedspark.data.LocalDataset;
import org.fedspark.model.Composition.Axis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Checks {@link Composition} against independent references: the gradient of the full chain
 * {@code L(θ) = F(C(θ))} (F the {@link Mlp} objective) against central finite differences, the forward
 * map against direct loops over the defining formulas, and the initialization against its exactness
 * claims.
 *
 * <p>Finite-difference error: central differences with step {@code h = 1e-5} have truncation error
 * {@code h²·|L'''|/6 ≈ 1e-11} for the O(1)–O(10) third derivatives here, and rounding error about
 * {@code ε·|L|/h}, which is {@code 1.1e-10} for {@code |L| ≤ 5}. Relative errors are taken against
 * {@code max(FLOOR, |fd|, |g|)} with {@code FLOOR = 1e-3} as in {@link GradientCheckTest}, so rounding
 * alone can reach {@code 1.1e-7} relative on the smallest components: that is the bound asserted,
 * {@code MAX_REL = 1e-7}, with {@code |L| ≤ 5} checked as its precondition. Measured maxima, the same
 * on native and pure-Java BLAS, are 2e-9 to 2.5e-8. A wrong factor, sign or missing term in a Jacobian
 * gives errors of order 1.
 */
class CompositionTest {
  private static final int D = 5;
  private static final int HIDDEN = 6;
  private static final int CLASSES = 3;
  private static final int BATCH = 7;
  private static final double H = 1e-5;
  private static final double FLOOR = 1e-3;
  private static final double MAX_REL = 1e-7;
  /** Largest objective for which {@link #MAX_REL} covers the rounding error of the differences. */
  private static final double MAX_LOSS = 5;

  private static Mlp mlp() {
    return new Mlp(D, HIDDEN, CLASSES, 0.1);
  }

  // ---------------------------------------------------------------- gradients of the full chain

  @Test
  void additiveGradientMatchesFiniteDifferences() {
    Mlp m = mlp();
    Composition c = Composition.builder(m.layout()).additive("W1", "personal").additive("b1", "personal").build();
    gradientCheck("additive", m, c, 21);
  }

  /** FedSLR's {@code W + P}: the additive algebra on every weight matrix, under its own suffix. */
  @Test
  void sumGradientMatchesFiniteDifferences() {
    Mlp m = mlp();
    Composition c = Composition.builder(m.layout()).additive("W1", "sparse").additive("W2", "sparse").build();
    gradientCheck("sum W+P", m, c, 22);
  }

  @Test
  void loraGradientMatchesFiniteDifferences() {
    Mlp m = mlp();
    Composition c = Composition.builder(m.layout()).lora("W1", 2, 2.0).lora("W2", 3, 1.5).build();
    gradientCheck("lora", m, c, 26);
  }

  @Test
  void magnitudeDirectionGradientMatchesFiniteDifferences() {
    Mlp m = mlp();
    Composition c = Composition.builder(m.layout())
        .magnitudeDirection("W1", Axis.ROWS)
        .magnitudeDirection("W2", Axis.COLS)
        .build();
    gradientCheck("magnitude-direction", m, c, 24);
  }

  @Test
  void nestedGradientMatchesFiniteDifferences() {
    Mlp m = mlp();
    gradientCheck("nested", m, nested(m), 25);
  }

  /**
   * LoRA on W1 with both factors split into magnitude and direction, and on W2 the documented example:
   * additive sparse part, LoRA on the shared part, magnitude–direction on its B.
   */
  private static Composition nested(Model m) {
    return Composition.builder(m.layout())
        .lora("W1", 2, 8.0)
        .magnitudeDirection("W1.lora_B", Axis.ROWS)
        .magnitudeDirection("W1.lora_A", Axis.COLS)
        .additive("W2", "sparse")
        .lora("W2", 2, 4.0)
        .magnitudeDirection("W2.lora_B", Axis.ROWS)
        .build();
  }

  private static void gradientCheck(String name, Mlp m, Composition c, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    LocalDataset data = NaiveReference.randomData(rng, BATCH, D, CLASSES);
    double[] theta = new double[c.stored().size()];
    for (int i = 0; i < theta.length; i++) {
      theta[i] = 0.5 * rng.nextGaussian();
    }
    double maxRel = gradientCheck(name, m, c, theta, data);
    assertTrue(maxRel <= MAX_REL, name + ": max relative error " + maxRel);
  }

  /**
   * Compares {@code J_Cᵀ ∇F(C(θ))} with central differences of {@code F(C(θ))} and returns the maximum
   * relative error. ReLU has a kink at 0, so it also checks that no hidden pre-activation can reach 0
   * within a step: every one stays 100 times farther from 0 than the largest change any step caused,
   * and both active and inactive units occur so both branches are exercised.
   */
  private static double gradientCheck(String name, Mlp m, Composition c, double[] theta, LocalDataset data) {
    double[] x = data.features();
    int[] y = data.labels();
    Composition.Workspace ws = c.workspace();
    double[] w = new double[c.effective().size()];
    double[] gradW = new double[w.length];
    double[] grad = new double[theta.length];
    Arrays.fill(grad, Double.NaN); // must be overwritten, not accumulated into
    c.forward(theta, w, ws);
    double loss = m.lossAndGradient(w, x, y, BATCH, gradW);
    c.backward(theta, gradW, grad, ws);
    double[] pre0 = preActivations(m, w, x);
    assertTrue(Math.abs(loss) <= MAX_LOSS, name + ": objective " + loss + " too large for the tolerance");

    double[] p = theta.clone();
    double maxRel = 0;
    double maxAbsGrad = 0;
    double maxShift = 0;
    for (int i = 0; i < p.length; i++) {
      double[] fx = new double[2];
      for (int k = 0; k < 2; k++) {
        p[i] = theta[i] + (k == 0 ? H : -H);
        c.forward(p, w, ws);
        fx[k] = m.lossAndGradient(w, x, y, BATCH, gradW);
        double[] pre = preActivations(m, w, x);
        for (int j = 0; j < pre.length; j++) {
          maxShift = Math.max(maxShift, Math.abs(pre[j] - pre0[j]));
        }
      }
      p[i] = theta[i];
      double fd = (fx[0] - fx[1]) / (2 * H);
      double rel = Math.abs(fd - grad[i]) / Math.max(FLOOR, Math.max(Math.abs(fd), Math.abs(grad[i])));
      maxRel = Math.max(maxRel, rel);
      maxAbsGrad = Math.max(maxAbsGrad, Math.abs(grad[i]));
    }
    double minAbsPre = Arrays.stream(pre0).map(Math::abs).min().orElseThrow();
    long active = Arrays.stream(pre0).filter(v -> v > 0).count();
    assertTrue(minAbsPre > 100 * maxShift,
        name + ": a pre-activation " + minAbsPre + " is within reach of a step (" + maxShift + ") of the ReLU kink");
    assertTrue(active > 0 && active < pre0.length, name + ": need active and inactive units, got " + active);
    assertTrue(maxAbsGrad > 10 * FLOOR, name + ": gradient too small for a meaningful check: " + maxAbsGrad);
    System.out.printf(Locale.ROOT, "composition gradient check %s (%s): max relative error %.1e over %d stored params, L = %.2f%n",
        name, Blas.describe(), maxRel, p.length, loss);
    return maxRel;
  }

  /** Hidden pre-activations {@code X·W1ᵀ + b1} by direct loops. */
  private static double[] preActivations(Mlp m, double[] w, double[] x) {
    ParamBlock w1 = m.layout().block("W1");
    int b1 = m.layout().block("b1").offset();
    double[] pre = new double[BATCH * HIDDEN];
    for (int i = 0; i < BATCH; i++) {
      for (int j = 0; j < HIDDEN; j++) {
        double s = w[b1 + j];
        for (int k = 0; k < D; k++) {
          s += w[w1.index(j, k)] * x[i * D + k];
        }
        pre[i * HIDDEN + j] = s;
      }
    }
    return pre;
  }

  // ---------------------------------------------------------------- forward against the formulas

  /**
   * The nested composition against the formulas evaluated by direct loops on named blocks. Each entry
   * is a sum of at most a handful of O(1) products, so both computations round to within about
   * {@code 1e-15}; {@code 1e-13} leaves room for that and for the BLAS's summation order, while any error
   * in a formula is of order 1.
   */
  @Test
  void forwardMatchesTheFormulas() {
    Mlp m = mlp();
    Composition c = nested(m);
    SplittableRandom rng = new SplittableRandom(31);
    double[] theta = new double[c.stored().size()];
    for (int i = 0; i < theta.length; i++) {
      theta[i] = rng.nextGaussian();
    }
    double[] w = new double[m.layout().size()];
    c.forward(theta, w, c.workspace());

    Function<String, double[][]> get = name -> matrix(c.stored(), theta, name);
    double[][] b1 = loraProduct(
        magDir(get.apply("W1.lora_B.mag"), get.apply("W1.lora_B.dir"), Axis.ROWS),
        magDir(get.apply("W1.lora_A.mag"), get.apply("W1.lora_A.dir"), Axis.COLS));
    double[][] w1 = plus(get.apply("W1.base"), scaled(8.0 / 2, b1));
    double[][] b2 = loraProduct(magDir(get.apply("W2.lora_B.mag"), get.apply("W2.lora_B.dir"), Axis.ROWS),
        get.apply("W2.lora_A"));
    double[][] w2 = plus(plus(get.apply("W2.base"), scaled(4.0 / 2, b2)), get.apply("W2.sparse"));

    assertMatrixClose(w1, matrix(m.layout(), w, "W1"), 1e-13, "W1");
    assertMatrixClose(w2, matrix(m.layout(), w, "W2"), 1e-13, "W2");
    for (String bias : List.of("b1", "b2")) {
      assertArrayEquals(slice(c.stored(), theta, bias), slice(m.layout(), w, bias), bias + " is copied");
    }
  }

  private static double[][] magDir(double[][] mag, double[][] dir, Axis axis) {
    int rows = dir.length;
    int cols = dir[0].length;
    double[][] out = new double[rows][cols];
    if (axis == Axis.ROWS) {
      for (int i = 0; i < rows; i++) {
        double n = 0;
        for (int j = 0; j < cols; j++) {
          n += dir[i][j] * dir[i][j];
        }
        for (int j = 0; j < cols; j++) {
          out[i][j] = mag[i][0] * dir[i][j] / Math.sqrt(n);
        }
      }
    } else {
      for (int j = 0; j < cols; j++) {
        double n = 0;
        for (int i = 0; i < rows; i++) {
          n += dir[i][j] * dir[i][j];
        }
        for (int i = 0; i < rows; i++) {
          out[i][j] = mag[j][0] * dir[i][j] / Math.sqrt(n);
        }
      }
    }
    return out;
  }

  private static double[][] loraProduct(double[][] b, double[][] a) {
    double[][] out = new double[b.length][a[0].length];
    for (int i = 0; i < b.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        for (int k = 0; k < a.length; k++) {
          out[i][j] += b[i][k] * a[k][j];
        }
      }
    }
    return out;
  }

  private static double[][] plus(double[][] a, double[][] b) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = new double[a[i].length];
      for (int j = 0; j < a[i].length; j++) {
        out[i][j] = a[i][j] + b[i][j];
      }
    }
    return out;
  }

  private static double[][] scaled(double s, double[][] a) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = new double[a[i].length];
      for (int j = 0; j < a[i].length; j++) {
        out[i][j] = s * a[i][j];
      }
    }
    return out;
  }

  private static double[][] matrix(ParamLayout l, double[] p, String name) {
    ParamBlock b = l.block(name);
    double[][] out = new double[b.rows()][b.cols()];
    for (int i = 0; i < b.rows(); i++) {
      for (int j = 0; j < b.cols(); j++) {
        out[i][j] = p[b.index(i, j)];
      }
    }
    return out;
  }

  private static double[] slice(ParamLayout l, double[] p, String name) {
    ParamBlock b = l.block(name);
    return Arrays.copyOfRange(p, b.offset(), b.end());
  }

  private static void assertMatrixClose(double[][] expected, double[][] actual, double tol, String name) {
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      for (int j = 0; j < expected[i].length; j++) {
        worst = Math.max(worst, Math.abs(expected[i][j] - actual[i][j]));
      }
    }
    assertTrue(worst <= tol, name + ": max abs difference " + worst);
  }

  // ---------------------------------------------------------------- identity and untouched blocks

  @Test
  void identityCopiesBitForBit() {
    Mlp m = mlp();
    Composition c = Composition.identity(m.layout());
    assertTrue(c.isIdentity());
    assertEquals(m.layout().blocks(), c.stored().blocks());
    assertEquals(m.layout().blocks(), c.effective().blocks());
    double[] theta = randomWithSpecials(new SplittableRandom(41), c.stored().size());
    Composition.Workspace ws = c.workspace();
    double[] w = new double[theta.length];
    c.forward(theta, w, ws);
    assertArrayEquals(theta, w); // Double bit patterns: −0.0 and NaN payloads must survive
    double[] gradW = randomWithSpecials(new SplittableRandom(42), theta.length);
    double[] gradTheta = new double[theta.length];
    c.backward(theta, gradW, gradTheta, ws);
    assertArrayEquals(gradW, gradTheta);
    double[] init = c.initialStored(theta, new SplittableRandom(0));
    assertNotSame(theta, init);
    assertArrayEquals(theta, init);
  }

  private static double[] randomWithSpecials(SplittableRandom rng, int n) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = rng.nextGaussian();
    }
    a[0] = -0.0;
    a[1] = Double.longBitsToDouble(0x7ff8_0000_0000_1234L);
    return a;
  }

  @Test
  void untouchedBlocksAreCopiedBothWays() {
    Mlp m = mlp();
    Composition c = nested(m);
    assertFalse(c.isIdentity());
    SplittableRandom rng = new SplittableRandom(43);
    double[] theta = randomWithSpecials(rng, c.stored().size());
    ParamBlock b1 = c.stored().block("b1");
    theta[b1.offset()] = -0.0;
    Composition.Workspace ws = c.workspace();
    double[] w = new double[m.layout().size()];
    c.forward(theta, w, ws);
    double[] gradW = randomWithSpecials(rng, w.length);
    double[] gradTheta = new double[theta.length];
    c.backward(theta, gradW, gradTheta, ws);
    for (String bias : List.of("b1", "b2")) {
      assertArrayEquals(slice(c.stored(), theta, bias), slice(m.layout(), w, bias), bias);
      assertArrayEquals(slice(m.layout(), gradW, bias), slice(c.stored(), gradTheta, bias), bias);
    }
  }

  // ---------------------------------------------------------------- layout

  @Test
  void storedLayoutPutsPartsInPlaceOfTheirBlock() {
    Mlp m = mlp();
    Composition c = Composition.builder(m.layout())
        .additive("W1", "personal")
        .additive("W2", "sparse")
        .lora("W2", 4, 8.0)
        .magnitudeDirection("W2.lora_B", Axis.ROWS)
        .build();
    List<String> got = new ArrayList<>();
    for (ParamBlock b : c.stored().blocks()) {
      got.add(b.name() + " " + b.rows() + "x" + b.cols() + (b.isBias() ? " vector" : ""));
    }
    assertEquals(List.of(
        "W1 6x5", "W1.personal 6x5", "b1 6x1 vector",
        "W2.base 3x6", "W2.lora_A 4x6", "W2.lora_B.mag 3x1 vector", "W2.lora_B.dir 3x4", "W2.sparse 3x6",
        "b2 3x1 vector"), got);
    assertEquals(m.layout(), c.effective());
  }

  // ---------------------------------------------------------------- initialization

  /**
   * From the model's own initialization, additive and LoRA compositions (also with magnitude–direction
   * nested on both LoRA factors) reproduce the model bit for bit: {@code x + 0 = x},
   * {@code W₀ + s·B·A = W₀} with {@code B = 0} (or its magnitude 0), and a split of a nonzero factor
   * reproduces it exactly. The parts are what the rules say.
   */
  @Test
  void additiveAndLoraStartExactlyAtTheModel() {
    Mlp m = mlp();
    double[] params = m.initialParams(new SplittableRandom(51));
    Composition c = Composition.builder(m.layout())
        .additive("W1", "personal")
        .lora("W2", 2, 8.0)
        .magnitudeDirection("W2.lora_B", Axis.ROWS)
        .magnitudeDirection("W2.lora_A", Axis.COLS)
        .build();
    double[] theta = c.initialStored(params, new SplittableRandom(52));
    double[] w = new double[params.length];
    c.forward(theta, w, c.workspace());
    assertArrayEquals(params, w);

    assertArrayEquals(slice(m.layout(), params, "W1"), slice(c.stored(), theta, "W1"));
    assertArrayEquals(new double[HIDDEN * D], slice(c.stored(), theta, "W1.personal"));
    assertArrayEquals(slice(m.layout(), params, "W2"), slice(c.stored(), theta, "W2.base"));
    assertArrayEquals(new double[CLASSES], slice(c.stored(), theta, "W2.lora_B.mag"));
    double[][] dirB = matrix(c.stored(), theta, "W2.lora_B.dir");
    for (double[] row : dirB) {
      assertEquals(1.0, Math.sqrt(Arrays.stream(row).map(v -> v * v).sum()), 1e-15, "unit direction");
    }
    double[] magA = slice(c.stored(), theta, "W2.lora_A.mag");
    assertTrue(Arrays.stream(magA).allMatch(v -> v > 0), "A's columns are nonzero: " + Arrays.toString(magA));

    // Equal seeds, equal θ; another seed draws another A.
    assertArrayEquals(theta, c.initialStored(params, new SplittableRandom(52)));
    assertFalse(Arrays.equals(theta, c.initialStored(params, new SplittableRandom(53))));
  }

  /**
   * A's entries are drawn {@code N(0, 1/cols)}: with n = 3200 draws the sample mean has standard
   * deviation {@code σ/√n} and the sample variance relative standard deviation {@code √(2/n) = 2.5%};
   * both are asserted within 4 of their standard deviations (a false failure has probability about 1e-4,
   * and the seed is fixed).
   */
  @Test
  void loraFactorADrawsTheDocumentedGaussian() {
    int cols = 400;
    Mlp m = new Mlp(cols, 16, 3, 0.0);
    Composition c = Composition.builder(m.layout()).lora("W1", 8, 16.0).build();
    double[] theta = c.initialStored(m.initialParams(new SplittableRandom(61)), new SplittableRandom(62));
    double[] a = slice(c.stored(), theta, "W1.lora_A");
    int n = a.length;
    double mean = Arrays.stream(a).sum() / n;
    double var = Arrays.stream(a).map(v -> (v - mean) * (v - mean)).sum() / (n - 1);
    double sigma2 = 1.0 / cols;
    assertTrue(Math.abs(mean) < 4 * Math.sqrt(sigma2 / n), "mean " + mean);
    assertEquals(1.0, var / sigma2, 4 * Math.sqrt(2.0 / n), "variance ratio");
    assertArrayEquals(new double[16 * 8], slice(c.stored(), theta, "W1.lora_B"));
  }

  /**
   * Splitting a block and composing it back is exact: the magnitude is the norm and the direction the
   * block itself, so the forward factor {@code m/‖v‖} is exactly 1. The magnitudes are compared with
   * norms summed in the opposite order; a sum of at most 6 squares and a square root each round to
   * about {@code 2.5ε} relative, so {@code 1e-15} relative is a tight bound for the two.
   */
  @Test
  void magnitudeDirectionReproducesTheBlockExactly() {
    Mlp m = mlp();
    double[] params = NaiveReference.randomParams(m, new SplittableRandom(71), 0.8);
    Composition c = Composition.builder(m.layout())
        .magnitudeDirection("W1", Axis.ROWS)
        .magnitudeDirection("W2", Axis.COLS)
        .build();
    double[] theta = c.initialStored(params, new SplittableRandom(72));
    double[] w = new double[params.length];
    c.forward(theta, w, c.workspace());
    assertArrayEquals(params, w);

    assertArrayEquals(slice(m.layout(), params, "W1"), slice(c.stored(), theta, "W1.dir"));
    assertArrayEquals(slice(m.layout(), params, "W2"), slice(c.stored(), theta, "W2.dir"));
    double[][] w1 = matrix(m.layout(), params, "W1");
    double[] mag1 = slice(c.stored(), theta, "W1.mag");
    for (int i = 0; i < HIDDEN; i++) {
      double sq = 0;
      for (int j = D - 1; j >= 0; j--) {
        sq += w1[i][j] * w1[i][j];
      }
      assertEquals(Math.sqrt(sq), mag1[i], 1e-15 * Math.sqrt(sq), "W1 row " + i);
    }
    double[][] w2 = matrix(m.layout(), params, "W2");
    double[] mag2 = slice(c.stored(), theta, "W2.mag");
    assertEquals(HIDDEN, mag2.length);
    for (int j = 0; j < HIDDEN; j++) {
      double sq = 0;
      for (int i = CLASSES - 1; i >= 0; i--) {
        sq += w2[i][j] * w2[i][j];
      }
      assertEquals(Math.sqrt(sq), mag2[j], 1e-15 * Math.sqrt(sq), "W2 column " + j);
    }
  }

  /**
   * A unit of norm 0 gets magnitude 0 and a random unit direction, still composes to 0, and the chain
   * is differentiable there with a nonzero gradient for that magnitude (checked by finite differences).
   */
  @Test
  void zeroNormUnitGetsZeroMagnitudeAndAUnitDirection() {
    Mlp m = mlp();
    SplittableRandom rng = new SplittableRandom(81);
    double[] params = NaiveReference.randomParams(m, rng, 0.8);
    ParamBlock w1 = m.layout().block("W1");
    ParamBlock w2 = m.layout().block("W2");
    for (int j = 0; j < D; j++) {
      params[w1.index(2, j)] = 0.0;
    }
    for (int i = 0; i < CLASSES; i++) {
      params[w2.index(i, 1)] = 0.0;
    }
    // Hidden unit 2 now sees only its bias; keep it active so its weights receive gradient at all.
    params[m.layout().block("b1").offset() + 2] = 0.5;
    Composition c = Composition.builder(m.layout())
        .magnitudeDirection("W1", Axis.ROWS)
        .magnitudeDirection("W2", Axis.COLS)
        .build();
    double[] theta = c.initialStored(params, new SplittableRandom(82));
    ParamBlock mag1 = c.stored().block("W1.mag");
    ParamBlock mag2 = c.stored().block("W2.mag");
    assertEquals(0.0, theta[mag1.offset() + 2]);
    assertEquals(0.0, theta[mag2.offset() + 1]);
    double[][] dir1 = matrix(c.stored(), theta, "W1.dir");
    assertEquals(1.0, Math.sqrt(Arrays.stream(dir1[2]).map(v -> v * v).sum()), 1e-15);
    double[][] dir2 = matrix(c.stored(), theta, "W2.dir");
    double sq = 0;
    for (int i = 0; i < CLASSES; i++) {
      sq += dir2[i][1] * dir2[i][1];
    }
    assertEquals(1.0, Math.sqrt(sq), 1e-15);

    double[] w = new double[params.length];
    Composition.Workspace ws = c.workspace();
    c.forward(theta, w, ws);
    for (int i = 0; i < w.length; i++) {
      assertTrue(w[i] == params[i], "entry " + i + ": " + w[i] + " vs " + params[i]); // == : −0.0 equals 0.0
    }

    LocalDataset data = NaiveReference.randomData(rng, BATCH, D, CLASSES);
    double maxRel = gradientCheck("zero-norm init", m, c, theta, data);
    assertTrue(maxRel <= MAX_REL, "zero-norm init: max relative error " + maxRel);
    double[] gradW = new double[w.length];
    double[] grad = new double[theta.length];
    c.forward(theta, w, ws);
    m.lossAndGradient(w, data.features(), data.labels(), BATCH, gradW);
    c.backward(theta, gradW, grad, ws);
    assertTrue(Math.abs(grad[mag1.offset() + 2]) > 1e-3, "∂L/∂m of the zero row: " + grad[mag1.offset() + 2]);
    assertTrue(Math.abs(grad[mag2.offset() + 1]) > 1e-3, "∂L/∂m of the zero column: " + grad[mag2.offset() + 1]);
  }

  /** A direction that training drove exactly to 0 composes to 0 and passes no gradient, not NaN. */
  @Test
  void exactlyZeroDirectionOutputsZeroAndNoGradient() {
    Mlp m = mlp();
    Composition c = Composition.builder(m.layout()).magnitudeDirection("W1", Axis.ROWS).build();
    SplittableRandom rng = new SplittableRandom(91);
    double[] theta = new double[c.stored().size()];
    for (int i = 0; i < theta.length; i++) {
      theta[i] = rng.nextGaussian();
    }
    ParamBlock dir = c.stored().block("W1.dir");
    ParamBlock mag = c.stored().block("W1.mag");
    Arrays.fill(theta, dir.index(3, 0), dir.index(3, 0) + D, 0.0);
    Composition.Workspace ws = c.workspace();
    double[] w = new double[m.layout().size()];
    c.forward(theta, w, ws);
    ParamBlock w1 = m.layout().block("W1");
    for (int j = 0; j < D; j++) {
      assertEquals(0.0, w[w1.index(3, j)], "row 3 entry " + j);
    }
    double[] gradW = new double[w.length];
    Arrays.fill(gradW, 1.0);
    double[] grad = new double[theta.length];
    c.backward(theta, gradW, grad, ws);
    assertEquals(0.0, grad[mag.offset() + 3]);
    for (int j = 0; j < D; j++) {
      assertEquals(0.0, grad[dir.index(3, j)]);
    }
    assertTrue(Arrays.stream(grad).allMatch(Double::isFinite));
    assertTrue(grad[mag.offset()] != 0, "other units still get gradient");
  }

  // ---------------------------------------------------------------- errors and plumbing

  @Test
  void badSpecsNameTheBlock() {
    ParamLayout l = mlp().layout();
    expect("no stored block 'W3'", () -> Composition.builder(l).lora("W3", 2, 1.0));
    expect("no stored block 'W1.lora_B'", () -> Composition.builder(l).magnitudeDirection("W1.lora_B", Axis.ROWS));
    expect("block 'W1' is already composed by lora 'W1'",
        () -> Composition.builder(l).lora("W1", 2, 1.0).lora("W1", 3, 1.0));
    expect("block 'W2' is already composed by magnitudeDirection 'W2'",
        () -> Composition.builder(l).magnitudeDirection("W2", Axis.ROWS).additive("W2", "personal"));
    expect("lora 'W1': stored block name 'W1.base' is already in use",
        () -> Composition.builder(l).additive("W1", "base").lora("W1", 2, 1.0));
    expect("additive 'W1': stored block name 'W1.personal' is already in use",
        () -> Composition.builder(l).additive("W1", "personal").additive("W1", "personal"));
    expect("lora 'W1': rank must be positive, got 0", () -> Composition.builder(l).lora("W1", 0, 1.0));
    expect("lora 'W2': rank must be positive, got -1", () -> Composition.builder(l).lora("W2", -1, 1.0));
    expect("lora 'W2': alpha must be finite and nonzero, got NaN", () -> Composition.builder(l).lora("W2", 2, Double.NaN));
    expect("lora 'W2': alpha must be finite and nonzero, got 0.0", () -> Composition.builder(l).lora("W2", 2, 0.0));
    expect("lora 'b1': 'b1' is a vector block", () -> Composition.builder(l).lora("b1", 1, 1.0));
    expect("magnitudeDirection 'W1.mag': 'W1.mag' is a vector block",
        () -> Composition.builder(l).magnitudeDirection("W1", Axis.ROWS).magnitudeDirection("W1.mag", Axis.ROWS));
    expect("additive 'b2': suffix must not be empty", () -> Composition.builder(l).additive("b2", ""));
  }

  /** Stacking is not a conflict: two additive parts sum, {@code w = x + z₁ + z₂}, and start at the model. */
  @Test
  void stackedAdditivePartsSum() {
    Mlp m = mlp();
    Composition c = Composition.builder(m.layout()).additive("W1", "p").additive("W1", "q").build();
    double[] theta = new double[c.stored().size()];
    SplittableRandom rng = new SplittableRandom(95);
    for (int i = 0; i < theta.length; i++) {
      theta[i] = rng.nextGaussian();
    }
    double[] w = new double[m.layout().size()];
    c.forward(theta, w, c.workspace());
    double[][] expected = plus(plus(matrix(c.stored(), theta, "W1"), matrix(c.stored(), theta, "W1.q")),
        matrix(c.stored(), theta, "W1.p"));
    assertMatrixClose(expected, matrix(m.layout(), w, "W1"), 0.0, "W1 = x + q + p");
  }

  @Test
  void callsCheckArraysAndWorkspace() {
    Mlp m = mlp();
    Composition c = nested(m);
    Composition other = nested(m);
    double[] theta = new double[c.stored().size()];
    double[] w = new double[c.effective().size()];
    double[] gradTheta = new double[theta.length];
    expect("theta has length 3", () -> c.forward(new double[3], w, c.workspace()));
    expect("w has length 4", () -> c.forward(theta, new double[4], c.workspace()));
    expect("gradTheta has length 5", () -> c.backward(theta, w, new double[5], c.workspace()));
    expect("modelParams has length 6", () -> c.initialStored(new double[6], new SplittableRandom(1)));
    expect("workspace belongs to another Composition", () -> c.forward(theta, w, other.workspace()));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> c.backward(theta, w, gradTheta, c.workspace()));
    assertTrue(e.getMessage().contains("forward"), e.getMessage());
  }

  @Test
  void survivesSerialization() throws Exception {
    Mlp m = mlp();
    Composition c = nested(m);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(c);
    }
    Composition copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (Composition) in.readObject();
    }
    double[] theta = randomWithSpecials(new SplittableRandom(99), c.stored().size());
    theta[1] = 0.5;
    double[] w1 = new double[m.layout().size()];
    double[] w2 = new double[w1.length];
    c.forward(theta, w1, c.workspace());
    copy.forward(theta, w2, copy.workspace());
    assertArrayEquals(w1, w2);
    assertEquals(c.stored().blocks(), copy.stored().blocks());
  }

  private static void expect(String messagePart, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(messagePart), "message '" + e.getMessage() + "' lacks '" + messagePart + "'");
  }
}
