package org.fedspark.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.fedspark.data.LocalDataset;
import org.fedspark.model.EvalStats;
import org.fedspark.model.Model;
import org.fedspark.model.ParamLayout;
import org.fedspark.model.SoftmaxRegression;
import org.fedspark.model.BlockSet;
import org.junit.jupiter.api.Test;

/**
 * The local solver's behaviour with FedAvg's and FedProx's local objectives (ported from the tests of
 * the solver it replaced), its parity with that solver ({@link LocalSgd}, kept in test scope as the
 * reference), and each of its terms against a direct computation.
 */
class LocalSolverTest {
  /** FedProx's options, as the replaced solver took them. */
  record Options(int epochs, int batchSize, double lr, double proxMu) {}

  /** FedProx's local problem on the new solver: one proximal term over every block when a center is given. */
  static TrainStats train(Model m, double[] p, LocalDataset d, Options o, double[] center, SplittableRandom rng) {
    LocalProblem prob = LocalProblem.of(m);
    if (center != null) {
      prob.proximal(BlockSet.all(m.layout()), o.proxMu(), center);
    }
    return LocalSolver.train(prob, p, d, new SgdOptions(o.epochs(), o.batchSize(), o.lr(), 0), rng);
  }


  @Test
  void sameSeedGivesBitwiseEqualParams() {
    LocalDataset data = blobs(new SplittableRandom(5), 150);
    Model m = new SoftmaxRegression(2, 3, 1e-3);
    Options o = new Options(3, 16, 0.1, 0.01);
    double[] center = new double[m.layout().size()];
    Arrays.fill(center, 0.25);

    double[] a = m.initialParams(new SplittableRandom(0));
    double[] b = m.initialParams(new SplittableRandom(0));
    double[] c = m.initialParams(new SplittableRandom(0));
    TrainStats sa = train(m, a, data, o, center, new SplittableRandom(99));
    TrainStats sb = train(m, b, data, o, center, new SplittableRandom(99));
    train(m, c, data, o, center, new SplittableRandom(100));
    assertArrayEquals(a, b); // assertArrayEquals on double[] compares bit patterns
    assertEquals(sa, sb);
    assertFalse(Arrays.equals(a, c), "a different seed must give a different visiting order");
  }

  /** Three well-separated Gaussian blobs: SGD must drive the full-data loss far below log 3. */
  @Test
  void reducesTheObjectiveOnSeparableData() {
    LocalDataset data = blobs(new SplittableRandom(6), 300);
    Model m = new SoftmaxRegression(2, 3, 1e-4);
    double[] p = m.initialParams(new SplittableRandom(1));
    EvalStats before = m.evaluate(p, data);
    TrainStats stats = train(m, p, data, new Options(5, 10, 0.2, 0), null, new SplittableRandom(7));
    EvalStats after = m.evaluate(p, data);
    assertEquals(Math.log(3), before.meanLoss(), 1e-12);
    assertTrue(after.meanLoss() < 0.1 * before.meanLoss(), "loss " + before.meanLoss() + " -> " + after.meanLoss());
    assertEquals(1.0, after.accuracy());
    assertEquals(5 * 30, stats.steps());
    assertEquals(5 * 300, stats.examples());
    assertTrue(stats.meanLoss() < before.meanLoss() && stats.meanLoss() > after.meanLoss(), stats.toString());
  }

  /**
   * With a model whose own gradient is 0, a step is {@code w ← w − η·μ·(w − c)}, so after s steps
   * {@code w − c = (1 − ημ)^s·(w₀ − c)} exactly (up to rounding): the proximal term alone, isolated.
   */
  @Test
  void proximalTermContractsTowardTheCenter() {
    RecordingModel m = new RecordingModel(0.0);
    LocalDataset data = rowIdData(10);
    double[] w0 = {3, -2, 5};
    double[] center = {1, 1, 1};
    double[] p = w0.clone();
    TrainStats s = train(m, p, data, new Options(2, 4, 0.1, 2.0), center, new SplittableRandom(8));
    double factor = Math.pow(1 - 0.1 * 2.0, s.steps());
    for (int i = 0; i < p.length; i++) {
      assertEquals(center[i] + factor * (w0[i] - center[i]), p[i], 1e-12);
    }
    // Without a center, or with mu = 0, the same run leaves the parameters alone.
    double[] q = w0.clone();
    train(m, q, data, new Options(2, 4, 0.1, 2.0), null, new SplittableRandom(8));
    assertArrayEquals(w0, q);
    train(m, q, data, new Options(2, 4, 0.1, 0.0), center, new SplittableRandom(8));
    assertArrayEquals(w0, q);
  }

  /**
   * On a real model the proximal term bounds the drift: at a stationary point of the local objective
   * {@code ‖w − c‖ = ‖∇F(w)‖/μ}, so the distance from the center shrinks as μ grows, and with a large μ
   * the run stays close to the center while μ = 0 lets it drift away.
   */
  @Test
  void largerMuKeepsParamsCloserToTheCenter() {
    LocalDataset data = blobs(new SplittableRandom(9), 120);
    Model m = new SoftmaxRegression(2, 3, 0);
    double[] center = new double[m.layout().size()];
    Arrays.fill(center, 0.5);
    double[] mus = {0, 2, 6, 18};
    double[] dist = new double[mus.length];
    for (int i = 0; i < mus.length; i++) {
      double[] p = center.clone();
      train(m, p, data, new Options(10, 8, 0.05, mus[i]), center, new SplittableRandom(10));
      dist[i] = distance(p, center);
    }
    assertTrue(dist[0] > 1, "unconstrained run should move: " + dist[0]);
    for (int i = 1; i < mus.length; i++) {
      assertTrue(dist[i] < dist[i - 1], "distances must shrink with mu: " + Arrays.toString(dist));
    }
    assertTrue(dist[mus.length - 1] < 0.1 * dist[0], Arrays.toString(dist));
  }

  /**
   * 10 rows in batches of 4: sizes 4, 4, 2 per epoch, each epoch a permutation of all rows, and every
   * batch (including the short one) one step of {@code w ← w − η·g}.
   */
  @Test
  void lastBatchIsShortAndEveryRowIsVisitedOncePerEpoch() {
    RecordingModel m = new RecordingModel(1.0);
    double[] p = new double[3];
    TrainStats s = train(m, p, rowIdData(10), new Options(3, 4, 0.1, 0), null, new SplittableRandom(11));
    assertEquals(9, s.steps());
    assertArrayEquals(new double[] {-0.9, -0.9, -0.9}, p, 1e-12);
    assertEquals(30, s.examples());
    List<List<Integer>> epochs = new ArrayList<>();
    for (int e = 0; e < 3; e++) {
      assertEquals(List.of(4, 4, 2), m.batchRows.subList(3 * e, 3 * e + 3).stream().map(List::size).toList());
      List<Integer> seen = new ArrayList<>();
      m.batchRows.subList(3 * e, 3 * e + 3).forEach(seen::addAll);
      epochs.add(seen);
      assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), seen.stream().sorted().toList());
    }
    assertFalse(epochs.get(0).equals(epochs.get(1)), "each epoch must draw a fresh order");
  }

  /** The model's loss per batch is the batch's mean row id, so the example-weighted mean is the mean id. */
  @Test
  void meanLossIsExampleWeighted() {
    RecordingModel m = new RecordingModel(0.0);
    TrainStats s = train(m, new double[3], rowIdData(10), new Options(2, 4, 0.1, 0), null, new SplittableRandom(12));
    assertEquals(4.5, s.meanLoss(), 1e-12); // an unweighted mean of batch means would differ
    TrainStats single = train(m, new double[3], rowIdData(10), new Options(1, 64, 0.1, 0), null, new SplittableRandom(12));
    assertEquals(1, single.steps());
    assertEquals(4.5, single.meanLoss(), 1e-12);
  }

  @Test
  void emptyDataRunsNoSteps() {
    Model m = new SoftmaxRegression(2, 3, 0);
    double[] p = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    TrainStats s = train(m, p, LocalDataset.empty(2), new Options(3, 4, 0.1, 1), p.clone(), new SplittableRandom(13));
    assertEquals(0, s.steps());
    assertEquals(0, s.examples());
    assertTrue(Double.isNaN(s.meanLoss()));
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, p);
  }

  @Test
  void rejectsInconsistentArguments() {
    Model m = new SoftmaxRegression(2, 3, 0);
    LocalDataset data = blobs(new SplittableRandom(14), 6);
    Options o = new Options(1, 2, 0.1, 1);
    SplittableRandom rng = new SplittableRandom(15);
    assertThrows(IllegalArgumentException.class, () -> train(m, new double[8], data, o, null, rng));
    assertThrows(IllegalArgumentException.class, () -> train(m, new double[9], rowIdData(6), o, null, rng));
    assertThrows(IllegalArgumentException.class, () -> train(m, new double[9], data, o, new double[2], rng));
    assertThrows(IllegalArgumentException.class, () -> new SgdOptions(-1, 2, 0.1, 0));
    assertThrows(IllegalArgumentException.class, () -> new SgdOptions(1, 0, 0.1, 0));
    assertThrows(IllegalArgumentException.class, () -> new SgdOptions(1, 2, -0.1, 0));
    assertThrows(IllegalArgumentException.class, () -> new SgdOptions(1, 2, Double.NaN, 0));
    assertThrows(IllegalArgumentException.class, () -> new SgdOptions(1, 2, 0.1, 1.0));
    assertThrows(IllegalArgumentException.class, () -> LocalProblem.of(m).proximal(BlockSet.all(m.layout()), -1, new double[9]));
  }

  @Test
  void aZeroStepSizeLeavesTheParametersUntouched() {
    // lr·decay^(t−1) underflows to 0 after enough rounds; training must go on without moving
    Model m = new SoftmaxRegression(2, 3, 0);
    double[] w = new double[9];
    Arrays.fill(w, 0.25);
    double[] before = w.clone();
    TrainStats st = train(m, w, blobs(new SplittableRandom(16), 6), new Options(2, 2, 0.0, 0), null,
        new SplittableRandom(17));
    assertArrayEquals(before, w);
    assertEquals(12, st.examples());
  }

  /** Three classes centred at (±4, 0) and (0, 4) with unit noise: linearly separable in practice. */
  private static LocalDataset blobs(SplittableRandom rng, int n) {
    double[][] centres = {{-4, 0}, {4, 0}, {0, 4}};
    double[] f = new double[2 * n];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 3;
      f[2 * i] = centres[y[i]][0] + 0.5 * rng.nextGaussian();
      f[2 * i + 1] = centres[y[i]][1] + 0.5 * rng.nextGaussian();
    }
    return new LocalDataset(f, y, 2);
  }

  /** Row r has features (r, −r, 0.5) and label r % 2, so a batch reveals which rows it holds. */
  private static LocalDataset rowIdData(int n) {
    double[] f = new double[3 * n];
    int[] y = new int[n];
    for (int r = 0; r < n; r++) {
      f[3 * r] = r;
      f[3 * r + 1] = -r;
      f[3 * r + 2] = 0.5;
      y[r] = r % 2;
    }
    return new LocalDataset(f, y, 3);
  }

  private static double distance(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(s);
  }

  /**
   * A 3-parameter stand-in that records the rows of every batch (checking that features and labels were
   * gathered together), returns the batch's mean row id as its loss and a constant gradient.
   */
  private static final class RecordingModel implements Model {
    final List<List<Integer>> batchRows = new ArrayList<>();
    private final double gradValue;

    RecordingModel(double gradValue) {
      this.gradValue = gradValue;
    }

    @Override
    public ParamLayout layout() {
      return ParamLayout.builder().matrix("w", 1, 3).build();
    }

    @Override
    public int numFeatures() {
      return 3;
    }

    @Override
    public int numClasses() {
      return 2;
    }

    @Override
    public double[] initialParams(SplittableRandom rng) {
      return new double[3];
    }

    @Override
    public double lossAndGradient(double[] params, double[] x, int[] y, int n, double[] grad) {
      List<Integer> rows = new ArrayList<>();
      double sum = 0;
      for (int i = 0; i < n; i++) {
        int r = (int) x[3 * i];
        assertEquals(-r, x[3 * i + 1]);
        assertEquals(0.5, x[3 * i + 2]);
        assertEquals(r % 2, y[i]);
        rows.add(r);
        sum += r;
      }
      batchRows.add(rows);
      Arrays.fill(grad, gradValue);
      return sum / n;
    }

    @Override
    public EvalStats evaluate(double[] params, LocalDataset data) {
      throw new UnsupportedOperationException("the solver never evaluates");
    }

    @Override
    public double weightDecay() {
      return 0;
    }
  }

  // ---- parity with the replaced solver (same JVM, same BLAS: bit for bit) ----

  /** FedAvg (no proximal term) and FedProx (μ > 0) on softmax and on an MLP: identical parameters and stats. */
  @Test
  void matchesTheReplacedSolverBitForBit() {
    LocalDataset data = blobs(new SplittableRandom(21), 97);
    Model[] models = {new SoftmaxRegression(2, 3, 1e-3), new org.fedspark.model.Mlp(2, 5, 3, 1e-3)};
    for (Model m : models) {
      for (double mu : new double[] {0.0, 0.5}) {
        double[] start = m.initialParams(new SplittableRandom(3));
        double[] center = start.clone();
        double[] legacy = start.clone();
        double[] fresh = start.clone();
        LocalSgd.TrainStats a = LocalSgd.train(m, legacy, data, new LocalSgd.Options(3, 10, 0.07, mu),
            mu > 0 ? center : null, new SplittableRandom(17));
        TrainStats b = train(m, fresh, data, new Options(3, 10, 0.07, mu), mu > 0 ? center : null, new SplittableRandom(17));
        assertArrayEquals(legacy, fresh, m.layout() + " mu=" + mu);
        assertEquals(a.meanLoss(), b.meanLoss(), 0.0);
        assertEquals(a.steps(), b.steps());
        assertEquals(a.examples(), b.examples());
        assertFalse(Arrays.equals(start, fresh), "training must move the parameters");
      }
    }
  }

  // ---- each term against a direct computation ----

  /** A plain-Java reference of one step with every term, written from the update rule in the Javadoc. */
  private static void referenceStep(Model m, double[] w, double[] x, int[] y, int n, double lr, double[] velocity,
      double beta, boolean[] trainable, double[] mu, double[] center, double[] linear, double l1) {
    double[] g = new double[w.length];
    m.lossAndGradient(w, x, y, n, g);
    for (int i = 0; i < w.length; i++) {
      g[i] += mu[i] * (w[i] - center[i]) + linear[i];
      if (!trainable[i]) {
        continue;
      }
      velocity[i] = beta * velocity[i] + g[i];
      w[i] -= lr * velocity[i];
      if (l1 > 0) {
        w[i] = Math.signum(w[i]) * Math.max(Math.abs(w[i]) - lr * l1, 0);
      }
    }
  }

  /** Soft thresholding, the ℓ1 proximal operator, written here so the solver's hook is tested on its own. */
  static final class SoftThreshold implements org.fedspark.optim.ProxOperator {
    final double lambda;

    SoftThreshold(double lambda) {
      this.lambda = lambda;
    }

    @Override
    public void apply(double[] w, int offset, int rows, int cols, double step) {
      for (int i = offset; i < offset + rows * cols; i++) {
        w[i] = Math.signum(w[i]) * Math.max(Math.abs(w[i]) - step * lambda, 0);
      }
    }

    @Override
    public double value(double[] w, int offset, int rows, int cols) {
      double s = 0;
      for (int i = offset; i < offset + rows * cols; i++) {
        s += lambda * Math.abs(w[i]);
      }
      return s;
    }
  }

  /**
   * Momentum, a proximal pull on one block, a linear term on another, an ℓ1 proximal step and a frozen
   * block, together, over two epochs: the solver's parameters equal a step-by-step reference within
   * rounding (the reference adds the terms in another order).
   */
  @Test
  void everyTermMatchesAStepByStepReference() {
    org.fedspark.model.Mlp m = new org.fedspark.model.Mlp(2, 4, 3, 1e-3);
    ParamLayout layout = m.layout();
    LocalDataset data = blobs(new SplittableRandom(31), 40);
    double[] start = m.initialParams(new SplittableRandom(4));
    double[] center = new double[start.length];
    Arrays.fill(center, 0.3);
    double[] lin = new double[start.length];
    for (int i = 0; i < lin.length; i++) {
      lin[i] = 0.01 * (i % 7 - 3);
    }
    BlockSet w1 = BlockSet.of(layout, List.of("W1"));
    BlockSet w2 = BlockSet.of(layout, List.of("W2"));
    BlockSet b2 = BlockSet.of(layout, List.of("b2"));
    BlockSet trainable = BlockSet.of(layout, List.of("W1", "W2", "b2"));
    double lr = 0.05;
    double beta = 0.9;
    double l1 = 0.02;
    LocalProblem p = LocalProblem.of(m).proximal(w1, 0.7, center).linear(w2, lin).prox(b2, new SoftThreshold(l1))
        .trainable(trainable);
    double[] got = start.clone();
    TrainStats st = LocalSolver.train(p, got, data, new SgdOptions(2, 8, lr, beta), new SplittableRandom(9));

    double[] mu = new double[start.length];
    double[] linear = new double[start.length];
    boolean[] train = new boolean[start.length];
    boolean[] isB2 = new boolean[start.length];
    for (org.fedspark.model.ParamBlock b : layout.blocks()) {
      for (int i = b.offset(); i < b.end(); i++) {
        mu[i] = b.name().equals("W1") ? 0.7 : 0;
        linear[i] = b.name().equals("W2") ? lin[i] : 0;
        train[i] = !b.name().equals("b1");
        isB2[i] = b.name().equals("b2");
      }
    }
    double[] want = start.clone();
    double[] velocity = new double[start.length];
    Minibatches batches = new Minibatches(data, 8, new SplittableRandom(9));
    int steps = 0;
    for (int e = 0; e < 2; e++) {
      batches.startEpoch();
      while (batches.next()) {
        double[] before = want.clone();
        referenceStep(m, want, batches.x, batches.y, batches.size(), lr, velocity, beta, train, mu, center, linear, 0);
        for (int i = 0; i < want.length; i++) {
          if (isB2[i]) {
            want[i] = Math.signum(want[i]) * Math.max(Math.abs(want[i]) - lr * l1, 0);
          }
        }
        steps++;
        assertFalse(Arrays.equals(before, want));
      }
    }
    assertEquals(steps, st.steps());
    double maxDiff = 0;
    for (int i = 0; i < want.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(want[i] - got[i]));
    }
    assertTrue(maxDiff < 1e-12, "max |solver − reference| = " + maxDiff);
    org.fedspark.model.ParamBlock frozen = layout.block("b1");
    for (int i = frozen.offset(); i < frozen.end(); i++) {
      assertEquals(Double.doubleToLongBits(start[i]), Double.doubleToLongBits(got[i]), "a frozen block never moves");
    }
    assertTrue(p.regularizer(got) > 0);
  }

  /** The ℓ1 step makes a block sparse when its threshold exceeds what the gradient can push. */
  @Test
  void aLargeL1ThresholdZeroesItsBlock() {
    Model m = new SoftmaxRegression(2, 3, 0);
    LocalDataset data = blobs(new SplittableRandom(41), 30);
    double[] w = m.initialParams(new SplittableRandom(5));
    BlockSet weights = BlockSet.of(m.layout(), List.of("W"));
    LocalSolver.train(LocalProblem.of(m).prox(weights, new SoftThreshold(1e6)), w, data, new SgdOptions(1, 10, 0.1, 0),
        new SplittableRandom(6));
    org.fedspark.model.ParamBlock b = m.layout().block("W");
    for (int i = b.offset(); i < b.end(); i++) {
      assertEquals(0.0, w[i], 0.0);
    }
  }
}
