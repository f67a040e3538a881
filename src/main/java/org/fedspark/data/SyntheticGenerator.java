package org.fedspark.data;

import java.util.SplittableRandom;
import org.fedspark.data.partition.Distributions;

/**
 * FedProx's Synthetic(α, β) data (Li et al., "Federated optimization in heterogeneous networks", MLSys
 * 2020, section 5.1; generator litian96/FedProx {@code data/synthetic_*}/generate_synthetic.py and
 * {@code synthetic_iid/generate_iid.py}), one client at a time from that client's own seeds.
 *
 * <p>For client k, with d features and C classes:
 * <ul>
 *   <li>samples {@code n_k = int(lognormal(4, 2)) + 50} (numpy's {@code lognormal(mean, sigma)}:
 *       {@code exp(N(4, 2²))}), as the reference computes it, with no cap (see below);</li>
 *   <li>{@code u_k ~ N(0, α)}, {@code W_k} (d×C) and {@code b_k} (C) entries {@code ~ N(u_k, 1)};</li>
 *   <li>{@code B_k ~ N(0, β)}, feature mean {@code v_k} entries {@code ~ N(B_k, 1)};</li>
 *   <li>{@code x ~ N(v_k, Σ)} with {@code Σ} diagonal, {@code Σ_jj = j^−1.2} (j from 1);</li>
 *   <li>{@code y = argmax softmax(x W_k + b_k) = argmax (x W_k + b_k)} (first index on ties, as numpy).</li>
 * </ul>
 * IID variant: one {@code W, b ~ N(0, 1)} shared by every client and {@code v_k = 0}.
 *
 * <p>{@code N(0, α)} is read as variance α (standard deviation √α), as the paper writes it (and as the
 * README documents it). Note that the reference script calls {@code np.random.normal(0, alpha)},
 * whose second argument is the standard deviation; the two agree for the published α, β ∈ {0, 1} and
 * differ for Synthetic(0.5, 0.5) (std 0.71 here, 0.5 there).
 *
 * <p>Sample counts: the reference draws {@code lognormal(4, 2)} and keeps whatever comes out (median
 * e⁴ + 50 ≈ 105, mean ≈ 453, but a 3σ client has e¹⁰ ≈ 22,000 samples). fedspark follows it and only
 * refuses a client whose features would not fit one Java array (a > 6σ draw for 60 features), with a
 * {@link DataException} asking for another seed.
 */
public final class SyntheticGenerator {
  private SyntheticGenerator() {}

  /** The generating model of one client: weights (d×C row-major), biases (C) and feature mean (d). */
  public record ClientModel(double[] weights, double[] biases, double[] featureMean) {}

  /** Number of samples of client {@code clientId}: {@code int(lognormal(4, 2)) + 50}. */
  public static int sampleCount(DataSpec.SyntheticSpec spec, long seed, int clientId) {
    double draw = Distributions.logNormal(Seeds.random(seed, Seeds.Purpose.SYNTHETIC_SIZE, clientId), 4, 2);
    double n = Math.floor(draw) + 50;
    if (n * spec.features() > Integer.MAX_VALUE - 8) {
      throw new DataException("synthetic client " + clientId + " drew " + (long) n
          + " samples (the lognormal(4, 2) tail of FedProx's recipe), too many to hold " + spec.features()
          + " features each in one array; use another seed");
    }
    return (int) n;
  }

  /** The model that labels client {@code clientId}'s data (the shared one in the IID variant). */
  public static ClientModel model(DataSpec.SyntheticSpec spec, long seed, int clientId) {
    int d = spec.features();
    int classes = spec.classes();
    double[] w = new double[d * classes];
    double[] b = new double[classes];
    double[] v = new double[d];
    if (spec.iid()) {
      SplittableRandom rng = Seeds.random(seed, Seeds.Purpose.SYNTHETIC_SHARED_MODEL, 0);
      fill(w, 0, rng);
      fill(b, 0, rng);
    } else {
      SplittableRandom rng = Seeds.random(seed, Seeds.Purpose.SYNTHETIC_MODEL, clientId);
      double u = StrictMath.sqrt(spec.alpha()) * Distributions.gaussian(rng);
      fill(w, u, rng);
      fill(b, u, rng);
      SplittableRandom meanRng = Seeds.random(seed, Seeds.Purpose.SYNTHETIC_FEATURE_MEAN, clientId);
      double bigB = StrictMath.sqrt(spec.beta()) * Distributions.gaussian(meanRng);
      fill(v, bigB, meanRng);
    }
    return new ClientModel(w, b, v);
  }

  /** All of client {@code clientId}'s examples, in generation order. */
  public static LocalDataset generate(DataSpec.SyntheticSpec spec, long seed, int clientId) {
    return generate(spec, seed, clientId, sampleCount(spec, seed, clientId));
  }

  /** {@code n} examples drawn from client {@code clientId}'s distribution (tests use a large n). */
  public static LocalDataset generate(DataSpec.SyntheticSpec spec, long seed, int clientId, int n) {
    validate(spec);
    int d = spec.features();
    int classes = spec.classes();
    ClientModel m = model(spec, seed, clientId);
    double[] sd = new double[d];
    for (int j = 0; j < d; j++) {
      sd[j] = StrictMath.pow(j + 1, -0.6);
    }
    SplittableRandom rng = Seeds.random(seed, Seeds.Purpose.SYNTHETIC_SAMPLES, clientId);
    double[] x = new double[n * d];
    int[] y = new int[n];
    double[] logits = new double[classes];
    for (int i = 0; i < n; i++) {
      int row = i * d;
      for (int j = 0; j < d; j++) {
        x[row + j] = m.featureMean()[j] + sd[j] * Distributions.gaussian(rng);
      }
      y[i] = argmaxLogit(x, row, d, m, logits);
    }
    return new LocalDataset(x, y, d);
  }

  /** The class the model gives row {@code x[row, row+d)}: argmax of {@code x·W + b}, first on ties. */
  public static int argmaxLogit(double[] x, int row, int d, ClientModel m, double[] logits) {
    int classes = m.biases().length;
    System.arraycopy(m.biases(), 0, logits, 0, classes);
    for (int j = 0; j < d; j++) {
      double xj = x[row + j];
      int wRow = j * classes;
      for (int c = 0; c < classes; c++) {
        logits[c] += xj * m.weights()[wRow + c];
      }
    }
    int best = 0;
    for (int c = 1; c < classes; c++) {
      if (logits[c] > logits[best]) {
        best = c;
      }
    }
    return best;
  }

  static void validate(DataSpec.SyntheticSpec spec) {
    if (spec == null) {
      throw new DataException("the synthetic source needs its parameters (alpha, beta, iid, clients, features, classes)");
    }
    if (spec.clients() <= 0 || spec.features() <= 0 || spec.classes() < 2) {
      throw new DataException("synthetic data needs clients >= 1, features >= 1 and classes >= 2, got "
          + spec.clients() + ", " + spec.features() + ", " + spec.classes() + " (FedProx uses 30, 60, 10)");
    }
    if (!(spec.alpha() >= 0) || !(spec.beta() >= 0) || Double.isInfinite(spec.alpha())
        || Double.isInfinite(spec.beta())) {
      throw new DataException("synthetic alpha and beta are variances and must be finite and >= 0, got "
          + spec.alpha() + ", " + spec.beta() + " (FedProx uses 0, 0.5 or 1)");
    }
  }

  private static void fill(double[] a, double mean, SplittableRandom rng) {
    for (int i = 0; i < a.length; i++) {
      a[i] = mean + Distributions.gaussian(rng);
    }
  }
}
