package org.fedspark.model;

import static org.fedspark.model.Blas.blas;

import java.util.Arrays;
import org.fedspark.data.LocalDataset;

/**
 * What the dense models share: shape bookkeeping, argument checks, the weight-decay term and chunked
 * evaluation. Subclasses only supply the data term of the objective.
 *
 * <p>All fields are final and every call allocates its own scratch, so one instance can serve many
 * threads (Spark runs several tasks per executor JVM on the same deserialized model).
 */
abstract class DenseClassifier implements Model {
  private static final long serialVersionUID = 1L;

  /**
   * Rows per evaluation chunk: bounds scratch memory to {@code EVAL_CHUNK × width} doubles whatever the
   * client's size, while keeping each {@code dgemm} large enough to run at BLAS speed.
   */
  static final int EVAL_CHUNK = 512;

  private final int numFeatures;
  private final int numClasses;
  private final double weightDecay;
  private final ParamLayout layout;

  /** Subclasses build {@code layout} with {@link #checkShape} first, so bad arguments fail with a clear message. */
  DenseClassifier(int numFeatures, int numClasses, double weightDecay, ParamLayout layout) {
    checkShape(numFeatures, numClasses, weightDecay);
    this.numFeatures = numFeatures;
    this.numClasses = numClasses;
    this.weightDecay = weightDecay;
    this.layout = layout;
  }

  /** Rejects shapes and decay values no model accepts; call before building a layout. */
  static void checkShape(int numFeatures, int numClasses, double weightDecay) {
    if (numFeatures <= 0) {
      throw new IllegalArgumentException("numFeatures must be positive, got " + numFeatures);
    }
    if (numClasses < 2) {
      throw new IllegalArgumentException("numClasses must be at least 2, got " + numClasses);
    }
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException("weightDecay must be finite and >= 0, got " + weightDecay);
    }
  }

  @Override
  public final ParamLayout layout() {
    return layout;
  }

  @Override
  public final int numFeatures() {
    return numFeatures;
  }

  @Override
  public final int numClasses() {
    return numClasses;
  }

  @Override
  public final double weightDecay() {
    return weightDecay;
  }

  /**
   * {@code F(w) = (1/n)·Σ_i ℓ(w; x_i, y_i) + (λ/2)·Σ_{W non-bias} ‖W‖²}. The gradient starts as the
   * decay part ({@code λ·W} on weight blocks, 0 on biases), then {@link #addDataGradient} accumulates
   * the data part with {@code beta = 1} BLAS calls, so {@code grad} is fully overwritten.
   */
  @Override
  public final double lossAndGradient(double[] params, double[] x, int[] y, int n, double[] grad) {
    checkParams(params, "params");
    checkParams(grad, "grad");
    if (n <= 0) {
      throw new IllegalArgumentException("batch must have at least one row, got n=" + n);
    }
    if ((long) n * numFeatures > x.length || n > y.length) {
      throw new IllegalArgumentException("batch of " + n + " rows needs " + (long) n * numFeatures
          + " feature values and " + n + " labels, got " + x.length + " and " + y.length);
    }
    double penalty = decayInto(params, grad);
    return addDataGradient(params, x, y, n, grad) + penalty;
  }

  @Override
  public final EvalStats evaluate(double[] params, LocalDataset data) {
    checkParams(params, "params");
    if (data.numFeatures() != numFeatures) {
      throw new IllegalArgumentException("model expects " + numFeatures + " features, data has " + data.numFeatures());
    }
    int total = data.size();
    double lossSum = 0;
    long correct = 0;
    // A coded dataset's rows are decoded chunk by chunk into one buffer; a dense one's are used in place.
    double[] chunk = data.isCoded() ? decodeBuffer(Math.min(EVAL_CHUNK, total) * numFeatures) : null;
    for (int from = 0; from < total; from += EVAL_CHUNK) {
      int len = Math.min(EVAL_CHUNK, total - from);
      EvalStats s;
      if (chunk != null) {
        data.rows(from, len, chunk);
        s = evaluateRows(params, chunk, 0, data.labels(), from, len);
      } else {
        s = evaluateRows(params, data.features(), from * numFeatures, data.labels(), from, len);
      }
      lossSum += s.lossSum();
      correct += s.correct();
    }
    return new EvalStats(lossSum, correct, total);
  }

  /**
   * This thread's buffer for decoded rows, at least {@code size} long. Kept per thread rather than
   * allocated per call: an evaluation decodes every client's test set, and a fresh buffer per client
   * (0.9 MB for 140 Fashion-MNIST images) made about 90 MB of garbage per evaluation of 100 clients
   * for the JVM to zero and collect. At most {@code EVAL_CHUNK × numFeatures} doubles per thread.
   */
  private static double[] decodeBuffer(int size) {
    double[] b = DECODED.get();
    if (b.length < size) {
      b = new double[size];
      DECODED.set(b);
    }
    return b;
  }

  private static final ThreadLocal<double[]> DECODED = ThreadLocal.withInitial(() -> new double[0]);

  /**
   * Adds {@code ∇_w (1/n)·Σ_i ℓ(w; x_i, y_i)} over the first {@code n} rows of {@code x} to
   * {@code grad} and returns the mean loss {@code (1/n)·Σ_i ℓ}.
   */
  abstract double addDataGradient(double[] params, double[] x, int[] y, int n, double[] grad);

  /**
   * Summed cross-entropy and correct count over the {@code n} rows of {@code x} starting at offset
   * {@code xOff} (labels from {@code y[yOff]}); the count field of the result is {@code n}.
   */
  abstract EvalStats evaluateRows(double[] params, double[] x, int xOff, int[] y, int yOff, int n);

  /**
   * Writes the gradient of the weight decay, {@code ∇(λ/2)‖W‖² = λ·W}, into every non-bias block of
   * {@code grad}, zeros into bias blocks, and returns {@code (λ/2)·Σ‖W‖²}.
   */
  private double decayInto(double[] params, double[] grad) {
    double squares = 0;
    for (ParamBlock b : layout.blocks()) {
      if (b.isBias() || weightDecay == 0) {
        Arrays.fill(grad, b.offset(), b.end(), 0.0);
      } else {
        System.arraycopy(params, b.offset(), grad, b.offset(), b.size());
        blas().dscal(b.size(), weightDecay, grad, b.offset(), 1);
        squares += blas().ddot(b.size(), params, b.offset(), 1, params, b.offset(), 1);
      }
    }
    return 0.5 * weightDecay * squares;
  }

  private void checkParams(double[] v, String what) {
    if (v.length != layout.size()) {
      throw new IllegalArgumentException(what + " has length " + v.length + ", layout " + layout + " needs " + layout.size());
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[features=" + numFeatures + ", classes=" + numClasses
        + ", weightDecay=" + weightDecay + ", " + layout + "]";
  }
}
