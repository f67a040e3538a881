package org.fedspark.optim;

import java.io.Serializable;

/**
 * The proximal operator of a regularizer r applied to one parameter block after a gradient step, as
 * Spark MLlib's {@code Updater} applies L1 after each step: {@code w_b ← prox_{step·r}(w_b)}, where
 * {@code prox_{t·r}(v) = argmin_u r(u) + ‖u − v‖²/(2t)}. This is proximal gradient descent (Parikh &
 * Boyd, "Proximal Algorithms", Found. Trends Optim. 2014), which handles non-smooth r such as ℓ1 or
 * the nuclear norm exactly instead of through a subgradient.
 */
public interface ProxOperator extends Serializable {

  /**
   * Replaces the block {@code w[offset, offset + rows·cols)} (row-major {@code rows × cols}) by
   * {@code prox_{step·r}} of it.
   */
  void apply(double[] w, int offset, int rows, int cols, double step);

  /** {@code r} of the block, for objectives and reports. */
  double value(double[] w, int offset, int rows, int cols);
}
