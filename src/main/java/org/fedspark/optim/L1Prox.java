package org.fedspark.optim;

/**
 * {@code r(w) = λ‖w‖₁} (lasso; the sparse part of sparse-plus-low-rank models such as FedSLR), whose
 * prox with step η is the soft threshold by {@code η·λ}, entry by entry ({@link Prox#softThreshold}).
 */
public final class L1Prox implements ProxOperator {
  private static final long serialVersionUID = 1L;

  private final double lambda;

  /** @param lambda the weight λ ≥ 0 of the ℓ1 norm */
  public L1Prox(double lambda) {
    Prox.checkThreshold(lambda);
    this.lambda = lambda;
  }

  public double lambda() {
    return lambda;
  }

  @Override
  public void apply(double[] w, int offset, int rows, int cols, double step) {
    Prox.checkThreshold(step);
    Prox.softThreshold(w, offset, Math.multiplyExact(rows, cols), step * lambda);
  }

  @Override
  public double value(double[] w, int offset, int rows, int cols) {
    int n = Math.multiplyExact(rows, cols);
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += Math.abs(w[offset + i]);
    }
    return lambda * s;
  }

  @Override
  public String toString() {
    return "L1Prox(lambda=" + lambda + ")";
  }
}
