package org.fedspark.data;

import java.io.Serializable;

/**
 * One client's examples as a dense row-major matrix: row i is {@code features[i·d, (i+1)·d)} and its
 * class is {@code labels[i]} in {@code [0, numClasses)}. Dense and contiguous so that a minibatch is a
 * BLAS matrix (dgemm) without boxing or per-element loops.
 */
public final class LocalDataset implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double[] features;
  private final int[] labels;
  private final int numFeatures;

  public LocalDataset(double[] features, int[] labels, int numFeatures) {
    if (numFeatures <= 0) {
      throw new IllegalArgumentException("numFeatures must be positive, got " + numFeatures);
    }
    if ((long) labels.length * numFeatures != features.length) {
      throw new IllegalArgumentException("features has " + features.length + " values, expected "
          + labels.length + " rows x " + numFeatures + " features");
    }
    this.features = features;
    this.labels = labels;
    this.numFeatures = numFeatures;
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

  /** Row-major feature matrix (not copied: treat as read-only). */
  public double[] features() {
    return features;
  }

  /** Labels (not copied: treat as read-only). */
  public int[] labels() {
    return labels;
  }

  public int label(int row) {
    return labels[row];
  }

  /** Copies the selected rows, in the given order, into a new dataset. */
  public LocalDataset select(int[] rows) {
    double[] f = new double[rows.length * numFeatures];
    int[] l = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(features, rows[i] * numFeatures, f, i * numFeatures, numFeatures);
      l[i] = labels[rows[i]];
    }
    return new LocalDataset(f, l, numFeatures);
  }

  /**
   * Copies rows {@code order[from, from+n)} into {@code xOut} (row-major) and {@code yOut}: how a
   * minibatch is gathered into one contiguous BLAS operand.
   */
  public void gather(int[] order, int from, int n, double[] xOut, int[] yOut) {
    for (int i = 0; i < n; i++) {
      int r = order[from + i];
      System.arraycopy(features, r * numFeatures, xOut, i * numFeatures, numFeatures);
      yOut[i] = labels[r];
    }
  }
}
