package org.fedspark.model;

import java.io.Serializable;
import java.util.SplittableRandom;
import org.fedspark.data.LocalDataset;

/**
 * A differentiable classifier over a flat parameter vector laid out by {@link #layout()}.
 *
 * <p>Models are stateless and serializable: the same instance is shipped to every partition and the
 * parameters travel separately. Implementations use the BLAS that Spark ships (dev.ludovic.netlib) for
 * every matrix product.
 */
public interface Model extends Serializable {

  /** Named blocks of the parameter vector. */
  ParamLayout layout();

  int numFeatures();

  int numClasses();

  /** Fresh parameters for training from scratch, drawn from {@code rng}. */
  double[] initialParams(SplittableRandom rng);

  /**
   * The training objective on a minibatch and its gradient:
   * {@code F(w) = (1/n) Σ_i loss(w; x_i, y_i) + (weightDecay/2)·‖W‖²} over the non-bias blocks.
   *
   * @param params parameters (read-only)
   * @param x row-major batch, at least {@code n·numFeatures()} values
   * @param y labels of the batch rows
   * @param n number of rows to use
   * @param grad output, overwritten with ∇F (length {@code layout().size()})
   * @return F(w)
   */
  double lossAndGradient(double[] params, double[] x, int[] y, int n, double[] grad);

  /**
   * Summed cross-entropy (no weight decay) and correct predictions of {@code params} on {@code data}.
   */
  EvalStats evaluate(double[] params, LocalDataset data);

  /** L2 weight-decay coefficient applied to non-bias blocks. */
  double weightDecay();
}
