package org.fedspark.model;

import static org.fedspark.model.Blas.blas;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Binary logistic regression with labels 0/1: score {@code z = w·x + b}, {@code P(y=1) = σ(z)} and
 * per-example loss the binary cross-entropy (Bishop, PRML 2006, eq. 4.90)
 * {@code ℓ = −y·log σ(z) − (1−y)·log(1−σ(z)) = log(1 + e^z) − y·z}, whose gradient is
 * {@code ∂ℓ/∂z = σ(z) − y} (PRML eq. 4.91).
 *
 * <p>{@code log(1 + e^z)} is evaluated as {@code max(z, 0) + log1p(e^{−|z|})}, which neither overflows
 * for large {@code z} nor loses the tiny value for very negative {@code z}. The predicted class is 1
 * iff {@code z > 0}; {@code z = 0} (a tie of the two probabilities) predicts class 0, the smaller
 * index, like the multi-class models.
 *
 * <p>Layout: {@code "w"} ({@code 1 × numFeatures}) then {@code "b"} (1). A single score column makes
 * the batch products matrix–vector ({@code dgemv}) rather than {@code dgemm}.
 */
public final class LogisticRegression extends DenseClassifier {
  private static final long serialVersionUID = 1L;

  public LogisticRegression(int numFeatures, double weightDecay) {
    super(numFeatures, 2, weightDecay, layoutFor(numFeatures, weightDecay));
  }

  private static ParamLayout layoutFor(int numFeatures, double weightDecay) {
    checkShape(numFeatures, 2, weightDecay);
    return ParamLayout.builder().matrix("w", 1, numFeatures).bias("b", 1).build();
  }

  /** All zeros: the objective is convex, and zero gives every example probability 1/2. */
  @Override
  public double[] initialParams(SplittableRandom rng) {
    return new double[layout().size()];
  }

  @Override
  double addDataGradient(double[] params, double[] x, int[] y, int n, double[] grad) {
    int d = numFeatures();
    int w = layout().block("w").offset();
    int b = layout().block("b").offset();
    double[] z = scores(params, x, 0, n, w, b);
    double lossSum = 0;
    double biasGrad = 0;
    for (int i = 0; i < n; i++) {
      int yi = DenseOps.label(y, i, 2);
      lossSum += softplus(z[i]) - yi * z[i];
      z[i] = (sigmoid(z[i]) - yi) / n;
      biasGrad += z[i];
    }
    // Row-major X (n×d) is column-major Xᵀ (d×n): dw += Xᵀ·g is dgemv "N".
    blas().dgemv("N", d, n, 1.0, x, 0, d, z, 0, 1, 1.0, grad, w, 1);
    grad[b] += biasGrad;
    return lossSum / n;
  }

  @Override
  EvalStats evaluateRows(double[] params, double[] x, int xOff, int[] y, int yOff, int n) {
    double[] z = scores(params, x, xOff, n, layout().block("w").offset(), layout().block("b").offset());
    double lossSum = 0;
    long correct = 0;
    for (int i = 0; i < n; i++) {
      int yi = DenseOps.label(y, yOff + i, 2);
      lossSum += softplus(z[i]) - yi * z[i];
      if ((z[i] > 0 ? 1 : 0) == yi) {
        correct++;
      }
    }
    return new EvalStats(lossSum, correct, n);
  }

  /** {@code z = X·w + b}: row-major X (n×d) is column-major Xᵀ (d×n), so this is dgemv "T". */
  private double[] scores(double[] params, double[] x, int xOff, int n, int w, int b) {
    int d = numFeatures();
    double[] z = new double[n];
    Arrays.fill(z, params[b]);
    blas().dgemv("T", d, n, 1.0, x, xOff, d, params, w, 1, 1.0, z, 0, 1);
    return z;
  }

  /** {@code log(1 + e^z)} without overflow or cancellation. */
  static double softplus(double z) {
    return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
  }

  /** {@code 1/(1 + e^{−z})}, exponentiating only non-positive numbers so it never overflows. */
  static double sigmoid(double z) {
    if (z >= 0) {
      return 1 / (1 + Math.exp(-z));
    }
    double e = Math.exp(z);
    return e / (1 + e);
  }
}
