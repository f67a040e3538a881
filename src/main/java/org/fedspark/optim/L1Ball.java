package org.fedspark.optim;

/**
 * Exact Euclidean projection onto the ℓ1 ball {@code {x : ‖x‖₁ ≤ t}}.
 *
 * <p>When {@code ‖v‖₁ > t} the projection is {@code x_i = sign(v_i)·max(|v_i| − θ, 0)}, where
 * {@code θ > 0} is the unique root of {@code Σ_i max(|v_i| − θ, 0) = t} (the KKT conditions of
 * {@code min ½‖x − v‖² s.t. ‖x‖₁ ≤ t}: the multiplier of the constraint is θ). So the whole problem is
 * finding θ, which is the projection of {@code |v|} onto the simplex of radius t. We find it with
 * Condat's algorithm (L. Condat, "Fast projection onto the simplex and the ℓ1 ball", Mathematical
 * Programming 158, 2016), observed linear time and no sorting; the classic sort-based method of Duchi,
 * Shalev-Shwartz, Singer and Chandra (ICML 2008) is O(n log n) and serves as the independent check in
 * the tests.
 */
public final class L1Ball {
  private L1Ball() {}

  /**
   * The threshold θ of the projection of {@code v[off, off+len)} onto the ℓ1 ball of radius t: the
   * root of {@code Σ max(|v_i| − θ, 0) = t} when {@code ‖v‖₁ > t}, and 0 when v is already inside
   * the ball (then the projection is v itself).
   *
   * @param work scratch of at least {@code len} doubles (its contents are overwritten), so the hot path
   *     does not allocate
   * @throws IllegalArgumentException if t is negative or not finite or v holds a NaN or infinity
   */
  public static double threshold(double[] v, int off, int len, double t, double[] work) {
    checkRadius(t);
    double l1 = 0;
    for (int i = 0; i < len; i++) {
      l1 += Math.abs(v[off + i]);
    }
    if (!Double.isFinite(l1)) {
      throw new IllegalArgumentException("the vector holds a NaN or infinite entry");
    }
    if (l1 <= t) {
      return 0;
    }
    if (t == 0) {
      double max = 0;
      for (int i = 0; i < len; i++) {
        max = Math.max(max, Math.abs(v[off + i]));
      }
      return max;
    }
    if (work.length < len) {
      throw new IllegalArgumentException("work has " + work.length + " doubles, needs " + len);
    }
    return condat(v, off, len, t, work);
  }

  /** Allocating convenience form of {@link #threshold(double[], int, int, double, double[])}. */
  public static double threshold(double[] v, double t) {
    return threshold(v, 0, v.length, t, new double[v.length]);
  }

  /**
   * Writes the projection of {@code v[off, off+len)} onto the ℓ1 ball of radius t into
   * {@code out[outOff, outOff+len)} (which may be the same slice as v).
   */
  public static void project(double[] v, int off, int len, double t, double[] out, int outOff, double[] work) {
    double theta = threshold(v, off, len, t, work);
    if (theta == 0) {
      if (out != v || outOff != off) {
        System.arraycopy(v, off, out, outOff, len);
      }
      return;
    }
    for (int i = 0; i < len; i++) {
      double x = v[off + i];
      double m = Math.abs(x) - theta;
      out[outOff + i] = m > 0 ? Math.copySign(m, x) : 0.0;
    }
  }

  /** Allocating convenience form: a new array holding the projection of v. */
  public static double[] project(double[] v, double t) {
    double[] out = new double[v.length];
    project(v, 0, v.length, t, out, 0, new double[v.length]);
    return out;
  }

  static void checkRadius(double t) {
    if (!(t >= 0) || Double.isInfinite(t)) {
      throw new IllegalArgumentException("radius must be finite and >= 0, got " + t);
    }
  }

  /**
   * Condat's algorithm (the compact single-buffer form of his reference implementation) on
   * {@code y_i = |v_i|}, radius {@code a > 0}, assuming {@code Σ y_i > a}. It keeps a running
   * candidate set whose mean-based threshold {@code ρ = (Σ_{candidates} y − a)/|candidates|} only
   * increases, discards every value ≤ ρ, and stops when a pass discards nothing; the final ρ is θ.
   */
  private static double condat(double[] v, int off, int n, double a, double[] aux) {
    int base = 0;
    int len = 1;
    int lenOld = -1;
    aux[0] = Math.abs(v[off]);
    double tau = aux[0] - a;
    // Pass 1: one scan; elements pushed before the last reset are kept (aux[0, lenOld]) for pass 2.
    for (int i = 1; i < n; i++) {
      double y = Math.abs(v[off + i]);
      if (y > tau) {
        aux[len] = y;
        tau += (y - tau) / (len - lenOld);
        if (tau <= y - a) {
          tau = y - a;
          lenOld = len - 1;
        }
        len++;
      }
    }
    // Pass 2: re-admit the set-aside values that still exceed ρ (written just below the active list).
    if (lenOld >= 0) {
      lenOld++;
      len -= lenOld;
      base = lenOld;
      while (--lenOld >= 0) {
        double y = aux[lenOld];
        if (y > tau) {
          aux[--base] = y;
          len++;
          tau += (y - tau) / len;
        }
      }
    }
    // Pass 3: drop values ≤ ρ until none is dropped.
    do {
      lenOld = len - 1;
      len = 0;
      for (int i = 0; i <= lenOld; i++) {
        double y = aux[base + i];
        if (y > tau) {
          aux[base + len++] = y;
        } else {
          tau += (tau - y) / (lenOld - i + len);
        }
      }
    } while (len <= lenOld);
    return tau;
  }
}
