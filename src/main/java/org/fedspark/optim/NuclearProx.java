package org.fedspark.optim;

/**
 * {@code r(W) = λ‖W‖_*}, the nuclear norm (sum of singular values) of the {@code rows × cols} block,
 * the convex surrogate of rank (Fazel, PhD thesis, Stanford 2002; Recht, Fazel and Parrilo, SIAM
 * Review 2010) used for the low-rank part of FedSLR. Its prox with step η is singular value
 * thresholding by {@code η·λ} ({@link Svt}; Cai, Candès and Shen, SIAM J. Optimization 2010), chosen
 * between exact and randomized SVD by {@link Svt#threshold(double[], int, int, int, double)}.
 *
 * <p>The operator keeps no state, so one instance may be shared between threads. To also get the kept
 * rank or the low-rank factors, call {@link Svt} directly.
 */
public final class NuclearProx implements ProxOperator {
  private static final long serialVersionUID = 1L;

  private final double lambda;

  /** @param lambda the weight λ ≥ 0 of the nuclear norm */
  public NuclearProx(double lambda) {
    Prox.checkThreshold(lambda);
    this.lambda = lambda;
  }

  public double lambda() {
    return lambda;
  }

  @Override
  public void apply(double[] w, int offset, int rows, int cols, double step) {
    Prox.checkThreshold(step);
    double tau = step * lambda;
    if (tau == 0) {
      Prox.checkFinite(w, offset, Math.multiplyExact(rows, cols));
      return;
    }
    Svt.threshold(w, offset, rows, cols, tau).writeTo(w, offset);
  }

  @Override
  public double value(double[] w, int offset, int rows, int cols) {
    double s = 0;
    for (double sigma : Svt.singularValues(w, offset, rows, cols)) {
      s += sigma;
    }
    return lambda * s;
  }

  @Override
  public String toString() {
    return "NuclearProx(lambda=" + lambda + ")";
  }
}
