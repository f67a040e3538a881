package org.fedspark.model;

import java.util.SplittableRandom;

/**
 * Multinomial logistic (softmax) regression: scores {@code s = W·x + b}, class probabilities
 * {@code p = softmax(s)} and per-example loss {@code ℓ = −log p_y} (Bishop, PRML 2006, eqs. 4.104 and
 * 4.108). Its gradient is {@code ∂ℓ/∂W = (p − e_y)·xᵀ}, {@code ∂ℓ/∂b = p − e_y} (PRML eq. 4.109).
 *
 * <p>Layout: {@code "W"} ({@code numClasses × numFeatures}, row c scores class c) then {@code "b"}
 * ({@code numClasses}). For a batch the scores are one {@code dgemm} {@code S = X·Wᵀ + 1·bᵀ} and the
 * weight gradient one {@code dgemm} {@code Gᵀ·X}.
 */
public final class SoftmaxRegression extends DenseClassifier {
  private static final long serialVersionUID = 1L;

  public SoftmaxRegression(int numFeatures, int numClasses, double weightDecay) {
    super(numFeatures, numClasses, weightDecay, layoutFor(numFeatures, numClasses, weightDecay));
  }

  private static ParamLayout layoutFor(int numFeatures, int numClasses, double weightDecay) {
    checkShape(numFeatures, numClasses, weightDecay);
    return ParamLayout.builder().matrix("W", numClasses, numFeatures).bias("b", numClasses).build();
  }

  /**
   * All zeros. The objective is convex (strictly, with weight decay), so there is no symmetry to break
   * and zero is the standard start: every class starts at probability {@code 1/K}.
   */
  @Override
  public double[] initialParams(SplittableRandom rng) {
    return new double[layout().size()];
  }

  @Override
  double addDataGradient(double[] params, double[] x, int[] y, int n, double[] grad) {
    int d = numFeatures();
    int k = numClasses();
    int w = layout().block("W").offset();
    int b = layout().block("b").offset();
    double[] s = new double[n * k];
    DenseOps.affine(x, 0, n, d, params, w, b, k, s);
    double loss = DenseOps.crossEntropyAndGrad(s, n, k, y, 0, 1.0 / n);
    DenseOps.affineBackward(x, 0, n, d, s, k, grad, w, b);
    return loss / n;
  }

  @Override
  EvalStats evaluateRows(double[] params, double[] x, int xOff, int[] y, int yOff, int n) {
    int k = numClasses();
    double[] s = new double[n * k];
    DenseOps.affine(x, xOff, n, numFeatures(), params, layout().block("W").offset(), layout().block("b").offset(), k, s);
    return new EvalStats(DenseOps.crossEntropy(s, n, k, y, yOff), DenseOps.countCorrect(s, n, k, y, yOff), n);
  }
}
