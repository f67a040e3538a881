package org.fedspark.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Turns the frame of a {@link TabularFormat} into {@link RowChunk}s. Inside a Spark partition the rows
 * of one input split arrive together and in file order, so counting rows per (file, split start) gives
 * each row a position that does not depend on how splits were packed into partitions, or on the
 * split size: sorting chunks by key recovers the file order.
 */
final class ChunkReader {
  /** Rows per chunk: bounds the size of one record (a whole 128 MB split would be one otherwise). */
  static final int CHUNK_ROWS = 4096;

  private ChunkReader() {}

  static JavaRDD<RowChunk> chunks(Dataset<Row> frame) {
    return chunks(frame, false);
  }

  /** @param withSplit whether the frame has the dataset's own split column ({@link TabularFormat#SPLIT}) */
  static JavaRDD<RowChunk> chunks(Dataset<Row> frame, boolean withSplit) {
    return frame.javaRDD().mapPartitions(rows -> new ChunkIterator(rows, withSplit));
  }

  /** Lazily groups consecutive rows with the same (file, split start) into chunks. */
  private static final class ChunkIterator implements Iterator<RowChunk> {
    private final Iterator<Row> rows;
    private final boolean withSplit;
    private Row pending;
    private String file;
    private long splitStart = Long.MIN_VALUE;
    private int chunk;

    ChunkIterator(Iterator<Row> rows, boolean withSplit) {
      this.rows = rows;
      this.withSplit = withSplit;
      this.pending = rows.hasNext() ? rows.next() : null;
    }

    @Override
    public boolean hasNext() {
      return pending != null;
    }

    @Override
    public RowChunk next() {
      if (pending == null) {
        throw new NoSuchElementException();
      }
      String rowFile = pending.getString(TabularFormat.FILE);
      long rowStart = pending.getLong(TabularFormat.BLOCK_START);
      if (rowFile.equals(file) && rowStart == splitStart) {
        chunk++;
      } else {
        file = rowFile;
        splitStart = rowStart;
        chunk = 0;
      }
      List<Row> taken = new ArrayList<>();
      while (pending != null && taken.size() < CHUNK_ROWS
          && pending.getLong(TabularFormat.BLOCK_START) == splitStart
          && pending.getString(TabularFormat.FILE).equals(file)) {
        taken.add(pending);
        pending = rows.hasNext() ? rows.next() : null;
      }
      int n = taken.size();
      double[] labels = new double[n];
      double[][] features = new double[n][];
      boolean hasClient = false;
      String[] clients = new String[n];
      String[] splits = withSplit ? new String[n] : null;
      for (int i = 0; i < n; i++) {
        Row r = taken.get(i);
        labels[i] = r.isNullAt(TabularFormat.LABEL) ? Double.NaN : r.getDouble(TabularFormat.LABEL);
        clients[i] = r.isNullAt(TabularFormat.CLIENT) ? null : r.getString(TabularFormat.CLIENT);
        hasClient |= clients[i] != null;
        features[i] = features(r);
        if (withSplit) {
          splits[i] = r.isNullAt(TabularFormat.SPLIT) ? null : r.get(TabularFormat.SPLIT).toString();
        }
      }
      return new RowChunk(new RowChunk.Key(file, splitStart, chunk), labels, features, hasClient ? clients : null,
          splits);
    }

    /** Dense features of a row, or null when the value is missing or holds a null element. */
    private static double[] features(Row r) {
      if (r.isNullAt(TabularFormat.FEATURES)) {
        return null;
      }
      Object v = r.get(TabularFormat.FEATURES);
      if (v instanceof org.apache.spark.ml.linalg.Vector ml) {
        return ml.toArray();
      }
      if (v instanceof org.apache.spark.mllib.linalg.Vector old) {
        return old.toArray();
      }
      List<Object> list = r.getList(TabularFormat.FEATURES);
      double[] out = new double[list.size()];
      for (int j = 0; j < out.length; j++) {
        Object e = list.get(j);
        if (e == null) {
          return null;
        }
        out[j] = ((Number) e).doubleValue();
      }
      return out;
    }
  }
}
