package org.fedspark.graph;

/**
 * The k nearest neighbours of every point: row i lists {@code index[i][0..k)} by increasing
 * {@code (dist2, index)}, so ties in distance are broken by the smaller index, deterministically.
 * Memory N·k, never N².
 *
 * @param index neighbour ids of each point (never the point itself)
 * @param dist2 their squared Euclidean distances
 */
public record Neighbors(int[][] index, double[][] dist2) {
  public int numPoints() {
    return index.length;
  }

  public int k() {
    return index.length == 0 ? 0 : index[0].length;
  }
}
