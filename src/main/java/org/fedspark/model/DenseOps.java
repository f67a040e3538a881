package org.fedspark.model;

import static org.fedspark.model.Blas.blas;

import java.util.Arrays;

/**
 * Row-major building blocks shared by the models: affine layers through BLAS and the softmax
 * cross-entropy.
 *
 * <p>Storage convention: a row-major {@code r × c} matrix at offset {@code off} is, for column-major
 * BLAS, the {@code c × r} matrix {@code Aᵀ} with leading dimension {@code c}. So a row-major product
 * {@code C = A·Bᵀ} ({@code n×m = (n×k)·(k×m)}) is the column-major product {@code Cᵀ = B·Aᵀ}, i.e.
 * {@code dgemm("T", "N", m, n, k, …, B, k, A, k, …, C, m)}.
 */
final class DenseOps {
  private DenseOps() {}

  /**
   * Forward affine layer {@code out = in·Wᵀ + 1·bᵀ} (row-major {@code n×m}), with {@code in} the
   * row-major {@code n×k} input at {@code inOff}, {@code W} the row-major {@code m×k} block of {@code p}
   * at {@code wOff} and {@code b} the {@code m} biases at {@code bOff}. The biases are copied into every
   * row first so that one {@code dgemm} with {@code beta = 1} adds the product.
   */
  static void affine(double[] in, int inOff, int n, int k, double[] p, int wOff, int bOff, int m, double[] out) {
    for (int i = 0; i < n; i++) {
      System.arraycopy(p, bOff, out, i * m, m);
    }
    blas().dgemm("T", "N", m, n, k, 1.0, p, wOff, k, in, inOff, k, 1.0, out, 0, m);
  }

  /**
   * Backward affine layer: with {@code g = ∂F/∂out} (row-major {@code n×m}) accumulates
   * {@code ∂F/∂W += gᵀ·in} (row-major {@code m×k}, one {@code dgemm}) and {@code ∂F/∂b += gᵀ·1}
   * (one {@code dgemv} against a ones vector) into {@code grad}.
   */
  static void affineBackward(double[] in, int inOff, int n, int k, double[] g, int m, double[] grad, int wOff, int bOff) {
    // Row-major dW (m×k) is column-major dWᵀ (k×m) = inᵀ (k×n, "N") · g (n×m = column-major gᵀ, "T").
    blas().dgemm("N", "T", k, m, n, 1.0, in, inOff, k, g, 0, m, 1.0, grad, wOff, k);
    double[] ones = new double[n];
    Arrays.fill(ones, 1.0);
    // Row-major g (n×m) is column-major m×n: db = (column-major g)·1.
    blas().dgemv("N", m, n, 1.0, g, 0, m, ones, 0, 1, 1.0, grad, bOff, 1);
  }

  /**
   * Summed softmax cross-entropy of the score rows {@code s} (row-major {@code n×K}) against labels
   * {@code y[yOff, yOff+n)}, computed stably by log-sum-exp:
   * {@code ℓ_i = m_i + log Σ_c exp(s_ic − m_i) − s_{i,y_i}} with {@code m_i = max_c s_ic}, so no
   * {@code exp} overflows (Bishop, PRML 2006, eq. 4.108 with the max shifted out). Leaves {@code s}
   * unchanged.
   */
  static double crossEntropy(double[] s, int n, int numClasses, int[] y, int yOff) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      int row = i * numClasses;
      double max = rowMax(s, row, numClasses);
      double z = 0;
      for (int c = 0; c < numClasses; c++) {
        z += Math.exp(s[row + c] - max);
      }
      sum += max + Math.log(z) - s[row + label(y, yOff + i, numClasses)];
    }
    return sum;
  }

  /**
   * Like {@link #crossEntropy} but overwrites {@code s} with {@code scale·(softmax(s_i) − e_{y_i})},
   * the gradient of {@code scale·Σ_i ℓ_i} with respect to the scores (PRML eq. 4.109 before the chain
   * rule through the affine layer).
   */
  static double crossEntropyAndGrad(double[] s, int n, int numClasses, int[] y, int yOff, double scale) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      int row = i * numClasses;
      int yi = label(y, yOff + i, numClasses);
      double max = rowMax(s, row, numClasses);
      double sy = s[row + yi];
      double z = 0;
      for (int c = 0; c < numClasses; c++) {
        double e = Math.exp(s[row + c] - max);
        s[row + c] = e;
        z += e;
      }
      sum += max + Math.log(z) - sy;
      double f = scale / z;
      for (int c = 0; c < numClasses; c++) {
        s[row + c] *= f;
      }
      s[row + yi] -= scale;
    }
    return sum;
  }

  /** Number of rows whose argmax (ties to the smallest class index) equals the label. */
  static long countCorrect(double[] s, int n, int numClasses, int[] y, int yOff) {
    long correct = 0;
    for (int i = 0; i < n; i++) {
      int row = i * numClasses;
      int best = 0;
      for (int c = 1; c < numClasses; c++) {
        if (s[row + c] > s[row + best]) {
          best = c;
        }
      }
      if (best == label(y, yOff + i, numClasses)) {
        correct++;
      }
    }
    return correct;
  }

  /** {@code y[idx]}, rejected unless it is a class index in {@code [0, numClasses)}. */
  static int label(int[] y, int idx, int numClasses) {
    int v = y[idx];
    if (v < 0 || v >= numClasses) {
      throw new IllegalArgumentException("label " + v + " at index " + idx + " is outside [0, " + numClasses + ")");
    }
    return v;
  }

  private static double rowMax(double[] s, int row, int len) {
    double max = s[row];
    for (int c = 1; c < len; c++) {
      max = Math.max(max, s[row + c]);
    }
    return max;
  }
}
