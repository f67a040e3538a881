package org.fedspark.data;

import java.util.SplittableRandom;
import org.fedspark.data.partition.Distributions;

/**
 * A clustered federation: K groups of clients whose labeling models share one global part, a
 * group-level part and a little per-client noise, the setting of clustered and graph-regularized
 * personalized FL (Ghosh et al., "An Efficient Framework for Clustered Federated Learning", NeurIPS
 * 2020; Sattler, Müller &amp; Samek, "Clustered Federated Learning", IEEE TNNLS 2021). Client n, in group
 * {@code g = n mod K} ({@link ClientGroups}), with d features and C classes:
 * <ul>
 *   <li>{@code W_n = W_shared + W_group(g) + ε_n} (d×C row-major) and likewise {@code b_n}, with
 *       {@code W_shared} entries ~ N(0, 1), {@code W_group(g)} entries ~ N(0, groupScale²) and
 *       {@code ε_n} entries ~ N(0, clientNoise²);</li>
 *   <li>features {@code x ~ N(μ_g, I)} with {@code μ_g} entries ~ N(0, meanShift²) (μ_g = 0 when
 *       meanShift = 0);</li>
 *   <li>labels {@code y = argmax (xᵀW_n + b_n)} (first index on ties), or drawn from
 *       {@code softmax(xᵀW_n + b_n)} when {@code sampleLabels};</li>
 *   <li>size {@code max(2, round(samples · exp(σ·N(0, 1))))}: exactly {@code samples} when σ = 0.</li>
 * </ul>
 * Every draw comes from a stream of {@link Seeds} keyed by what it is for (the shared part; group g's
 * part and mean; client n's noise, size and samples), so a client's data does not depend on how many
 * clients or partitions there are, and the same seed gives bitwise the same federation.
 */
public final class ClusteredGenerator {
  private ClusteredGenerator() {}

  /** Ground-truth group of client {@code clientId}: {@code clientId mod K}. */
  public static int groupOf(DataSpec.ClusteredSpec spec, int clientId) {
    return ClientGroups.groupOf(clientId, spec.groups());
  }

  /** Number of samples of client {@code clientId}. */
  public static int sampleCount(DataSpec.ClusteredSpec spec, long seed, int clientId) {
    if (spec.samplesSigma() == 0) {
      return spec.samples();
    }
    SplittableRandom rng = Seeds.random(seed, Seeds.Purpose.CLUSTERED_SIZE, clientId);
    double n = Math.rint(spec.samples() * StrictMath.exp(spec.samplesSigma() * Distributions.gaussian(rng)));
    if (n * spec.features() > Integer.MAX_VALUE - 8) {
      throw new DataException("clustered client " + clientId + " drew " + (long) n + " samples, too many to hold "
          + spec.features() + " features each in one array: lower data.clustered.samples-sigma or use another seed");
    }
    return (int) Math.max(2, n);
  }

  /** Feature mean μ_g of group {@code group} (zeros when meanShift = 0). */
  public static double[] groupMean(DataSpec.ClusteredSpec spec, long seed, int group) {
    double[] mu = new double[spec.features()];
    if (spec.meanShift() > 0) {
      SplittableRandom rng = Seeds.random(seed, Seeds.Purpose.CLUSTERED_GROUP_MEAN, group);
      for (int j = 0; j < mu.length; j++) {
        mu[j] = spec.meanShift() * Distributions.gaussian(rng);
      }
    }
    return mu;
  }

  /** The labeling model of client {@code clientId} (weights d×C row-major, biases C) and its feature mean. */
  public static SyntheticGenerator.ClientModel model(DataSpec.ClusteredSpec spec, long seed, int clientId) {
    int d = spec.features();
    int c = spec.classes();
    int g = groupOf(spec, clientId);
    double[] w = new double[d * c];
    double[] b = new double[c];
    SplittableRandom shared = Seeds.random(seed, Seeds.Purpose.CLUSTERED_SHARED, 0);
    addGaussian(w, 1.0, shared);
    addGaussian(b, 1.0, shared);
    SplittableRandom group = Seeds.random(seed, Seeds.Purpose.CLUSTERED_GROUP, g);
    addGaussian(w, spec.groupScale(), group);
    addGaussian(b, spec.groupScale(), group);
    SplittableRandom own = Seeds.random(seed, Seeds.Purpose.CLUSTERED_CLIENT, clientId);
    addGaussian(w, spec.clientNoise(), own);
    addGaussian(b, spec.clientNoise(), own);
    return new SyntheticGenerator.ClientModel(w, b, groupMean(spec, seed, g));
  }

  /** All of client {@code clientId}'s examples, in generation order. */
  public static LocalDataset generate(DataSpec.ClusteredSpec spec, long seed, int clientId) {
    validate(spec);
    int d = spec.features();
    int classes = spec.classes();
    int n = sampleCount(spec, seed, clientId);
    SyntheticGenerator.ClientModel m = model(spec, seed, clientId);
    SplittableRandom rng = Seeds.random(seed, Seeds.Purpose.CLUSTERED_SAMPLES, clientId);
    double[] x = new double[n * d];
    int[] y = new int[n];
    double[] logits = new double[classes];
    for (int i = 0; i < n; i++) {
      int row = i * d;
      for (int j = 0; j < d; j++) {
        x[row + j] = m.featureMean()[j] + Distributions.gaussian(rng);
      }
      int best = SyntheticGenerator.argmaxLogit(x, row, d, m, logits);
      y[i] = spec.sampleLabels() ? sampleSoftmax(logits, best, rng) : best;
    }
    return new LocalDataset(x, y, d);
  }

  /** A class drawn from softmax(logits) by inversion, stabilized by the largest logit. */
  static int sampleSoftmax(double[] logits, int argmax, SplittableRandom rng) {
    double max = logits[argmax];
    double total = 0;
    for (double l : logits) {
      total += StrictMath.exp(l - max);
    }
    double u = rng.nextDouble() * total;
    double acc = 0;
    for (int c = 0; c < logits.length; c++) {
      acc += StrictMath.exp(logits[c] - max);
      if (u < acc) {
        return c;
      }
    }
    return logits.length - 1;
  }

  static void validate(DataSpec.ClusteredSpec spec) {
    if (spec == null) {
      throw new DataException("the clustered source needs its parameters (data.clustered.*)");
    }
    check(spec.clients() >= 1, "data.clustered.clients", "at least 1", spec.clients());
    check(spec.groups() >= 1 && spec.groups() <= spec.clients(), "data.clustered.groups",
        "between 1 and data.clustered.clients (" + spec.clients() + ")", spec.groups());
    check(spec.features() >= 1, "data.clustered.features", "at least 1", spec.features());
    check(spec.classes() >= 2, "data.clustered.classes", "at least 2", spec.classes());
    check(spec.samples() >= 2, "data.clustered.samples", "at least 2", spec.samples());
    check(finiteNonNegative(spec.samplesSigma()), "data.clustered.samples-sigma", "finite and >= 0", spec.samplesSigma());
    check(finiteNonNegative(spec.meanShift()), "data.clustered.mean-shift", "finite and >= 0", spec.meanShift());
    check(finiteNonNegative(spec.groupScale()), "data.clustered.group-scale", "finite and >= 0", spec.groupScale());
    check(finiteNonNegative(spec.clientNoise()), "data.clustered.client-noise", "finite and >= 0", spec.clientNoise());
    if ((long) spec.samples() * spec.features() > Integer.MAX_VALUE - 8) {
      throw new DataException("data.clustered.samples × data.clustered.features = " + spec.samples() + " × "
          + spec.features() + " does not fit one client's array: lower one of them");
    }
  }

  private static boolean finiteNonNegative(double v) {
    return v >= 0 && !Double.isInfinite(v);
  }

  private static void check(boolean ok, String key, String expected, Object got) {
    if (!ok) {
      throw new DataException(key + " must be " + expected + ", got " + got);
    }
  }

  private static void addGaussian(double[] a, double sd, SplittableRandom rng) {
    for (int i = 0; i < a.length; i++) {
      a[i] += sd * Distributions.gaussian(rng);
    }
  }
}
