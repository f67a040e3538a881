package org.fedspark.bench;

import java.util.Arrays;
import org.fedspark.data.ClientGroups;
import org.fedspark.data.ClusteredGenerator;
import org.fedspark.data.DataSpec;
import org.fedspark.data.LocalDataset;
import org.fedspark.data.SyntheticGenerator;
import org.fedspark.graph.CovarianceSketch;
import org.fedspark.graph.ExactKnn;
import org.fedspark.graph.KnnGraph;
import org.fedspark.graph.KnnRecall;
import org.fedspark.graph.MedianBandwidth;
import org.fedspark.graph.Neighbors;
import org.fedspark.graph.RandomFourierFeatures;
import org.fedspark.graph.RpForestKnn;

/**
 * Recall of the random-projection forest against exact kNN at N clients, in each summary space, on a
 * clustered federation (docs/similarity-network.md quotes its output). Run:
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) org.fedspark.bench.SimilarityNetworkBench [N]}.
 *
 * <p>Model space stands in the clients' true labeling models (W_n, b_n flattened) for warmed-up
 * parameters: a model trained locally to convergence approaches them.
 */
public final class SimilarityNetworkBench {
  private SimilarityNetworkBench() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int k = 10;
    long seed = 42;
    DataSpec.ClusteredSpec spec = new DataSpec.ClusteredSpec(n, 10, 20, 5, 60, 0.0, 0.5, 1.0, 0.3, false);
    int[] groups = new int[n];
    double[] medians = new double[n];
    LocalDataset[] data = new LocalDataset[n];
    for (int c = 0; c < n; c++) {
      data[c] = ClusteredGenerator.generate(spec, seed, c);
      groups[c] = ClientGroups.groupOf(c, 10);
      medians[c] = MedianBandwidth.clientMedianSq(data[c], MedianBandwidth.DEFAULT_ROWS);
    }
    RandomFourierFeatures rff = RandomFourierFeatures.create(20, 256, MedianBandwidth.fromClientMedians(medians), 1);
    CovarianceSketch sketch = CovarianceSketch.create(20, 32, 2);
    double[][] dataSpace = new double[n][];
    double[][] featureSpace = new double[n][];
    double[][] modelSpace = new double[n][];
    for (int c = 0; c < n; c++) {
      dataSpace[c] = rff.summarize(data[c], 5, 0);
      featureSpace[c] = sketch.summarize(data[c]);
      SyntheticGenerator.ClientModel m = ClusteredGenerator.model(spec, seed, c);
      modelSpace[c] = concat(m.weights(), m.biases());
    }
    data = null;
    report("data (RFF D=256)", dataSpace, k, groups);
    report("feature (covariance, 210 values)", featureSpace, k, groups);
    report("model (W_n, b_n: 105 values)", modelSpace, k, groups);
  }

  private static void report(String name, double[][] x, int k, int[] groups) {
    long t0 = System.nanoTime();
    Neighbors exact = ExactKnn.search(x, k);
    long t1 = System.nanoTime();
    Neighbors approx = RpForestKnn.search(x, k, 8, 32, 2, 7);
    long t2 = System.nanoTime();
    Neighbors forest = RpForestKnn.search(x, k, 8, 32, 0, 7);
    double recall = recall(exact, approx);
    double sampled = KnnRecall.recall(x, approx, 200, 3);
    KnnGraph ge = KnnGraph.of(exact, KnnGraph.Symmetrization.UNION, KnnGraph.Weighting.GAUSSIAN);
    KnnGraph ga = KnnGraph.of(approx, KnnGraph.Symmetrization.UNION, KnnGraph.Weighting.GAUSSIAN);
    System.out.printf("%-34s N=%d k=%d: exact %.1f s, approx %.1f s; recall all points %.4f (200-point sample %.4f,"
            + " forest alone %.4f); within-group share exact %.3f approx %.3f (random %.3f)%n",
        name, x.length, k, (t1 - t0) / 1e9, (t2 - t1) / 1e9, recall, sampled, recall(exact, forest),
        ge.withinGroupShare(groups), ga.withinGroupShare(groups), KnnGraph.randomWithinGroupShare(groups));
  }

  private static double recall(Neighbors exact, Neighbors approx) {
    double total = 0;
    for (int i = 0; i < exact.numPoints(); i++) {
      int[] truth = exact.index()[i].clone();
      Arrays.sort(truth);
      int hit = 0;
      for (int j : approx.index()[i]) {
        hit += Arrays.binarySearch(truth, j) >= 0 ? 1 : 0;
      }
      total += (double) hit / exact.k();
    }
    return total / exact.numPoints();
  }

  private static double[] concat(double[] a, double[] b) {
    double[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
