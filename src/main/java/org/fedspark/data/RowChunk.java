package org.fedspark.data;

import java.io.Serializable;
import java.util.Comparator;
import java.util.Objects;

/**
 * Up to {@link ChunkReader#CHUNK_ROWS} consecutive rows of one input split, in file order. The key
 * (file, split start, chunk number) orders chunks as the rows stand in the files, whatever Spark
 * partition a split landed in; that order is what makes row indices reproducible.
 */
final class RowChunk implements Serializable {
  private static final long serialVersionUID = 1L;

  final Key key;
  /** Raw labels; NaN for a missing one. */
  final double[] labels;
  /** Dense features of each row; null for a row with a missing value. */
  final double[][] features;
  /** Client of each row (natural partition), null entries for missing ids; null without a client column. */
  final String[] clients;
  /** Each row's value of the dataset's own split column; null when fedspark draws the split. */
  final String[] splits;

  RowChunk(Key key, double[] labels, double[][] features, String[] clients) {
    this(key, labels, features, clients, null);
  }

  RowChunk(Key key, double[] labels, double[][] features, String[] clients, String[] splits) {
    this.key = key;
    this.labels = labels;
    this.features = features;
    this.clients = clients;
    this.splits = splits;
  }

  int size() {
    return labels.length;
  }

  /** Where a chunk sits in the input: file, byte offset of its split, chunk number inside the split. */
  static final class Key implements Serializable, Comparable<Key> {
    private static final long serialVersionUID = 1L;
    private static final Comparator<Key> ORDER = Comparator.comparing((Key k) -> k.file)
        .thenComparingLong(k -> k.splitStart).thenComparingInt(k -> k.chunk);

    final String file;
    final long splitStart;
    final int chunk;

    Key(String file, long splitStart, int chunk) {
      this.file = file;
      this.splitStart = splitStart;
      this.chunk = chunk;
    }

    @Override
    public int compareTo(Key o) {
      return ORDER.compare(this, o);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.file.equals(file) && k.splitStart == splitStart && k.chunk == chunk;
    }

    @Override
    public int hashCode() {
      return Objects.hash(file, splitStart, chunk);
    }

    @Override
    public String toString() {
      return file + "@" + splitStart + "#" + chunk;
    }
  }
}
