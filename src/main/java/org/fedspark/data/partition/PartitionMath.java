package org.fedspark.data.partition;

import java.util.Arrays;
import java.util.PriorityQueue;

/** Small deterministic building blocks shared by the partitioners. */
final class PartitionMath {
  private PartitionMath() {}

  static void checkArguments(int[] labels, int numClasses, int numClients) {
    if (numClients <= 0) {
      throw new IllegalArgumentException("need at least one client, got " + numClients);
    }
    if (numClasses <= 0) {
      throw new IllegalArgumentException("need at least one class, got " + numClasses);
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        throw new IllegalArgumentException("label " + labels[i] + " of example " + i + " is outside [0, "
            + numClasses + ")");
      }
    }
  }

  /** Example indices grouped by class, ascending within a class (counting sort, O(n + K)). */
  static int[][] examplesByClass(int[] labels, int numClasses) {
    int[] counts = new int[numClasses];
    for (int y : labels) {
      counts[y]++;
    }
    int[][] byClass = new int[numClasses][];
    for (int k = 0; k < numClasses; k++) {
      byClass[k] = new int[counts[k]];
    }
    int[] fill = new int[numClasses];
    for (int i = 0; i < labels.length; i++) {
      byClass[labels[i]][fill[labels[i]]++] = i;
    }
    return byClass;
  }

  /**
   * Hamilton's largest-remainder apportionment: non-negative integers proportional to {@code weights}
   * that sum to exactly {@code total}; ties go to the lower index. O(k log k).
   */
  static int[] largestRemainder(double[] weights, int total) {
    int k = weights.length;
    double sum = 0;
    for (double w : weights) {
      if (!(w >= 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException("weights must be finite and non-negative, got " + w);
      }
      sum += w;
    }
    int[] out = new int[k];
    if (total == 0) {
      return out;
    }
    if (!(sum > 0)) {
      throw new IllegalArgumentException("weights sum to zero");
    }
    double[] remainder = new double[k];
    long given = 0;
    for (int i = 0; i < k; i++) {
      double quota = weights[i] / sum * total;
      out[i] = (int) Math.min(Math.floor(quota), total);
      remainder[i] = quota - out[i];
      given += out[i];
    }
    Integer[] order = new Integer[k];
    for (int i = 0; i < k; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> {
      int c = Double.compare(remainder[b], remainder[a]);
      return c != 0 ? c : Integer.compare(a, b);
    });
    // Rounding can leave given a little above or below total; settle it one unit at a time.
    for (int j = 0; given < total; j = (j + 1) % k) {
      out[order[j]]++;
      given++;
    }
    for (int j = k - 1; given > total; j = (j + k - 1) % k) {
      if (out[order[j]] > 0) {
        out[order[j]]--;
        given--;
      }
    }
    return out;
  }

  /** Gives {@code order[pos, pos+sizes[c])} to client c, consecutively, for every client. */
  static int[] assignBlocks(int[] order, int[] sizes) {
    int[] clientOf = new int[order.length];
    int pos = 0;
    for (int c = 0; c < sizes.length; c++) {
      for (int j = 0; j < sizes[c]; j++) {
        clientOf[order[pos++]] = c;
      }
    }
    if (pos != order.length) {
      throw new IllegalStateException("block sizes cover " + pos + " of " + order.length + " examples");
    }
    return clientOf;
  }

  /**
   * Guarantees every client {@code min(minimum, n / N)} examples by moving examples, one at a time,
   * from the currently largest client (lowest id on ties) to each client below that size. Which example
   * moves is the donor's last one in index order. Deterministic, O((n + moves) log N), and it always
   * succeeds: while a client is below the floor, the largest is above it (pigeonhole), so each move
   * shrinks the deficit. Why: Dirichlet label skew with a small concentration leaves many clients
   * with no examples at all; resampling until none is empty (as several public implementations do)
   * may never end.
   */
  static void ensureMinimumSize(int[] clientOf, int numClients, int minimum) {
    int n = clientOf.length;
    int floor = (int) Math.min(minimum, n / numClients);
    if (floor <= 0) {
      return;
    }
    int[] sizes = new int[numClients];
    for (int c : clientOf) {
      sizes[c]++;
    }
    boolean anyShort = false;
    for (int s : sizes) {
      anyShort |= s < floor;
    }
    if (!anyShort) {
      return;
    }
    // Members of each client, ascending (counting sort), used as stacks: the donor gives its last one.
    // A receiver's stack is not updated: receivers stop at the floor and donors are always above it.
    int[][] members = new int[numClients][];
    for (int c = 0; c < numClients; c++) {
      members[c] = new int[sizes[c]];
    }
    int[] fill = new int[numClients];
    for (int i = 0; i < n; i++) {
      members[clientOf[i]][fill[clientOf[i]]++] = i;
    }
    // Max-heap of (size, id) snapshots; a snapshot whose size is no longer the client's is stale and
    // skipped, so entries are never mutated inside the heap.
    PriorityQueue<int[]> largest = new PriorityQueue<>((a, b) -> {
      int c = Integer.compare(b[0], a[0]);
      return c != 0 ? c : Integer.compare(a[1], b[1]);
    });
    for (int c = 0; c < numClients; c++) {
      largest.add(new int[] {fill[c], c});
    }
    for (int c = 0; c < numClients; c++) {
      while (fill[c] < floor) {
        int[] top = largest.poll();
        int donor = top[1];
        if (top[0] != fill[donor]) {
          continue;
        }
        if (fill[donor] <= floor) {
          throw new IllegalStateException("no client above " + floor + " examples to donate");
        }
        int example = members[donor][--fill[donor]];
        clientOf[example] = c;
        fill[c]++;
        largest.add(new int[] {fill[donor], donor});
      }
    }
  }
}
