package org.fedspark.data;

import java.io.Serializable;

/**
 * Decides, the same way on every executor, which class a raw label is and whether a row is usable:
 * labels must be integers in {@code [0, numClasses)} (binary −1/+1 data is mapped −1 → 0, +1 → 1), and
 * features must be present, {@code numFeatures} wide and finite.
 */
final class LabelRule implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Labels at or above this are rejected: class ids, not arbitrary numbers (bounds per-class arrays). */
  static final int MAX_CLASSES = 1 << 24;

  final boolean plusMinusOne;
  final int numClasses;
  final int numFeatures;
  private final String labelName;
  private final String[] featureNames;

  LabelRule(boolean plusMinusOne, int numClasses, int numFeatures, String labelName, String[] featureNames) {
    this.plusMinusOne = plusMinusOne;
    this.numClasses = numClasses;
    this.numFeatures = numFeatures;
    this.labelName = labelName;
    this.featureNames = featureNames;
  }

  /**
   * @param featureNames names of the feature columns for messages (CSV), or null to number them
   */
  static LabelRule decide(LabelStats stats, DataSpec spec, String labelName, String[] featureNames) {
    if (stats.rows == 0) {
      throw new DataException("data.path " + spec.path() + " holds no data rows");
    }
    boolean pm = stats.plusMinusOne();
    int numClasses;
    if (spec.numClasses() > 0) {
      numClasses = spec.numClasses();
    } else if (pm) {
      numClasses = 2;
    } else if (stats.maxClass >= 0) {
      numClasses = stats.maxClass + 1;
    } else {
      throw new DataException("no row of " + spec.path() + " has a usable label in column " + labelName
          + ": labels must be integer class ids 0, 1, … (or -1/+1)");
    }
    int numFeatures = spec.numFeatures() > 0 ? spec.numFeatures() : stats.maxWidth;
    if (numFeatures <= 0) {
      throw new DataException("no row of " + spec.path() + " has any feature: check data.features-column"
          + " (or, for libsvm, set data.num-features)");
    }
    return new LabelRule(pm, numClasses, numFeatures, labelName, featureNames);
  }

  static boolean isInteger(double v) {
    return Double.isFinite(v) && v == Math.rint(v) && Math.abs(v) <= Integer.MAX_VALUE;
  }

  /** The class of a raw label, or −1 if the label is not usable. */
  int classOf(double label) {
    if (!isInteger(label)) {
      return -1;
    }
    double c = plusMinusOne ? (label == -1 ? 0 : label == 1 ? 1 : -1) : label;
    return c >= 0 && c < numClasses && c < MAX_CLASSES ? (int) c : -1;
  }

  /** Why the row cannot be used, or null if it can. */
  String problem(double label, double[] features) {
    if (classOf(label) < 0) {
      return labelProblem(label);
    }
    if (features == null) {
      return "a feature value is missing (empty cell or null)";
    }
    if (features.length != numFeatures) {
      return "has " + features.length + " features, expected " + numFeatures;
    }
    for (int j = 0; j < features.length; j++) {
      if (!Double.isFinite(features[j])) {
        String name = featureNames != null && j < featureNames.length ? "column '" + featureNames[j] + "'"
            : "feature " + (j + 1);
        return name + " is " + features[j];
      }
    }
    return null;
  }

  private String labelProblem(double label) {
    String where = "label (" + labelName + ") ";
    if (Double.isNaN(label)) {
      return where + "is missing or NaN";
    }
    if (Double.isInfinite(label)) {
      return where + "is " + label;
    }
    if (label != Math.rint(label)) {
      return where + label + " is not an integer class id";
    }
    String text = Math.abs(label) < 1e15 ? Long.toString((long) label) : Double.toString(label);
    if (plusMinusOne) {
      return where + text + " is neither -1 nor +1";
    }
    if (label < 0) {
      return where + text + " is negative; class ids are 0 … " + (numClasses - 1);
    }
    if (label >= MAX_CLASSES) {
      return where + text + " is too large for a class id (limit " + MAX_CLASSES + ")";
    }
    return where + text + " is out of range: there are " + numClasses + " classes (data.num-classes)";
  }
}
