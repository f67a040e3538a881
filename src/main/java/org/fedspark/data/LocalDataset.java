package org.fedspark.data;

import java.io.Serializable;

/**
 * One client's examples as a row-major matrix: row i is {@code features[i·d, (i+1)·d)} and its class
 * is {@code labels[i]} in {@code [0, numClasses)}. Rows are handed to a model as contiguous doubles
 * ({@link #gather}, {@link #rows}) so that a minibatch is a BLAS matrix (dgemm) without boxing or
 * per-element calls.
 *
 * <p>Two storages, the same values. <b>Dense</b>: the doubles themselves. <b>Coded</b>
 * ({@link #coded}): when every feature takes one of at most 256 values, as an image's pixels do, one
 * byte per feature indexes a table of those values. Fashion-MNIST's 70,000 images then take 55 MB
 * instead of 440 MB, and building a client costs a byte copy (or, as a view, none) instead of
 * allocating, filling and (for the collector) promoting its doubles; gathering a minibatch looks each value up, which yields
 * exactly the doubles the dense storage would hold.
 *
 * <p>A coded dataset may also be a <b>view</b> of rows of a larger table ({@link #codedRows}): Fashion-MNIST's
 * clients all read the one pooled table the driver read, so building 100 clients copies no pixel,
 * and the collector does not have to copy 55 MB of client arrays into the old generation in the first
 * rounds (on a local master that was 0.24-0.38 s of pauses per run). A view is made compact when it is serialized
 * ({@link #writeReplace}), so a spilled or shipped client carries its own rows only, and it tells
 * Spark's memory accounting its own share ({@link #estimatedSize}), not the whole table's.
 */
public final class LocalDataset implements Serializable, org.apache.spark.util.KnownSizeEstimation {
  private static final long serialVersionUID = 2L;

  /** Dense storage, or null when coded. */
  private final double[] features;
  /** Coded storage: one code per feature, and the value of each code; both null when dense. */
  private final byte[] codes;
  private final double[] levels;
  private final int[] labels;
  private final int numFeatures;
  /** Coded views only: row i is row {@code rowIndex[i]} of {@code codes}; null when row i is row i. */
  private final int[] rowIndex;

  public LocalDataset(double[] features, int[] labels, int numFeatures) {
    this(features, null, null, labels, numFeatures);
    if ((long) labels.length * numFeatures != features.length) {
      throw new IllegalArgumentException("features has " + features.length + " values, expected "
          + labels.length + " rows x " + numFeatures + " features");
    }
  }

  private LocalDataset(double[] features, byte[] codes, double[] levels, int[] labels, int numFeatures) {
    this(features, codes, levels, labels, numFeatures, null);
  }

  private LocalDataset(double[] features, byte[] codes, double[] levels, int[] labels, int numFeatures,
      int[] rowIndex) {
    if (numFeatures <= 0) {
      throw new IllegalArgumentException("numFeatures must be positive, got " + numFeatures);
    }
    this.features = features;
    this.codes = codes;
    this.levels = levels;
    this.labels = labels;
    this.numFeatures = numFeatures;
    this.rowIndex = rowIndex;
  }

  /**
   * A dataset whose feature {@code k} of row {@code i} is {@code levels[codes[i·d + k] & 0xff]}.
   *
   * @param levels the value of each code (at most 256; not copied, treat as read-only)
   */
  public static LocalDataset coded(byte[] codes, double[] levels, int[] labels, int numFeatures) {
    if ((long) labels.length * numFeatures != codes.length) {
      throw new IllegalArgumentException("codes has " + codes.length + " values, expected "
          + labels.length + " rows x " + numFeatures + " features");
    }
    if (levels.length > 256) {
      throw new IllegalArgumentException("a byte code indexes at most 256 levels, got " + levels.length);
    }
    return new LocalDataset(null, codes, levels, labels, numFeatures);
  }

  /**
   * A view of rows of a coded table, not copied: row {@code i} is row {@code rows[i]} of {@code table}
   * (the row-major codes of {@code table.length / numFeatures} rows), with class {@code labels[i]}.
   * The table must not change while the view lives (it is shared, e.g. by every client of a run).
   */
  public static LocalDataset codedRows(byte[] table, int[] rows, double[] levels, int[] labels, int numFeatures) {
    if (rows.length != labels.length) {
      throw new IllegalArgumentException(rows.length + " rows but " + labels.length + " labels");
    }
    if (levels.length > 256) {
      throw new IllegalArgumentException("a byte code indexes at most 256 levels, got " + levels.length);
    }
    if (numFeatures <= 0 || table.length % numFeatures != 0) {
      throw new IllegalArgumentException("a table of " + table.length + " codes has no whole rows of " + numFeatures);
    }
    int tableRows = table.length / numFeatures;
    for (int r : rows) {
      if (r < 0 || r >= tableRows) {
        throw new IllegalArgumentException("row " + r + " outside the table's " + tableRows + " rows");
      }
    }
    return new LocalDataset(null, table, levels, labels, numFeatures, rows);
  }

  /** An empty dataset with the given width. */
  public static LocalDataset empty(int numFeatures) {
    return new LocalDataset(new double[0], new int[0], numFeatures);
  }

  public int size() {
    return labels.length;
  }

  public int numFeatures() {
    return numFeatures;
  }

  /** Whether the features are stored as byte codes ({@link #coded}). */
  public boolean isCoded() {
    return codes != null;
  }

  /**
   * Row-major feature matrix: the stored array of a dense dataset (not copied: treat as read-only),
   * a new array of a coded one (prefer {@link #rows} or {@link #gather} in loops).
   */
  public double[] features() {
    if (codes == null) {
      return features;
    }
    double[] out = new double[size() * numFeatures];
    rows(0, size(), out);
    return out;
  }

  /** Labels (not copied: treat as read-only). */
  public int[] labels() {
    return labels;
  }

  public int label(int row) {
    return labels[row];
  }

  /**
   * The selected rows, in the given order, as a new dataset of the same storage: copied, except from a
   * view, whose selection is a view of the same table.
   */
  public LocalDataset select(int[] rows) {
    int[] l = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      l[i] = labels[rows[i]];
    }
    if (rowIndex != null) {
      int[] r = new int[rows.length];
      for (int i = 0; i < rows.length; i++) {
        r[i] = rowIndex[rows[i]];
      }
      return new LocalDataset(null, codes, levels, l, numFeatures, r);
    }
    if (codes != null) {
      byte[] c = new byte[rows.length * numFeatures];
      for (int i = 0; i < rows.length; i++) {
        System.arraycopy(codes, rows[i] * numFeatures, c, i * numFeatures, numFeatures);
      }
      return new LocalDataset(null, c, levels, l, numFeatures);
    }
    double[] f = new double[rows.length * numFeatures];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(features, rows[i] * numFeatures, f, i * numFeatures, numFeatures);
    }
    return new LocalDataset(f, l, numFeatures);
  }

  /** Copies rows {@code [from, from+n)} into {@code xOut} (row-major, from offset 0). */
  public void rows(int from, int n, double[] xOut) {
    int d = numFeatures;
    if (codes == null) {
      System.arraycopy(features, from * d, xOut, 0, n * d);
    } else if (rowIndex == null) {
      decode(from * d, (from + n) * d, xOut, 0);
    } else {
      for (int i = 0; i < n; i++) {
        int src = rowIndex[from + i] * d;
        decode(src, src + d, xOut, i * d);
      }
    }
  }

  /**
   * Looks codes {@code [src, end)} up into {@code xOut} from {@code dst}: eight at a time, because the
   * launcher runs the JVM with its C1 compiler only (bin/fedspark), which does not unroll loops; a
   * round gathers every training example of every sampled client through here, and the unrolled loop
   * took 0.25 ms per 560-image client epoch against 0.39 ms.
   */
  private void decode(int src, int end, double[] xOut, int dst) {
    byte[] c = codes;
    double[] v = levels;
    int i = src;
    int o = dst;
    for (; i + 8 <= end; i += 8, o += 8) {
      xOut[o] = v[c[i] & 0xff];
      xOut[o + 1] = v[c[i + 1] & 0xff];
      xOut[o + 2] = v[c[i + 2] & 0xff];
      xOut[o + 3] = v[c[i + 3] & 0xff];
      xOut[o + 4] = v[c[i + 4] & 0xff];
      xOut[o + 5] = v[c[i + 5] & 0xff];
      xOut[o + 6] = v[c[i + 6] & 0xff];
      xOut[o + 7] = v[c[i + 7] & 0xff];
    }
    for (; i < end; i++, o++) {
      xOut[o] = v[c[i] & 0xff];
    }
  }

  /**
   * Copies rows {@code order[from, from+n)} into {@code xOut} (row-major) and {@code yOut}: how a
   * minibatch is gathered into one contiguous BLAS operand.
   */
  public void gather(int[] order, int from, int n, double[] xOut, int[] yOut) {
    int d = numFeatures;
    for (int i = 0; i < n; i++) {
      int r = order[from + i];
      if (codes == null) {
        System.arraycopy(features, r * d, xOut, i * d, d);
      } else {
        int src = (rowIndex == null ? r : rowIndex[r]) * d;
        decode(src, src + d, xOut, i * d);
      }
      yOut[i] = labels[r];
    }
  }

  /** Whether this is a view of a larger table ({@link #codedRows}). */
  boolean isView() {
    return rowIndex != null;
  }

  /**
   * Serialization writes a view as a compact coded dataset of its own rows (same values), so that a
   * client written to disk or sent elsewhere does not carry the whole shared table.
   */
  private Object writeReplace() {
    if (rowIndex == null) {
      return this;
    }
    int d = numFeatures;
    byte[] own = new byte[rowIndex.length * d];
    for (int i = 0; i < rowIndex.length; i++) {
      System.arraycopy(codes, rowIndex[i] * d, own, i * d, d);
    }
    return new LocalDataset(null, own, levels, labels, d);
  }

  /**
   * The bytes this dataset accounts for, for Spark's memory store (which reads it instead of walking the
   * fields): a view counts its own rows of the shared table, not the table, which would otherwise be
   * counted once per cached partition (64 times over on a 64-partition run). Arrays are counted with
   * a 16-byte header; the shared levels table is a 2 KB constant.
   */
  @Override
  public long estimatedSize() {
    long rows = labels.length;
    long bytes = 48 + 16 + 4 * rows;
    if (codes == null) {
      bytes += 16 + 8L * features.length;
    } else {
      bytes += 16 + rows * numFeatures + 16 + 8L * levels.length;
      if (rowIndex != null) {
        bytes += 16 + 4 * rows;
      }
    }
    return bytes;
  }
}
