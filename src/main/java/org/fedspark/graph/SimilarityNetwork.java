package org.fedspark.graph;

import org.fedspark.data.FederatedData;

/**
 * The similarity network G of graph-fused personalized FL: a kNN graph over fixed-size client summaries
 * (data, feature or model space), along which the personal parts of similar clients are pulled
 * together. Entry points:
 * <pre>{@code
 *   GraphOptions opt = GraphOptions.from(cfg);
 *   SimilarityNetwork.Result net = SimilarityNetwork.build(data, opt);           // data / feature space
 *   SimilarityNetwork.Result net = SimilarityNetwork.build(modelVectors, opt);   // model space
 *   GraphOutput.write(outDir, net, ClientGroups.of(spec, data.info().numClients()));
 * }</pre>
 */
public final class SimilarityNetwork {
  private SimilarityNetwork() {}

  /**
   * @param graph the network
   * @param space the summaries it was built on
   * @param exact whether the kNN search was exact
   * @param recall measured recall of the approximate search on {@code recallSample} points (1 for exact
   *     search; NaN when not measured)
   */
  public record Result(KnnGraph graph, GraphOptions.Space space, boolean exact, double recall) {}

  /** Summarizes every client of {@code data} in {@code options.space()} (data or feature) and builds the network. */
  public static Result build(FederatedData data, GraphOptions options) {
    return build(ClientSummaries.compute(data, options), options);
  }

  /** The network over the given summaries (row c = client c), e.g. warmed-up model parameters. */
  public static Result build(double[][] summaries, GraphOptions options) {
    int n = summaries.length;
    Neighbors nb;
    double recall;
    boolean exact = options.exactFor(n);
    if (exact) {
      nb = ExactKnn.search(summaries, options.k());
      recall = 1.0;
    } else {
      nb = RpForestKnn.search(summaries, options.k(), options.trees(), options.leafSize(), options.refineIterations(),
          ClientSummaries.seedFor(options.seed(), "graph-forest"));
      recall = options.recallSample() > 0
          ? KnnRecall.recall(summaries, nb, options.recallSample(), ClientSummaries.seedFor(options.seed(), "graph-recall"))
          : Double.NaN;
    }
    return new Result(KnnGraph.of(nb, options.mode(), options.weighting()), options.space(), exact, recall);
  }
}
