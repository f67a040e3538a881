package org.fedspark.data;

import java.io.Serializable;

/** One usable row on its way to its client: its global row index (file order), class and features. */
final class Example implements Serializable {
  private static final long serialVersionUID = 1L;

  final long index;
  final int label;
  final double[] features;
  /** A test row of the dataset's own split (always false when fedspark draws the split). */
  final boolean test;

  Example(long index, int label, double[] features) {
    this(index, label, features, false);
  }

  Example(long index, int label, double[] features, boolean test) {
    this.index = index;
    this.label = label;
    this.features = features;
    this.test = test;
  }
}
