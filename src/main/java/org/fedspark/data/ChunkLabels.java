package org.fedspark.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.TreeSet;

/**
 * What the driver collects of one chunk to split the data into clients: each row's class (−1 for an
 * unusable row) and, with a client column, each row's client as an index into the chunk's own sorted
 * dictionary. Never the features.
 */
final class ChunkLabels implements Serializable {
  private static final long serialVersionUID = 1L;

  final RowChunk.Key key;
  final int[] classes;
  /** Sorted distinct client ids of the chunk's usable rows; null without a client column. */
  final String[] clientNames;
  /** Index into {@link #clientNames} per row (−1 for an unusable row); null without a client column. */
  final int[] clientCodes;
  /** With the dataset's own split: 1 for a test row, 0 otherwise; null when fedspark draws the split. */
  final byte[] testRows;
  final int bad;
  /** First unusable row of the chunk (−1 if none) and why. */
  final int firstBad;
  final String firstBadReason;

  private ChunkLabels(RowChunk.Key key, int[] classes, String[] clientNames, int[] clientCodes, int bad, int firstBad,
      String firstBadReason, byte[] testRows) {
    this.key = key;
    this.testRows = testRows;
    this.classes = classes;
    this.clientNames = clientNames;
    this.clientCodes = clientCodes;
    this.bad = bad;
    this.firstBad = firstBad;
    this.firstBadReason = firstBadReason;
  }

  /**
   * @param clientColumn name of the client column, or null when clients come from a partitioner
   */
  static ChunkLabels of(RowChunk chunk, LabelRule rule, String clientColumn) {
    return of(chunk, rule, clientColumn, null);
  }

  /**
   * @param ownSplit the dataset's own split, or null; a row whose split value is neither the train nor
   *     the test value is unusable (a bad row, like an out-of-range label)
   */
  static ChunkLabels of(RowChunk chunk, LabelRule rule, String clientColumn, DataSpec.OwnSplit ownSplit) {
    int n = chunk.size();
    byte[] testRows = ownSplit == null ? null : new byte[n];
    int[] classes = new int[n];
    int bad = 0;
    int firstBad = -1;
    String firstReason = null;
    for (int i = 0; i < n; i++) {
      String problem = rule.problem(chunk.labels[i], chunk.features[i]);
      if (problem == null && clientColumn != null && (chunk.clients == null || chunk.clients[i] == null)) {
        problem = "client column '" + clientColumn + "' is empty";
      }
      if (problem == null && ownSplit != null) {
        int code = ownSplit.codeOf(chunk.splits == null ? null : chunk.splits[i]);
        if (code < 0) {
          String v = chunk.splits == null ? null : chunk.splits[i];
          problem = "split column '" + ownSplit.column() + "' is " + (v == null ? "empty" : "'" + v + "'")
              + ", expected '" + ownSplit.trainValue() + "' or '" + ownSplit.testValue()
              + "' (data.split-train, data.split-test)";
        } else {
          testRows[i] = (byte) code;
        }
      }
      if (problem == null) {
        classes[i] = rule.classOf(chunk.labels[i]);
      } else {
        classes[i] = -1;
        if (bad++ == 0) {
          firstBad = i;
          firstReason = problem;
        }
      }
    }
    if (clientColumn == null) {
      return new ChunkLabels(chunk.key, classes, null, null, bad, firstBad, firstReason, testRows);
    }
    TreeSet<String> distinct = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      if (classes[i] >= 0) {
        distinct.add(chunk.clients[i]);
      }
    }
    String[] names = distinct.toArray(new String[0]);
    int[] codes = new int[n];
    for (int i = 0; i < n; i++) {
      codes[i] = classes[i] >= 0 ? Arrays.binarySearch(names, chunk.clients[i]) : -1;
    }
    return new ChunkLabels(chunk.key, classes, names, codes, bad, firstBad, firstReason, testRows);
  }
}
