package org.fedspark.client;

import static org.fedspark.model.Blas.blas;

import java.io.Serializable;
import java.util.SplittableRandom;
import org.fedspark.data.LocalDataset;
import org.fedspark.model.Model;

/**
 * The local solver FedAvg and FedProx used before {@link LocalSolver}, kept unchanged in the test
 * sources as the reference of the parity test ({@code LocalSolverTest}): the new solver must give the
 * same parameters bit for bit.
 *
 * <p>Client-side minibatch SGD, the local solver of every algorithm (FedAvg's ClientUpdate, McMahan et
 * al. 2017, Algorithm 1). With a proximal center {@code c} and {@code μ > 0} it minimises FedProx's
 * local objective {@code h(w) = F(w) + (μ/2)·‖w − c‖²} (Li et al. 2020, Algorithm 2), so each step is
 * {@code w ← w − η·(∇F_B(w) + μ·(w − c))}.
 */
public final class LocalSgd {
  private LocalSgd() {}

  /**
   * @param epochs full passes over the local data (0 leaves the parameters untouched)
   * @param batchSize rows per step; the last batch of an epoch holds the remainder
   * @param lr step size η (≥ 0)
   * @param proxMu FedProx coefficient μ (0 turns the proximal term off)
   */
  public record Options(int epochs, int batchSize, double lr, double proxMu) implements Serializable {
    public Options {
      if (epochs < 0) {
        throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
      }
      if (batchSize <= 0) {
        throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
      }
      // 0 is allowed: a decayed step size can underflow to 0 after many rounds (the update is then 0).
      if (!(lr >= 0) || Double.isInfinite(lr)) {
        throw new IllegalArgumentException("lr must be finite and >= 0, got " + lr);
      }
      if (!(proxMu >= 0) || Double.isInfinite(proxMu)) {
        throw new IllegalArgumentException("proxMu must be finite and >= 0, got " + proxMu);
      }
    }
  }

  /**
   * @param meanLoss example-weighted mean of the model's per-batch objective (without the proximal
   *     term) over all steps; NaN when no step ran. Non-finite values are passed through so callers
   *     can detect divergence.
   * @param steps number of SGD updates
   * @param examples number of rows processed, summed over epochs
   */
  public record TrainStats(double meanLoss, int steps, long examples) implements Serializable {}

  /**
   * Runs {@code epochs} passes of minibatch SGD over data, updating params in place.
   *
   * <p>Each epoch visits the rows in a fresh random order drawn from {@code rng} (Fisher–Yates from
   * the identity, so the order depends only on the rng state), in batches of {@code batchSize} (the
   * last one smaller). Objective per step: {@code model.lossAndGradient(...)} plus
   * {@code (proxMu/2)·‖params − proxCenter‖²} when {@code proxMu > 0} and {@code proxCenter != null}.
   * Each batch is gathered into one reused contiguous buffer so the model sees a dense BLAS operand;
   * the update itself is BLAS {@code daxpy}.
   */
  public static TrainStats train(Model model, double[] params, LocalDataset data, Options o, double[] proxCenter,
      SplittableRandom rng) {
    int size = model.layout().size();
    if (params.length != size) {
      throw new IllegalArgumentException("params has length " + params.length + ", model needs " + size);
    }
    if (data.numFeatures() != model.numFeatures()) {
      throw new IllegalArgumentException("model expects " + model.numFeatures() + " features, data has " + data.numFeatures());
    }
    boolean prox = o.proxMu() > 0 && proxCenter != null;
    if (prox && proxCenter.length != size) {
      throw new IllegalArgumentException("proxCenter has length " + proxCenter.length + ", model needs " + size);
    }
    int rows = data.size();
    if (rows == 0 || o.epochs() == 0) {
      return new TrainStats(Double.NaN, 0, 0);
    }

    int d = data.numFeatures();
    int maxBatch = Math.min(o.batchSize(), rows);
    double[] xBatch = new double[maxBatch * d];
    int[] yBatch = new int[maxBatch];
    double[] grad = new double[size];
    int[] order = new int[rows];
    double weightedLoss = 0;
    long examples = 0;
    int steps = 0;
    for (int epoch = 0; epoch < o.epochs(); epoch++) {
      shuffleIdentity(order, rng);
      for (int from = 0; from < rows; from += maxBatch) {
        int n = Math.min(maxBatch, rows - from);
        data.gather(order, from, n, xBatch, yBatch);
        weightedLoss += n * model.lossAndGradient(params, xBatch, yBatch, n, grad);
        if (prox) {
          // ∇(μ/2)‖w − c‖² = μ·w − μ·c
          blas().daxpy(size, o.proxMu(), params, 1, grad, 1);
          blas().daxpy(size, -o.proxMu(), proxCenter, 1, grad, 1);
        }
        blas().daxpy(size, -o.lr(), grad, 1, params, 1);
        examples += n;
        steps++;
      }
    }
    return new TrainStats(weightedLoss / examples, steps, examples);
  }

  /** Sets {@code order} to a uniformly random permutation of {@code 0..length-1} (Fisher–Yates). */
  static void shuffleIdentity(int[] order, SplittableRandom rng) {
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int i = order.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }
}
