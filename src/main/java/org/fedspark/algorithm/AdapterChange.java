package org.fedspark.algorithm;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fedspark.client.ClientMetric;
import org.fedspark.model.Adapters;
import org.fedspark.model.Composition;
import org.fedspark.model.ParamBlock;
import org.fedspark.model.ParamLayout;

/**
 * How much a client's local training moved the LoRA factors A and B in direction and in magnitude, the
 * measurement behind FedLoRA-Optimizer's split of the work (Zhao et al., "FedLoRA-Optimizer: Federated
 * LoRA Fine-Tuning with Global and Local Optimization in Heterogeneous Data Scenarios", arXiv
 * 2510.11274, 2025), after DoRA's weight-decomposition analysis (Liu et al., ICML 2024, §3): for each
 * vector x_u of a factor (a row, or a column with {@code model.lora.axis = cols}), from x_u before to
 * x_u' after the round's local training,
 *
 * <pre>
 *   direction change  ΔD = mean_u (1 − ⟨x_u, x_u'⟩ / (‖x_u‖·‖x_u'‖))      over the u with both norms > 0
 *   magnitude change  ΔM = mean_u | ‖x_u'‖ − ‖x_u‖ |
 * </pre>
 *
 * pooled over the vectors of every adapted block, separately for A and for B. A factor split into
 * magnitude and direction is measured on its value {@code m_u·v_u/‖v_u‖}: its norm is |m_u| and its
 * direction sign(m_u)·v_u, so a magnitude that changes sign turns the vector around (1 − cos = 2) even
 * with its direction block frozen. A vector that did not change counts 0 exactly (not the rounding of
 * 1 − cos of equal vectors). A vector that is 0 before or
 * after (every row of B in round 1, since B starts at 0) has no direction and is left out of ΔD; if
 * none is left, ΔD is undefined (an empty cell). The engine averages the clients' values over the
 * round's participants.
 */
final class AdapterChange {
  static final String A_DIR = "lora_A_dir_change";
  static final String A_MAG = "lora_A_mag_change";
  static final String B_DIR = "lora_B_dir_change";
  static final String B_MAG = "lora_B_mag_change";

  private AdapterChange() {}

  /** The four columns, for a client whose split has adapters; none otherwise. */
  static List<ClientMetric> metrics(ParamSplit split) {
    if (split.adapters().isEmpty()) {
      return List.of();
    }
    return List.of(
        ClientMetric.mean(A_DIR, "mean 1 − cosine between each vector of LoRA's A before and after local training"),
        ClientMetric.mean(A_MAG, "mean absolute change of the norm of each vector of LoRA's A in local training"),
        ClientMetric.mean(B_DIR, "mean 1 − cosine between each vector of LoRA's B before and after local training"),
        ClientMetric.mean(B_MAG, "mean absolute change of the norm of each vector of LoRA's B in local training"));
  }

  /**
   * The four values for stored parameters {@code before} and {@code after}; empty without adapters, when
   * {@code before} is not read (and may be null).
   */
  static Map<String, Double> of(ParamSplit split, double[] before, double[] after) {
    Map<String, Double> out = new LinkedHashMap<>();
    Adapters ad = split.adapters();
    if (ad.isEmpty()) {
      return out;
    }
    double[] a = change(split.layout(), ad, Adapters.A, ad.decomposeA(), before, after);
    double[] b = change(split.layout(), ad, Adapters.B, ad.decomposeB(), before, after);
    out.put(A_DIR, a[0]);
    out.put(A_MAG, a[1]);
    out.put(B_DIR, b[0]);
    out.put(B_MAG, b[1]);
    return out;
  }

  /** {ΔD, ΔM} of one factor over every adapted block; NaN where undefined. */
  static double[] change(ParamLayout layout, Adapters ad, String factor, boolean decomposed, double[] before,
      double[] after) {
    double dirSum = 0;
    long dirCount = 0;
    double magSum = 0;
    long magCount = 0;
    for (String w : ad.blocks()) {
      double[][] x0 = factor(layout, w + factor, decomposed, ad.axis(), before);
      double[][] x1 = factor(layout, w + factor, decomposed, ad.axis(), after);
      if (x0 == null || x1 == null) {
        return new double[] {Double.NaN, Double.NaN};
      }
      for (int u = 0; u < x0.length; u++) {
        int n = x0[u].length - 1;
        double m0 = x0[u][n];
        double m1 = x1[u][n];
        boolean same = Arrays.equals(x0[u], x1[u]);
        magSum += same ? 0 : Math.abs(m1 - m0);
        magCount++;
        if (m0 > 0 && m1 > 0) {
          double dot = 0;
          for (int k = 0; k < n; k++) {
            dot += x0[u][k] * x1[u][k];
          }
          // ≥ 0 exactly: no −1 ulp for a vector that kept its direction
          dirSum += same ? 0 : Math.max(0, 1 - dot / (norm(x0[u], n) * norm(x1[u], n)));
          dirCount++;
        }
      }
    }
    return new double[] {dirCount == 0 ? Double.NaN : dirSum / dirCount, magCount == 0 ? Double.NaN : magSum / magCount};
  }

  /**
   * The vectors (units along {@code axis}) of factor block {@code name}'s value in {@code theta}, each
   * as a direction (any positive multiple) followed by its norm, or null when the factor is stored in
   * another form (e.g. made additive by a block role). A plain factor's vector x_u gives (x_u, ‖x_u‖); a
   * split one gives (sign(m_u)·v_u, |m_u|), or a zero direction when v_u or m_u is 0.
   */
  static double[][] factor(ParamLayout layout, String name, boolean decomposed, Composition.Axis axis, double[] theta) {
    if (!decomposed) {
      ParamBlock x = find(layout, name);
      if (x == null) {
        return null;
      }
      double[][] v = units(theta, x.offset(), x.rows(), x.cols(), axis);
      for (double[] unit : v) {
        unit[unit.length - 1] = norm(unit, unit.length - 1);
      }
      return v;
    }
    ParamBlock mag = find(layout, name + Adapters.MAG);
    ParamBlock dir = find(layout, name + Adapters.DIR);
    if (mag == null || dir == null) {
      return null;
    }
    double[][] v = units(theta, dir.offset(), dir.rows(), dir.cols(), axis);
    for (int u = 0; u < v.length; u++) {
      double m = theta[mag.offset() + u];
      boolean zero = m == 0 || norm(v[u], v[u].length - 1) == 0;
      for (int k = 0; k < v[u].length - 1; k++) {
        v[u][k] = zero ? 0 : Math.signum(m) * v[u][k];
      }
      v[u][v[u].length - 1] = zero ? 0 : Math.abs(m);
    }
    return v;
  }

  private static ParamBlock find(ParamLayout layout, String name) {
    for (ParamBlock b : layout.blocks()) {
      if (b.name().equals(name)) {
        return b;
      }
    }
    return null;
  }

  /**
   * The rows (or columns) of the row-major {@code rows × cols} block at {@code offset}, each with one
   * more slot at the end for its norm.
   */
  private static double[][] units(double[] theta, int offset, int rows, int cols, Composition.Axis axis) {
    boolean byRow = axis == Composition.Axis.ROWS;
    double[][] out = new double[byRow ? rows : cols][(byRow ? cols : rows) + 1];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        double v = theta[offset + i * cols + j];
        if (byRow) {
          out[i][j] = v;
        } else {
          out[j][i] = v;
        }
      }
    }
    return out;
  }

  /** The Euclidean norm of {@code v[0, n)}. */
  private static double norm(double[] v, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += v[i] * v[i];
    }
    return Math.sqrt(s);
  }
}
