package org.fedspark.graph;

import java.io.Serializable;
import org.fedspark.config.FedConfig;
import org.fedspark.config.Keys;

/**
 * Settings of the similarity network (the {@code graph.*} keys; {@code fedspark keys} documents each).
 *
 * @param space which client summaries are compared
 * @param k neighbours per client
 * @param mode union (symmetric) or mutual kNN
 * @param weighting Gaussian or unit edge weights
 * @param method exact, approximate, or auto (exact up to {@code exactMaxClients})
 * @param exactMaxClients auto: the largest N searched exactly
 * @param trees approximate: random-projection trees
 * @param leafSize approximate: largest leaf
 * @param refineIterations approximate: neighbour-of-neighbour rounds
 * @param recallSample approximate: points whose exact neighbours measure recall (0 = not measured)
 * @param rffFeatures data space: random Fourier features D
 * @param bandwidth data space: RBF σ, or 0 for the median heuristic
 * @param labelWeight data space: weight of the appended class histogram (0 = none)
 * @param sketchDim feature space: projection dimension r
 * @param seed the run seed (random features, projections and trees derive from it)
 */
public record GraphOptions(Space space, int k, KnnGraph.Symmetrization mode, KnnGraph.Weighting weighting,
    Method method, int exactMaxClients, int trees, int leafSize, int refineIterations, int recallSample,
    int rffFeatures, double bandwidth, double labelWeight, int sketchDim, long seed) implements Serializable {

  /** Summary spaces. */
  public enum Space {
    /** Kernel mean embedding with random Fourier features: distance ≈ MMD ({@link RandomFourierFeatures}). */
    DATA,
    /** Sketched feature covariance: distance = Frobenius distance ({@link CovarianceSketch}). */
    FEATURE,
    /** Parameters of a locally warmed-up model, supplied by the caller. */
    MODEL
  }

  /** kNN search methods. */
  public enum Method {
    AUTO, EXACT, APPROXIMATE
  }

  /** The defaults of the {@code graph.*} keys with the given seed. */
  public static GraphOptions defaults(long seed) {
    return new GraphOptions(Space.DATA, 10, KnnGraph.Symmetrization.UNION, KnnGraph.Weighting.GAUSSIAN, Method.AUTO,
        5000, 8, 32, 2, 200, 256, 0.0, 0.0, 32, seed);
  }

  public static GraphOptions from(FedConfig cfg) {
    return new GraphOptions(cfg.getEnum(Keys.GRAPH_SPACE, Space.class), cfg.getInt(Keys.GRAPH_K),
        cfg.getEnum(Keys.GRAPH_MODE, KnnGraph.Symmetrization.class), cfg.getEnum(Keys.GRAPH_WEIGHTS, KnnGraph.Weighting.class),
        cfg.getEnum(Keys.GRAPH_METHOD, Method.class), cfg.getInt(Keys.GRAPH_EXACT_MAX), cfg.getInt(Keys.GRAPH_TREES),
        cfg.getInt(Keys.GRAPH_LEAF), cfg.getInt(Keys.GRAPH_REFINE), cfg.getInt(Keys.GRAPH_RECALL_SAMPLE),
        cfg.getInt(Keys.GRAPH_RFF), cfg.getDouble(Keys.GRAPH_BANDWIDTH), cfg.getDouble(Keys.GRAPH_LABEL_WEIGHT),
        cfg.getInt(Keys.GRAPH_SKETCH_DIM), cfg.getLong(Keys.SEED));
  }

  /** Whether N clients are searched exactly. */
  public boolean exactFor(int numClients) {
    return method == Method.EXACT || (method == Method.AUTO && numClients <= exactMaxClients);
  }

  public GraphOptions withSpace(Space s) {
    return new GraphOptions(s, k, mode, weighting, method, exactMaxClients, trees, leafSize, refineIterations,
        recallSample, rffFeatures, bandwidth, labelWeight, sketchDim, seed);
  }

  public GraphOptions withK(int newK) {
    return new GraphOptions(space, newK, mode, weighting, method, exactMaxClients, trees, leafSize, refineIterations,
        recallSample, rffFeatures, bandwidth, labelWeight, sketchDim, seed);
  }

  public GraphOptions withMethod(Method m) {
    return new GraphOptions(space, k, mode, weighting, m, exactMaxClients, trees, leafSize, refineIterations,
        recallSample, rffFeatures, bandwidth, labelWeight, sketchDim, seed);
  }
}
