package org.fedspark.optim;

import java.io.Serializable;

/**
 * A regulariser r applied to one parameter block through its proximal map, the way Spark MLlib's
 * {@code Updater} applies a regulariser after each gradient step: proximal SGD alternates
 * {@code w ← w − η∇f(w)} with {@code w ← prox_{η·r}(w)}, which handles a non-smooth r (ℓ1, nuclear
 * norm) exactly where a subgradient step would only oscillate around the kink (Parikh and Boyd,
 * "Proximal Algorithms", Foundations and Trends in Optimization 1(3), 2014).
 *
 * <p>The block is {@code w[offset, offset + rows·cols)}, read as a row-major {@code rows × cols}
 * matrix (a vector is {@code rows = 1} or {@code cols = 1}); an operator that treats entries
 * independently ignores the shape. Implementations are serializable so a Spark task can carry them.
 */
public interface ProxOperator extends Serializable {
  /**
   * Replaces the block by {@code prox_{step·r}(block) = argmin_y ½‖y − block‖²_F + step·r(y)}.
   *
   * @param step the scaling of r, normally the learning rate of the gradient step just taken; 0 leaves
   *     the block unchanged
   * @throws IllegalArgumentException if step is negative or not finite, or the block holds a NaN or
   *     infinite entry
   */
  void apply(double[] w, int offset, int rows, int cols, double step);

  /** The regulariser's value r(block), to report the composite objective. */
  double value(double[] w, int offset, int rows, int cols);
}
