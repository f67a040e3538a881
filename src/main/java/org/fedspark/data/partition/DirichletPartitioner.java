package org.fedspark.data.partition;

import java.util.SplittableRandom;

/**
 * Label skew by Dirichlet proportions, the scheme of Hsu, Qi &amp; Brown 2019 ("Measuring the effects of
 * non-identical data distribution for federated visual classification") used by most personalized-FL
 * benchmarks (FedSLR, Huang et al., TMLR 2023, uses α = 0.1): for each class, draw client proportions
 * {@code p ~ Dir(α, …, α)} and cut that class's shuffled examples into consecutive pieces of sizes
 * {@code round(cumsum(p)·n_k)}. Small α gives each client few classes; large α approaches IID.
 *
 * <p>Unlike implementations that redraw everything until every client has some minimum size (which
 * may never happen for α = 0.05 and 1000 clients), this draws once and then repairs deterministically:
 * every client gets at least {@code min(2, n/N)} examples, taken from the largest clients
 * ({@link PartitionMath#ensureMinimumSize}; measured numbers in docs/data.md, section 4). Cost: O(K·N)
 * gamma draws plus O(n log N).
 */
public final class DirichletPartitioner implements LabelPartitioner {
  /** Fewest examples each client gets when the data allows it (one to train on, one to test on). */
  public static final int MIN_EXAMPLES = 2;

  private final double alpha;

  public DirichletPartitioner(double alpha) {
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("Dirichlet alpha must be positive and finite, got " + alpha);
    }
    this.alpha = alpha;
  }

  @Override
  public int[] assign(int[] labels, int numClasses, int numClients, long seed) {
    PartitionMath.checkArguments(labels, numClasses, numClients);
    SplittableRandom rng = new SplittableRandom(seed);
    int[][] byClass = PartitionMath.examplesByClass(labels, numClasses);
    int[] clientOf = new int[labels.length];
    for (int k = 0; k < numClasses; k++) {
      // One independent stream per class, so one class's draws do not shift another's.
      SplittableRandom classRng = rng.split();
      int[] examples = byClass[k];
      if (examples.length == 0) {
        continue;
      }
      Distributions.shuffle(examples, classRng);
      double[] p = Distributions.symmetricDirichlet(classRng, alpha, numClients);
      int nk = examples.length;
      double cumulative = 0;
      int start = 0;
      for (int c = 0; c < numClients; c++) {
        cumulative += p[c];
        int end = c == numClients - 1 ? nk : (int) Math.min(nk, Math.max(start, Math.round(cumulative * nk)));
        for (int j = start; j < end; j++) {
          clientOf[examples[j]] = c;
        }
        start = end;
      }
    }
    PartitionMath.ensureMinimumSize(clientOf, numClients, MIN_EXAMPLES);
    return clientOf;
  }

  @Override
  public String describe() {
    return "dirichlet(" + alpha + ")";
  }
}
