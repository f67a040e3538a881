package org.fedspark.data;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Driver-side decision of which example goes to which final client: applies the
 * {@link DataSpec#emptyClients()} policy to a raw assignment. Under {@code DROP} the clients left
 * without a training example are removed and the others renumbered {@code 0 … N'−1} in their original
 * order, so the result is deterministic.
 *
 * @param clientOf final client of each example, or −1 for an example that is not used
 * @param numClients number of final clients
 * @param rawIdOf the raw client id of each final client (they differ once empty clients are dropped),
 *     so that client names can follow the renumbering
 */
record ClientPlan(int[] clientOf, int numClients, int[] rawIdOf) {
  private static final Logger LOG = LoggerFactory.getLogger(ClientPlan.class);

  /**
   * @param clientOf raw client of each example in {@code [0, numClients)}, or −1 for a dropped example
   * @param howSplit how the clients were formed, for the error message (e.g. "dirichlet(0.1)")
   */
  static ClientPlan of(int[] clientOf, int numClients, double testFraction, DataSpec.Policy emptyClients,
      String howSplit) {
    return of(clientOf, numClients, testFraction, null, emptyClients, howSplit);
  }

  /**
   * @param testRows with the dataset's own split, 1 for each test example and 0 for each training one
   *     (a client's training count is then its number of training rows); null when fedspark draws each
   *     client's split with {@code testFraction}
   */
  static ClientPlan of(int[] clientOf, int numClients, double testFraction, byte[] testRows,
      DataSpec.Policy emptyClients, String howSplit) {
    int[] counts = new int[numClients];
    int[] trainCounts = new int[numClients];
    for (int i = 0; i < clientOf.length; i++) {
      int c = clientOf[i];
      if (c >= 0) {
        counts[c]++;
        trainCounts[c] += testRows != null && testRows[i] == 1 ? 0 : 1;
      }
    }
    List<Integer> empty = new ArrayList<>();
    boolean[] keep = new boolean[numClients];
    for (int c = 0; c < numClients; c++) {
      int train = testRows != null ? trainCounts[c] : TrainTestSplit.trainCount(counts[c], testFraction);
      keep[c] = train > 0;
      if (!keep[c]) {
        empty.add(c);
      }
    }
    if (empty.isEmpty()) {
      return new ClientPlan(clientOf, numClients, identity(numClients));
    }
    if (empty.size() == numClients) {
      throw new DataException("no client has a training example: the data has no usable "
          + (testRows != null ? "training " : "") + "rows");
    }
    if (emptyClients == DataSpec.Policy.ERROR) {
      throw new DataException(empty.size() + " of " + numClients + " clients have no training example ("
          + howSplit + "; first ones: " + empty.subList(0, Math.min(10, empty.size())) + "). Use fewer clients"
          + " (partition.clients), another partition (e.g. a larger partition.dirichlet-alpha or iid), or set"
          + " data.empty-clients=drop to drop them and renumber the rest.");
    }
    int[] newId = new int[numClients];
    int[] rawIdOf = new int[numClients - empty.size()];
    int next = 0;
    for (int c = 0; c < numClients; c++) {
      if (keep[c]) {
        rawIdOf[next] = c;
        newId[c] = next++;
      } else {
        newId[c] = -1;
      }
    }
    int[] renumbered = new int[clientOf.length];
    for (int i = 0; i < clientOf.length; i++) {
      renumbered[i] = clientOf[i] >= 0 ? newId[clientOf[i]] : -1;
    }
    LOG.warn("Dropped {} of {} clients that had no training example ({}); {} clients remain, renumbered 0..{}",
        empty.size(), numClients, howSplit, next, next - 1);
    return new ClientPlan(renumbered, next, rawIdOf);
  }

  private static int[] identity(int n) {
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = i;
    }
    return ids;
  }

  /** Examples per final client. */
  int[] counts() {
    int[] counts = new int[numClients];
    for (int c : clientOf) {
      if (c >= 0) {
        counts[c]++;
      }
    }
    return counts;
  }
}
