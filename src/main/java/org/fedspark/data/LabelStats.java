package org.fedspark.data;

import java.io.Serializable;

/**
 * What the driver needs to know about all labels and feature widths before it can judge a single row:
 * whether the labels are the binary −1/+1 kind, the largest class id, and the widest feature vector.
 * Mergeable, so it is computed per chunk on the executors and combined on the driver.
 */
final class LabelStats implements Serializable {
  private static final long serialVersionUID = 1L;

  long rows;
  boolean hasMinusOne;
  /** Finite integer labels other than −1 and +1. */
  long otherIntegers;
  /** Largest integer label in {@code [0, LabelRule.MAX_CLASSES)}, −1 if none. */
  int maxClass = -1;
  /** Widest feature vector (rows with missing features excluded). */
  int maxWidth;
  /** Largest finite |feature value|. */
  double maxAbsFeature;

  void add(double label, double[] features) {
    rows++;
    if (LabelRule.isInteger(label)) {
      if (label == -1) {
        hasMinusOne = true;
      } else if (label != 1) {
        otherIntegers++;
      }
      if (label >= 0 && label < LabelRule.MAX_CLASSES) {
        maxClass = Math.max(maxClass, (int) label);
      }
    }
    if (features != null) {
      maxWidth = Math.max(maxWidth, features.length);
      for (double v : features) {
        if (Math.abs(v) > maxAbsFeature && Double.isFinite(v)) {
          maxAbsFeature = Math.abs(v);
        }
      }
    }
  }

  LabelStats merge(LabelStats o) {
    LabelStats m = new LabelStats();
    m.rows = rows + o.rows;
    m.hasMinusOne = hasMinusOne || o.hasMinusOne;
    m.otherIntegers = otherIntegers + o.otherIntegers;
    m.maxClass = Math.max(maxClass, o.maxClass);
    m.maxWidth = Math.max(maxWidth, o.maxWidth);
    m.maxAbsFeature = Math.max(maxAbsFeature, o.maxAbsFeature);
    return m;
  }

  /** True when every integer label is −1 or +1 and −1 occurs: the libsvm convention for binary data. */
  boolean plusMinusOne() {
    return hasMinusOne && otherIntegers == 0;
  }
}
