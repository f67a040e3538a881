package org.fedspark.optim;

/**
 * Proximal maps of vector norms, {@code prox_{t‖·‖_p}(v) = argmin_x ½‖x − v‖₂² + t‖x‖_p}, for
 * {@code p = 1, 2, ∞}, on a slice {@code v[off, off+len)} of an array, written in place or into an
 * output slice (which may alias the input). They are the building blocks of group-sparse and
 * graph-fused penalties: with {@code p = 2} and {@code p = ∞} they are the updates of the edge
 * variables in Network Lasso (Hallac, Leskovec and Boyd, KDD 2015) and of group lasso, with {@code p =
 * 1} the lasso's soft threshold.
 *
 * <p>All three follow from one fact: x is the prox iff {@code (v − x)/t ∈ ∂‖x‖_p}, i.e. iff {@code ‖v −
 * x‖_q ≤ t} and {@code ⟨v − x, x⟩ = t‖x‖_p}, with q the dual exponent ({@code 1/p + 1/q = 1}). See
 * {@code docs/optim.md}.
 *
 * <p><b>A formula that is not general.</b> For {@code p = 2} the prox is {@code (1 − t/‖v‖₂)₊·v}. It is
 * tempting to write the same shrinkage with the dual norm for other p, {@code (1 − t/‖v‖_q)₊·v}; that
 * is correct only for {@code p = 2} (where {@code q = p = 2}). For other p the prox is not a rescaling
 * of v at all: for {@code p = 1} it zeroes small coordinates and shifts the others, and for {@code p =
 * ∞} it clips the largest coordinates to a common level (below).
 *
 * <p>Every method rejects a NaN or infinite input or threshold with {@link IllegalArgumentException}:
 * a NaN would otherwise silently pass through comparisons ({@code NaN > t} is false) and be returned
 * as a plausible 0.
 */
public final class Prox {
  private Prox() {}

  /**
   * {@code p = 1}: the soft threshold {@code x_i = sign(v_i)·max(|v_i| − t, 0)} (Donoho, IEEE Trans.
   * Inf. Theory 1995), coordinate by coordinate since {@code ‖·‖₁} is separable.
   */
  public static void softThreshold(double[] v, int off, int len, double t, double[] out, int outOff) {
    checkThreshold(t);
    for (int i = 0; i < len; i++) {
      double x = v[off + i];
      if (!Double.isFinite(x)) { // checked in the same pass; the output slice is then left partly written
        throw new IllegalArgumentException("entry " + i + " of the vector is " + x);
      }
      double m = Math.abs(x) - t;
      out[outOff + i] = m > 0 ? Math.copySign(m, x) : 0.0;
    }
  }

  /** In-place {@link #softThreshold(double[], int, int, double, double[], int)}. */
  public static void softThreshold(double[] v, int off, int len, double t) {
    softThreshold(v, off, len, t, v, off);
  }

  /**
   * {@code p = 2}: the block soft threshold {@code x = max(1 − t/‖v‖₂, 0)·v}: the ℓ2 norm only sees the
   * length of v, so the prox keeps the direction and shrinks the length by t, to 0 if {@code ‖v‖₂ ≤
   * t}. The norm is computed with scaling (as BLAS {@code dnrm2}) so that it neither overflows nor
   * underflows.
   */
  public static void blockSoftThreshold(double[] v, int off, int len, double t, double[] out, int outOff) {
    checkThreshold(t);
    checkFinite(v, off, len);
    double norm = norm2(v, off, len);
    double scale = norm > t ? 1 - t / norm : 0.0;
    for (int i = 0; i < len; i++) {
      out[outOff + i] = scale * v[off + i];
    }
  }

  /** In-place {@link #blockSoftThreshold(double[], int, int, double, double[], int)}. */
  public static void blockSoftThreshold(double[] v, int off, int len, double t) {
    blockSoftThreshold(v, off, len, t, v, off);
  }

  /**
   * {@code p = ∞}: by the Moreau decomposition {@code v = prox_{t‖·‖_∞}(v) + proj_{‖·‖₁ ≤ t}(v)} (the
   * ℓ1 ball of radius t is the unit ball of the dual norm scaled by t, and the prox of a norm's
   * conjugate is the projection onto that ball), so {@code x = v − proj_{‖·‖₁ ≤ t}(v)}. Written out:
   * 0 when {@code ‖v‖₁ ≤ t}, else {@code x_i = sign(v_i)·min(|v_i|, θ)}, the coordinates clipped at the
   * projection's threshold θ ({@link L1Ball#threshold}), so the largest entries are pulled down to a
   * common magnitude θ. Exact; linear time (Condat 2016).
   *
   * @param work scratch of at least {@code len} doubles, so the hot path does not allocate
   */
  public static void linfProx(double[] v, int off, int len, double t, double[] out, int outOff, double[] work) {
    checkThreshold(t);
    if (t == 0) {
      checkFinite(v, off, len);
      if (out != v || outOff != off) {
        System.arraycopy(v, off, out, outOff, len);
      }
      return;
    }
    double theta = L1Ball.threshold(v, off, len, t, work);
    if (theta == 0) { // ‖v‖₁ ≤ t: v is its own projection, the prox is 0
      java.util.Arrays.fill(out, outOff, outOff + len, 0.0);
      return;
    }
    for (int i = 0; i < len; i++) {
      double x = v[off + i];
      out[outOff + i] = Math.abs(x) > theta ? Math.copySign(theta, x) : x;
    }
  }

  /** In-place {@link #linfProx(double[], int, int, double, double[], int, double[])}. */
  public static void linfProx(double[] v, int off, int len, double t, double[] work) {
    linfProx(v, off, len, t, v, off, work);
  }

  /**
   * The prox of {@code t‖·‖_p} for {@code p ∈ {1, 2, ∞}} (pass {@link Double#POSITIVE_INFINITY} for
   * ∞), into a new array: convenient outside hot loops.
   */
  public static double[] prox(double[] v, double p, double t) {
    double[] out = new double[v.length];
    if (p == 1) {
      softThreshold(v, 0, v.length, t, out, 0);
    } else if (p == 2) {
      blockSoftThreshold(v, 0, v.length, t, out, 0);
    } else if (p == Double.POSITIVE_INFINITY) {
      linfProx(v, 0, v.length, t, out, 0, new double[v.length]);
    } else {
      throw new IllegalArgumentException("p must be 1, 2 or infinity, got " + p);
    }
    return out;
  }

  /** ‖v[off, off+len)‖₂ with the scaling of LAPACK's {@code dlassq}: no overflow for huge entries. */
  static double norm2(double[] v, int off, int len) {
    double scale = 0;
    for (int i = 0; i < len; i++) {
      scale = Math.max(scale, Math.abs(v[off + i]));
    }
    if (scale == 0 || Double.isInfinite(scale)) {
      return scale;
    }
    double s = 0;
    for (int i = 0; i < len; i++) {
      double r = v[off + i] / scale;
      s += r * r;
    }
    return scale * Math.sqrt(s);
  }

  static void checkThreshold(double t) {
    if (!(t >= 0) || Double.isInfinite(t)) {
      throw new IllegalArgumentException("threshold must be finite and >= 0, got " + t);
    }
  }

  static void checkFinite(double[] v, int off, int len) {
    for (int i = 0; i < len; i++) {
      if (!Double.isFinite(v[off + i])) {
        throw new IllegalArgumentException("entry " + i + " of the vector is " + v[off + i]);
      }
    }
  }
}
