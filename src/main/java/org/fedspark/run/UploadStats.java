package org.fedspark.run;

import java.util.Arrays;
import org.fedspark.codec.CoordinateOrder;
import org.fedspark.codec.Message;

/**
 * The shape of one decoded upload, over all its vectors: values sent, distinct values, and runs of
 * equal consecutive values (in wire order). A piecewise-constant update has few of both; these are
 * what its codec's size depends on.
 */
record UploadStats(long values, long distinct, long runs) {
  static final UploadStats NONE = new UploadStats(0, 0, 0);

  static UploadStats of(Message m, CoordinateOrder order) {
    long values = m.scalars().size();
    int total = 0;
    for (double[] v : m.vectors().values()) {
      total += v.length;
    }
    double[] all = new double[total];
    long runs = 0;
    int at = 0;
    for (var e : m.vectors().entrySet()) {
      double[] v = order != null && order.appliesTo(e.getKey(), e.getValue().length) ? order.toWire(e.getValue()) : e.getValue();
      for (int i = 0; i < v.length; i++) {
        if (i == 0 || Double.compare(v[i], v[i - 1]) != 0) {
          runs++;
        }
      }
      System.arraycopy(v, 0, all, at, v.length);
      at += v.length;
    }
    Arrays.sort(all);
    long distinct = 0;
    for (int i = 0; i < all.length; i++) {
      if (i == 0 || Double.compare(all[i], all[i - 1]) != 0) {
        distinct++;
      }
    }
    return new UploadStats(values + total, distinct, runs);
  }
}
