package org.fedspark.data;

/**
 * Ground-truth groups of the sources that build clients in groups ({@code clustered},
 * {@code rotated-fashion-mnist}): client c belongs to group {@code c mod K}. Kept out of
 * {@link ClientData} and {@link DatasetInfo} on purpose: the group is a fact about how the data was
 * made, known to the driver from the spec alone, and only evaluation (e.g. the share of a similarity
 * graph's edges that join clients of the same group) may look at it; no algorithm is handed it.
 */
public final class ClientGroups {
  private ClientGroups() {}

  /** Group of client {@code clientId} among {@code groups} groups: {@code clientId mod groups}. */
  public static int groupOf(int clientId, int groups) {
    if (groups <= 0) {
      throw new IllegalArgumentException("number of groups must be positive, got " + groups);
    }
    return Math.floorMod(clientId, groups);
  }

  /**
   * The group of every client {@code 0 … numClients−1} of a federation loaded from {@code spec}, or
   * null when its source has no ground-truth groups.
   */
  public static int[] of(DataSpec spec, int numClients) {
    int k = switch (spec.source()) {
      case CLUSTERED -> spec.clustered().groups();
      case ROTATED_FASHION_MNIST -> spec.rotatedGroups();
      default -> 0;
    };
    if (k <= 0) {
      return null;
    }
    int[] g = new int[numClients];
    for (int c = 0; c < numClients; c++) {
      g[c] = groupOf(c, k);
    }
    return g;
  }
}
