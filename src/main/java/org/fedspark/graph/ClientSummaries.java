package org.fedspark.graph;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.fedspark.data.ClientData;
import org.fedspark.data.FederatedData;
import org.fedspark.data.Seeds;
import scala.Tuple2;

/**
 * Computes one fixed-size summary vector per client inside the client's partition, from its training
 * split only (its test split stays unseen), and collects the vectors to the driver as rows of an N×D
 * array (10,000 clients × 256 doubles = 20 MB). Only the summary leaves a client, never an example.
 */
public final class ClientSummaries {
  private ClientSummaries() {}

  /** The summaries of {@code options.space()}: DATA or FEATURE (MODEL vectors come from the caller). */
  public static double[][] compute(FederatedData data, GraphOptions options) {
    return switch (options.space()) {
      case DATA -> dataSpace(data, options);
      case FEATURE -> featureSpace(data, options);
      case MODEL -> throw new IllegalArgumentException("graph.space = model: the caller supplies each client's"
          + " warmed-up parameters; pass them to SimilarityNetwork.build directly");
    };
  }

  /** Kernel mean embeddings ({@link RandomFourierFeatures}), bandwidth by the median heuristic unless set. */
  public static double[][] dataSpace(FederatedData data, GraphOptions options) {
    double sigma = options.bandwidth();
    if (sigma == 0) {
      sigma = MedianBandwidth.fromClientMedians(collectScalars(data,
          cd -> MedianBandwidth.clientMedianSq(cd.train(), MedianBandwidth.DEFAULT_ROWS)));
    }
    RandomFourierFeatures rff = RandomFourierFeatures.create(data.info().numFeatures(), options.rffFeatures(), sigma,
        seedFor(options.seed(), "graph-rff"));
    Broadcast<RandomFourierFeatures> b = jsc(data).broadcast(rff);
    int classes = data.info().numClasses();
    double lambda = options.labelWeight();
    double[][] out = collect(data, cd -> b.value().summarize(cd.train(), classes, lambda));
    b.destroy();
    return out;
  }

  /** Sketched covariances ({@link CovarianceSketch}). */
  public static double[][] featureSpace(FederatedData data, GraphOptions options) {
    CovarianceSketch sketch = CovarianceSketch.create(data.info().numFeatures(), options.sketchDim(),
        seedFor(options.seed(), "graph-sketch"));
    Broadcast<CovarianceSketch> b = jsc(data).broadcast(sketch);
    double[][] out = collect(data, cd -> b.value().summarize(cd.train()));
    b.destroy();
    return out;
  }

  /** One vector per client, placed at its id. */
  public static double[][] collect(FederatedData data, Function<ClientData, double[]> summary) {
    JavaRDD<ClientData> clients = data.clients();
    List<Tuple2<Integer, double[]>> rows = clients.map(cd -> new Tuple2<>(cd.clientId(), summary.call(cd))).collect();
    int n = data.info().numClients();
    double[][] out = new double[n][];
    for (Tuple2<Integer, double[]> r : rows) {
      out[r._1()] = r._2();
    }
    for (int c = 0; c < n; c++) {
      if (out[c] == null) {
        throw new IllegalStateException("no summary for client " + c);
      }
    }
    return out;
  }

  private static double[] collectScalars(FederatedData data, Function<ClientData, Double> f) {
    double[][] rows = collect(data, cd -> new double[] {f.call(cd)});
    double[] out = new double[rows.length];
    for (int c = 0; c < rows.length; c++) {
      out[c] = rows[c][0];
    }
    return out;
  }

  /** A driver-side seed for one of the network's random objects, derived from the run seed. */
  static long seedFor(long runSeed, String purpose) {
    return Seeds.stream(runSeed, -1, -1, purpose).nextLong();
  }

  private static JavaSparkContext jsc(FederatedData data) {
    return JavaSparkContext.fromSparkContext(data.clients().context());
  }
}
