package org.fedspark.model;

import java.util.SplittableRandom;
import org.fedspark.data.LocalDataset;

/**
 * Straightforward per-example loop implementations of the three models' forward pass, written
 * independently of the BLAS kernels (no shared code with {@code DenseOps}) so tests can compare the
 * two. Logistic regression is expressed as the equivalent two-class softmax with scores {@code [0, z]},
 * a different formula from the production {@code softplus(z) − y·z}.
 */
final class NaiveReference {
  private NaiveReference() {}

  /** Class scores of one example. */
  static double[] scores(Model m, double[] p, double[] x, int row) {
    int d = m.numFeatures();
    ParamLayout l = m.layout();
    if (m instanceof LogisticRegression) {
      ParamBlock w = l.block("w");
      double z = p[l.block("b").offset()];
      for (int j = 0; j < d; j++) {
        z += p[w.index(0, j)] * x[row * d + j];
      }
      return new double[] {0, z};
    }
    double[] in = new double[d];
    System.arraycopy(x, row * d, in, 0, d);
    if (m instanceof Mlp) {
      double[] h = affine(p, l.block("W1"), l.block("b1"), in);
      for (int j = 0; j < h.length; j++) {
        h[j] = h[j] > 0 ? h[j] : 0;
      }
      return affine(p, l.block("W2"), l.block("b2"), h);
    }
    return affine(p, l.block("W"), l.block("b"), in);
  }

  private static double[] affine(double[] p, ParamBlock w, ParamBlock b, double[] in) {
    double[] out = new double[w.rows()];
    for (int r = 0; r < w.rows(); r++) {
      double s = p[b.offset() + r];
      for (int c = 0; c < w.cols(); c++) {
        s += p[w.index(r, c)] * in[c];
      }
      out[r] = s;
    }
    return out;
  }

  /** −log softmax(s)_y, with the max shifted out so large scores stay finite. */
  static double crossEntropy(double[] s, int y) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : s) {
      max = Math.max(max, v);
    }
    double z = 0;
    for (double v : s) {
      z += Math.exp(v - max);
    }
    return Math.log(z) + max - s[y];
  }

  static int argmax(double[] s) {
    int best = 0;
    for (int c = 1; c < s.length; c++) {
      if (s[c] > s[best]) {
        best = c;
      }
    }
    return best;
  }

  /** Mean cross-entropy over n rows plus (λ/2)·Σ of squares of the non-bias parameters. */
  static double objective(Model m, double[] p, double[] x, int[] y, int n) {
    double ce = 0;
    for (int i = 0; i < n; i++) {
      ce += crossEntropy(scores(m, p, x, i), y[i]);
    }
    double squares = 0;
    for (ParamBlock b : m.layout().blocks()) {
      if (!b.isBias()) {
        for (int i = b.offset(); i < b.end(); i++) {
          squares += p[i] * p[i];
        }
      }
    }
    return ce / n + 0.5 * m.weightDecay() * squares;
  }

  static EvalStats evaluate(Model m, double[] p, LocalDataset data) {
    double loss = 0;
    long correct = 0;
    for (int i = 0; i < data.size(); i++) {
      double[] s = scores(m, p, data.features(), i);
      loss += crossEntropy(s, data.label(i));
      if (argmax(s) == data.label(i)) {
        correct++;
      }
    }
    return new EvalStats(loss, correct, data.size());
  }

  /** n rows of standard normal features with uniform labels in [0, k). */
  static LocalDataset randomData(SplittableRandom rng, int n, int d, int k) {
    double[] f = new double[n * d];
    int[] y = new int[n];
    for (int i = 0; i < f.length; i++) {
      f[i] = rng.nextGaussian();
    }
    for (int i = 0; i < n; i++) {
      y[i] = rng.nextInt(k);
    }
    return new LocalDataset(f, y, d);
  }

  /** Parameters with independent N(0, scale²) entries. */
  static double[] randomParams(Model m, SplittableRandom rng, double scale) {
    double[] p = new double[m.layout().size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = scale * rng.nextGaussian();
    }
    return p;
  }
}
