package org.fedspark.graph;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.fedspark.data.LocalDataset;
import org.fedspark.data.partition.Distributions;

/**
 * Kernel mean embedding of a client's feature distribution with random Fourier features, so that the
 * Euclidean distance between two clients' embeddings approximates the maximum mean discrepancy (MMD)
 * between their distributions without any raw example leaving a client.
 *
 * <p>For the RBF kernel {@code k(x, y) = exp(−‖x − y‖²/(2σ²))}, Bochner's theorem gives
 * {@code k(x, y) = E[z(x)ᵀz(y)]} with {@code z(x) = √(2/D) (cos(ω_jᵀx + b_j))_{j=1..D}},
 * {@code ω_j ~ N(0, σ⁻² I)}, {@code b_j ~ U[0, 2π)} (Rahimi &amp; Recht, "Random Features for Large-Scale
 * Kernel Machines", NIPS 2007). A client's embedding is the mean {@code μ̂_P = (1/n) Σ_i z(x_i)} over its
 * n training rows, and
 * <pre>  ‖μ̂_P − μ̂_Q‖² = mean_{i,i'} ẑ(x_i, x_i') + mean_{j,j'} ẑ(y_j, y_j') − 2 mean_{i,j} ẑ(x_i, y_j),</pre>
 * with {@code ẑ(a, b) = z(a)ᵀz(b) → k(a, b)}: the biased (V-statistic) estimate of MMD² (Gretton et
 * al., "A Kernel Two-Sample Test", JMLR 2012, eq. 5), up to an error of order {@code 1/√D}.
 *
 * <p>Every client must use the same ω and b, or the embeddings are not comparable: they are drawn on
 * the driver from the run seed ({@link #create}) and shipped to all clients.
 *
 * <p>Labels, optionally: with weight λ > 0 the class histogram h (fractions summing to 1) is appended as
 * {@code λ·h}. That is the mean embedding of the joint (x, y) under the sum kernel
 * {@code k(x, x') + λ²[y = y']}, so the squared distance becomes {@code MMD²_x + λ²‖h_P − h_Q‖²}.
 */
public final class RandomFourierFeatures implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int inputDim;
  private final int numFeatures;
  private final double bandwidth;
  /** ω_j as row j of a D×d row-major matrix. */
  private final double[] omega;
  private final double[] phase;

  private RandomFourierFeatures(int inputDim, int numFeatures, double bandwidth, double[] omega, double[] phase) {
    this.inputDim = inputDim;
    this.numFeatures = numFeatures;
    this.bandwidth = bandwidth;
    this.omega = omega;
    this.phase = phase;
  }

  /**
   * @param inputDim d, the clients' number of features
   * @param numFeatures D (graph.rff-features)
   * @param bandwidth σ of the RBF kernel (graph.bandwidth, or {@link MedianBandwidth})
   * @param seed the stream's seed (from the run seed, so every client gets the same features)
   */
  public static RandomFourierFeatures create(int inputDim, int numFeatures, double bandwidth, long seed) {
    if (inputDim <= 0) {
      throw new IllegalArgumentException("input dimension must be positive, got " + inputDim);
    }
    if (numFeatures <= 0) {
      throw new IllegalArgumentException("graph.rff-features must be positive, got " + numFeatures);
    }
    if (!(bandwidth > 0) || Double.isInfinite(bandwidth)) {
      throw new IllegalArgumentException("graph.bandwidth must be positive and finite, got " + bandwidth);
    }
    SplittableRandom rng = new SplittableRandom(seed);
    double[] omega = new double[numFeatures * inputDim];
    for (int i = 0; i < omega.length; i++) {
      omega[i] = Distributions.gaussian(rng) / bandwidth;
    }
    double[] phase = new double[numFeatures];
    for (int j = 0; j < numFeatures; j++) {
      phase[j] = 2 * Math.PI * rng.nextDouble();
    }
    return new RandomFourierFeatures(inputDim, numFeatures, bandwidth, omega, phase);
  }

  public int inputDim() {
    return inputDim;
  }

  public int numFeatures() {
    return numFeatures;
  }

  public double bandwidth() {
    return bandwidth;
  }

  /** {@code μ̂ = (1/n) Σ_i z(x_i)} over the n rows of {@code x} (row-major, d columns). */
  public double[] meanEmbedding(double[] x, int n) {
    if ((long) n * inputDim != x.length) {
      throw new IllegalArgumentException("expected " + n + " rows of " + inputDim + " features, got " + x.length + " values");
    }
    if (n == 0) {
      throw new IllegalArgumentException("the mean embedding of an empty sample is undefined");
    }
    double[] mu = new double[numFeatures];
    for (int i = 0; i < n; i++) {
      int row = i * inputDim;
      for (int j = 0; j < numFeatures; j++) {
        int w = j * inputDim;
        double dot = phase[j];
        for (int t = 0; t < inputDim; t++) {
          dot += omega[w + t] * x[row + t];
        }
        mu[j] += Math.cos(dot);
      }
    }
    double scale = Math.sqrt(2.0 / numFeatures) / n;
    for (int j = 0; j < numFeatures; j++) {
      mu[j] *= scale;
    }
    return mu;
  }

  /**
   * A client's data-space summary: the mean embedding of its rows, followed by {@code λ·h} (its class
   * histogram over {@code numClasses} classes) when {@code labelWeight = λ > 0}.
   */
  public double[] summarize(LocalDataset data, int numClasses, double labelWeight) {
    double[] mu = meanEmbedding(data.features(), data.size());
    if (labelWeight == 0) {
      return mu;
    }
    if (!(labelWeight > 0) || numClasses <= 0) {
      throw new IllegalArgumentException("graph.label-weight must be >= 0 and the classes known, got "
          + labelWeight + " and " + numClasses + " classes");
    }
    double[] out = Arrays.copyOf(mu, numFeatures + numClasses);
    double unit = labelWeight / data.size();
    for (int y : data.labels()) {
      out[numFeatures + y] += unit;
    }
    return out;
  }
}
