package org.fedspark.run;

import org.fedspark.codec.CoordinateOrder;
import org.fedspark.codec.Message;

/**
 * The shape of one decoded upload, over all its vectors: values sent, distinct values, and runs of
 * equal consecutive values (in wire order). A piecewise-constant update has few of both; these are
 * what its codec's size depends on. Values are equal as {@link Double#compare} says: every NaN is one
 * value, and 0.0 and -0.0 are two.
 */
record UploadStats(long values, long distinct, long runs) {
  static final UploadStats NONE = new UploadStats(0, 0, 0);

  static UploadStats of(Message m, CoordinateOrder order) {
    long values = m.scalars().size();
    int total = 0;
    for (double[] v : m.vectors().values()) {
      total += v.length;
    }
    DistinctValues distinct = new DistinctValues(total);
    long runs = 0;
    for (var e : m.vectors().entrySet()) {
      double[] v = order != null && order.appliesTo(e.getKey(), e.getValue().length) ? order.toWire(e.getValue()) : e.getValue();
      for (int i = 0; i < v.length; i++) {
        if (i == 0 || Double.compare(v[i], v[i - 1]) != 0) {
          runs++;
        }
        distinct.add(v[i]);
      }
    }
    return new UploadStats(values + total, distinct.count(), runs);
  }
}
