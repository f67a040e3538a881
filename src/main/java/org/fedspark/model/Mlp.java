package org.fedspark.model;

import static org.fedspark.model.Blas.blas;

import java.util.SplittableRandom;

/**
 * A one-hidden-layer perceptron: {@code a = relu(W1·x + b1)}, scores {@code s = W2·a + b2}, loss the
 * softmax cross-entropy {@code ℓ = −log softmax(s)_y} (Bishop, PRML 2006, eq. 4.108).
 *
 * <p>Backpropagation (Goodfellow, Bengio &amp; Courville 2016, Algorithm 6.4), per batch with
 * {@code G2 = (P − Y)/n}: {@code ∂F/∂W2 = G2ᵀ·A}, {@code ∂F/∂b2 = G2ᵀ·1},
 * {@code G1 = (G2·W2) ⊙ 1[A > 0]}, {@code ∂F/∂W1 = G1ᵀ·X}, {@code ∂F/∂b1 = G1ᵀ·1}. ReLU's derivative
 * at exactly 0 is taken as 0 (a valid subgradient). Every product is one {@code dgemm}.
 *
 * <p>Layout: {@code "W1"} ({@code hidden × numFeatures}), {@code "b1"} ({@code hidden}), {@code "W2"}
 * ({@code numClasses × hidden}), {@code "b2"} ({@code numClasses}).
 */
public final class Mlp extends DenseClassifier {
  private static final long serialVersionUID = 1L;

  private final int hidden;

  public Mlp(int numFeatures, int hidden, int numClasses, double weightDecay) {
    super(numFeatures, numClasses, weightDecay, layoutFor(numFeatures, hidden, numClasses, weightDecay));
    this.hidden = hidden;
  }

  private static ParamLayout layoutFor(int numFeatures, int hidden, int numClasses, double weightDecay) {
    checkShape(numFeatures, numClasses, weightDecay);
    if (hidden <= 0) {
      throw new IllegalArgumentException("hidden must be positive, got " + hidden);
    }
    return ParamLayout.builder()
        .matrix("W1", hidden, numFeatures)
        .bias("b1", hidden)
        .matrix("W2", numClasses, hidden)
        .bias("b2", numClasses)
        .build();
  }

  public int hidden() {
    return hidden;
  }

  /**
   * Biases zero; {@code W1} He-uniform, {@code U(±√(6/numFeatures))}, which keeps the ReLU layer's
   * activation variance constant, {@code Var(w) = 2/fan_in} (He et al. 2015, eq. 10); {@code W2}
   * Glorot-uniform, {@code U(±√(6/(hidden + numClasses)))}, for the linear softmax layer (Glorot &amp;
   * Bengio 2010, eq. 16). Draws {@code W1} then {@code W2} in row-major order from {@code rng} only, so
   * equal seeds give equal parameters.
   */
  @Override
  public double[] initialParams(SplittableRandom rng) {
    double[] p = new double[layout().size()];
    fillUniform(p, layout().block("W1"), Math.sqrt(6.0 / numFeatures()), rng);
    fillUniform(p, layout().block("W2"), Math.sqrt(6.0 / (hidden + numClasses())), rng);
    return p;
  }

  private static void fillUniform(double[] p, ParamBlock block, double bound, SplittableRandom rng) {
    for (int i = block.offset(); i < block.end(); i++) {
      p[i] = rng.nextDouble(-bound, bound);
    }
  }

  @Override
  double addDataGradient(double[] params, double[] x, int[] y, int n, double[] grad) {
    int d = numFeatures();
    int k = numClasses();
    ParamLayout l = layout();
    int w1 = l.block("W1").offset();
    int b1 = l.block("b1").offset();
    int w2 = l.block("W2").offset();
    int b2 = l.block("b2").offset();

    double[] a = hiddenActivations(params, x, 0, n, w1, b1);
    double[] s = new double[n * k];
    DenseOps.affine(a, 0, n, hidden, params, w2, b2, k, s);
    double loss = DenseOps.crossEntropyAndGrad(s, n, k, y, 0, 1.0 / n);
    DenseOps.affineBackward(a, 0, n, hidden, s, k, grad, w2, b2);

    // G1 = G2·W2 (n×h row-major) is column-major G1ᵀ (h×n) = W2ᵀ (h×k, "N") · G2ᵀ (k×n, "N").
    double[] g1 = new double[n * hidden];
    blas().dgemm("N", "N", hidden, n, k, 1.0, params, w2, hidden, s, 0, k, 0.0, g1, 0, hidden);
    for (int i = 0; i < g1.length; i++) {
      if (a[i] <= 0) {
        g1[i] = 0;
      }
    }
    DenseOps.affineBackward(x, 0, n, d, g1, hidden, grad, w1, b1);
    return loss / n;
  }

  @Override
  EvalStats evaluateRows(double[] params, double[] x, int xOff, int[] y, int yOff, int n) {
    ParamLayout l = layout();
    int k = numClasses();
    double[] a = hiddenActivations(params, x, xOff, n, l.block("W1").offset(), l.block("b1").offset());
    double[] s = new double[n * k];
    DenseOps.affine(a, 0, n, hidden, params, l.block("W2").offset(), l.block("b2").offset(), k, s);
    return new EvalStats(DenseOps.crossEntropy(s, n, k, y, yOff), DenseOps.countCorrect(s, n, k, y, yOff), n);
  }

  /** {@code A = relu(X·W1ᵀ + 1·b1ᵀ)}, row-major {@code n × hidden}. */
  private double[] hiddenActivations(double[] params, double[] x, int xOff, int n, int w1, int b1) {
    double[] a = new double[n * hidden];
    DenseOps.affine(x, xOff, n, numFeatures(), params, w1, b1, hidden, a);
    for (int i = 0; i < a.length; i++) {
      a[i] = Math.max(a[i], 0.0);
    }
    return a;
  }

  @Override
  public String toString() {
    return "Mlp[features=" + numFeatures() + ", hidden=" + hidden + ", classes=" + numClasses()
        + ", weightDecay=" + weightDecay() + ", " + layout() + "]";
  }
}
