package org.fedspark.data.partition;

import java.util.SplittableRandom;

/**
 * Quantity skew: labels IID, but client sizes proportional to log-normal weights
 * {@code w_c = exp(N(0, σ²))} (the "quantity-based" skew of Li et al. 2022, "Federated learning on
 * non-IID data silos: an experimental study", ICDE). Every client first gets {@code min(2, n/N)}
 * examples; the rest is apportioned to the weights by largest remainder, then a seeded shuffle of all
 * examples is cut into blocks of those sizes. σ = 0 gives equal sizes.
 */
public final class QuantitySkewPartitioner implements LabelPartitioner {
  private final double sigma;

  public QuantitySkewPartitioner(double sigma) {
    if (!(sigma >= 0) || Double.isInfinite(sigma)) {
      throw new IllegalArgumentException("quantity-skew sigma must be finite and >= 0, got " + sigma);
    }
    this.sigma = sigma;
  }

  @Override
  public int[] assign(int[] labels, int numClasses, int numClients, long seed) {
    PartitionMath.checkArguments(labels, numClasses, numClients);
    SplittableRandom rng = new SplittableRandom(seed);
    SplittableRandom sizeRng = rng.split();
    SplittableRandom orderRng = rng.split();
    int n = labels.length;
    int base = Math.min(DirichletPartitioner.MIN_EXAMPLES, n / numClients);
    double[] weights = new double[numClients];
    double max = Double.NEGATIVE_INFINITY;
    double[] logs = new double[numClients];
    for (int c = 0; c < numClients; c++) {
      logs[c] = sigma * Distributions.gaussian(sizeRng);
      max = Math.max(max, logs[c]);
    }
    for (int c = 0; c < numClients; c++) {
      // Scaled by exp(−max) so that a large σ cannot overflow; proportions are unchanged.
      weights[c] = StrictMath.exp(logs[c] - max);
    }
    int[] sizes = PartitionMath.largestRemainder(weights, n - base * numClients);
    for (int c = 0; c < numClients; c++) {
      sizes[c] += base;
    }
    int[] order = Distributions.range(n);
    Distributions.shuffle(order, orderRng);
    return PartitionMath.assignBlocks(order, sizes);
  }

  @Override
  public String describe() {
    return "quantity-skew(" + sigma + ")";
  }
}
