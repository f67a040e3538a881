package org.fedspark.client;

import static org.fedspark.model.Blas.blas;

import java.util.SplittableRandom;
import org.fedspark.data.LocalDataset;
import org.fedspark.model.BlockSet;
import org.fedspark.model.ParamBlock;

/**
 * The local solver every algorithm uses: minibatch proximal SGD (with optional momentum) on a
 * {@link LocalProblem}. Per minibatch B:
 *
 * <pre>
 *   g ← ∇F_B(θ) + Σ_i μ_i (θ − c_i)|_{B_i} + Σ_j v_j|_{B_j}      (smooth part)
 *   m ← β m + g                                                  (β > 0 only)
 *   θ_T ← θ_T − η m_T    on the trainable blocks T
 *   θ_{B_k} ← prox_{η r_k}(θ_{B_k})                              (proximal gradient step)
 * </pre>
 *
 * With one proximal term over all blocks this is exactly FedProx's local solver, and with none it is
 * FedAvg's ClientUpdate (McMahan et al. 2017, Algorithm 1). Every vector operation is a BLAS call over
 * the index ranges of a {@link BlockSet}, so a term over the whole vector performs the same arithmetic
 * as unsliced code.
 */
public final class LocalSolver {
  private LocalSolver() {}

  /**
   * Runs {@code o.epochs()} passes over {@code data}, updating {@code theta} in place; rows are drawn in
   * the order of {@link Minibatches} from {@code rng}.
   */
  public static TrainStats train(LocalProblem p, double[] theta, LocalDataset data, SgdOptions o, SplittableRandom rng) {
    int size = p.objective.layout().size();
    if (theta.length != size) {
      throw new IllegalArgumentException("parameters have length " + theta.length + ", the model needs " + size);
    }
    if (data.numFeatures() != p.objective.numFeatures()) {
      throw new IllegalArgumentException("model expects " + p.objective.numFeatures() + " features, data has " + data.numFeatures());
    }
    if (data.size() == 0 || o.epochs() == 0) {
      return TrainStats.NONE;
    }
    Objective.Evaluator f = p.objective.evaluator();
    Minibatches batches = new Minibatches(data, o.batchSize(), rng);
    double[] grad = new double[size];
    double[] velocity = o.momentum() > 0 ? new double[size] : null;
    double weightedLoss = 0;
    long examples = 0;
    int steps = 0;
    for (int epoch = 0; epoch < o.epochs(); epoch++) {
      batches.startEpoch();
      while (batches.next()) {
        int n = batches.size();
        weightedLoss += n * f.lossAndGradient(theta, batches.x, batches.y, n, grad);
        step(p, theta, grad, velocity, o);
        examples += n;
        steps++;
      }
    }
    return new TrainStats(weightedLoss / examples, steps, examples);
  }

  /** One update from the smooth gradient {@code grad} (overwritten). */
  static void step(LocalProblem p, double[] theta, double[] grad, double[] velocity, SgdOptions o) {
    for (LocalProblem.Proximal t : p.proximal) {
      // ∇(μ/2)‖θ − c‖² = μ·θ − μ·c
      axpy(t.blocks(), t.mu(), theta, grad);
      axpy(t.blocks(), -t.mu(), t.center(), grad);
    }
    for (LocalProblem.Linear t : p.linear) {
      axpy(t.blocks(), 1.0, t.v(), grad);
    }
    double[] direction = grad;
    if (velocity != null) {
      BlockSet s = p.trainable;
      for (int i = 0; i < s.numRanges(); i++) {
        blas().dscal(s.rangeLength(i), o.momentum(), velocity, s.rangeStart(i), 1);
      }
      axpy(s, 1.0, grad, velocity);
      direction = velocity;
    }
    axpy(p.trainable, -o.lr(), direction, theta);
    for (LocalProblem.ProxStep t : p.proxSteps) {
      for (ParamBlock b : t.blocks().blocks()) {
        if (p.trainable.contains(b.name())) {
          t.op().apply(theta, b.offset(), b.rows(), b.cols(), o.lr());
        }
      }
    }
  }

  /** {@code y_B += a·x_B} over the ranges of {@code s}. */
  private static void axpy(BlockSet s, double a, double[] x, double[] y) {
    for (int i = 0; i < s.numRanges(); i++) {
      blas().daxpy(s.rangeLength(i), a, x, s.rangeStart(i), 1, y, s.rangeStart(i), 1);
    }
  }
}
