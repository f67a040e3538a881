package org.fedspark.graph;

import java.util.Arrays;
import org.fedspark.data.LocalDataset;

/**
 * The median heuristic for the RBF bandwidth (Gretton et al., JMLR 2012, section 8; Garreau, Jitkrittum
 * &amp; Kanagawa, "Large sample analysis of the median heuristic", 2017): σ = the median distance between
 * sample points, so that typical kernel values are neither all ≈ 1 nor all ≈ 0.
 *
 * <p>Federated form, so that no example leaves its client: each client reports one number, the median
 * squared distance among the first {@code min(n, maxRows)} rows of its training split (that split is
 * already in a seeded random order); the driver takes the median of these numbers over the clients with
 * at least two rows and sets σ² to it. Within-client distances are what the kernel must resolve (they
 * set the scale of one distribution); a between-client median would be inflated by the very
 * differences the embedding should measure.
 */
public final class MedianBandwidth {
  /** Rows per client that enter its median: 64 rows give 2,016 pairs, plenty for a median. */
  public static final int DEFAULT_ROWS = 64;

  private MedianBandwidth() {}

  /** One client's median squared pairwise distance among its first {@code maxRows} rows; NaN if fewer than 2. */
  public static double clientMedianSq(LocalDataset data, int maxRows) {
    int m = Math.min(data.size(), maxRows);
    if (m < 2) {
      return Double.NaN;
    }
    int d = data.numFeatures();
    double[] x = data.features();
    double[] pairs = new double[m * (m - 1) / 2];
    int p = 0;
    for (int i = 0; i < m; i++) {
      for (int j = i + 1; j < m; j++) {
        pairs[p++] = Distances.squared(x, i * d, x, j * d, d);
      }
    }
    return median(pairs, pairs.length);
  }

  /**
   * σ from the clients' reports: the square root of the median of the finite ones.
   *
   * @throws IllegalArgumentException when no client has two rows or the median is 0 (identical rows),
   *     asking for graph.bandwidth
   */
  public static double fromClientMedians(double[] clientMedianSq) {
    double[] v = Arrays.stream(clientMedianSq).filter(Double::isFinite).toArray();
    if (v.length == 0) {
      throw new IllegalArgumentException("no client has two training rows, so the median heuristic has nothing to"
          + " measure: set graph.bandwidth");
    }
    double med = median(v, v.length);
    if (!(med > 0)) {
      throw new IllegalArgumentException("the median squared distance between training rows is 0 (clients hold"
          + " identical rows): set graph.bandwidth");
    }
    return Math.sqrt(med);
  }

  /** Median of {@code a[0, n)} (mean of the two middle values for even n); sorts {@code a} in place. */
  static double median(double[] a, int n) {
    Arrays.sort(a, 0, n);
    return n % 2 == 1 ? a[n / 2] : 0.5 * (a[n / 2 - 1] + a[n / 2]);
  }
}
