package org.fedspark.codec.tv;

/**
 * Exact 1-D total-variation (fused lasso) denoising in O(d) time, by the dynamic programming of
 * N. A. Johnson, "A dynamic programming algorithm for the fused lasso and L0-segmentation",
 * J. Comput. Graph. Stat. 22(2), 2013. Two problems, with weight λ ≥ 0:
 *
 * <pre>
 *   plain:  u* = argmin_u ½‖u − a‖² + λ Σ_{i&lt;d} |u_i − u_{i+1}|
 *   pinned: u* = argmin_u ½‖u − a‖² + λ (Σ_{i&lt;d} |u_i − u_{i+1}| + |u_d|) = ½‖u − a‖² + λ‖Λu‖₁
 * </pre>
 *
 * <p>Why dynamic programming: with F_1(b) = ½(b − a_1)² and F_{k+1}(b) = ½(b − a_{k+1})² +
 * min_c [F_k(c) + λ|b − c|], every F_k is convex with a continuous, piecewise linear, strictly
 * increasing derivative. The inner minimum has derivative clamp(F_k′, −λ, λ), so its minimizer is
 * c = clamp(b, t⁻_k, t⁺_k) where F_k′(t^∓_k) = ∓λ. The derivative is kept as a deque of knots; each
 * step scans in from both ends, drops the knots it passes (they fall in the clamped region) and adds
 * one knot at each end, so the total work is O(d). The last value is the minimizer of F_d (plain) or
 * of F_d(b) + λ|b| (pinned), then u_k = clamp(u_{k+1}, t⁻_k, t⁺_k) backwards. The pinned end is
 * therefore exact: the minimizer of F_d + λ|·| is clamp(0, t⁻_d, t⁺_d), the same back-tracking rule
 * with a fictitious u_{d+1} = 0 (derivation: {@code docs/lambda-update.md}).
 *
 * <p>An instance keeps O(d) scratch (5 arrays) and reuses it across calls; it is not thread-safe.
 * Output may alias the input (in-place denoising).
 */
public final class TvDenoise {
  /** Knot positions of the derivative, a deque stored in [left, right] of arrays of length 2d. */
  private double[] knot = new double[0];
  /** Change of the derivative's slope when crossing a knot from left to right. */
  private double[] slopeJump = new double[0];
  /** Change of the derivative's intercept when crossing a knot from left to right. */
  private double[] interceptJump = new double[0];
  /** t⁻_k: where F_k′ = −λ. */
  private double[] lower = new double[0];
  /** t⁺_k: where F_k′ = +λ. */
  private double[] upper = new double[0];

  /** Solves the pinned problem min ½‖u − a‖² + λ‖Λu‖₁ into {@code out} (may be {@code a}); returns out. */
  public double[] pinned(double[] a, double lambda, double[] out) {
    return solve(a, lambda, out, true);
  }

  /** Solves the plain problem min ½‖u − a‖² + λ Σ|u_i − u_{i+1}| into {@code out}; returns out. */
  public double[] plain(double[] a, double lambda, double[] out) {
    return solve(a, lambda, out, false);
  }

  private double[] solve(double[] a, double lambda, double[] out, boolean pinEnd) {
    Finite.requireNonNegative(lambda, "lambda");
    Finite.require(a, "a");
    if (out.length != a.length) {
      throw new IllegalArgumentException("out has length " + out.length + ", a has " + a.length);
    }
    int n = a.length;
    if (n == 0) {
      return out;
    }
    if (lambda == 0 || (n == 1 && !pinEnd)) {
      System.arraycopy(a, 0, out, 0, n);
      return out;
    }
    ensureCapacity(n);
    double[] x = knot;
    double[] ds = slopeJump;
    double[] di = interceptJump;

    // k = 0 by hand: F_1′(b) = b − a_1 reaches ∓λ at a_1 ∓ λ; clamp(F_1′, −λ, λ) has two knots.
    lower[0] = a[0] - lambda;
    upper[0] = a[0] + lambda;
    int left = n - 1;
    int right = n;
    x[left] = lower[0];
    ds[left] = 1;
    di[left] = lambda - a[0];
    x[right] = upper[0];
    ds[right] = -1;
    di[right] = lambda + a[0];

    int lastStep = pinEnd ? n - 1 : n - 2;
    for (int k = 1; k <= lastStep; k++) {
      // F_k′(b) = (b − a_k) + clamp(F_{k−1}′(b), −λ, λ): on its leftmost piece b − a_k − λ.
      double slope = 1;
      double intercept = -a[k] - lambda;
      int j = left;
      while (j <= right && slope * x[j] + intercept <= -lambda) {
        slope += ds[j];
        intercept += di[j];
        j++;
      }
      double lo = (-lambda - intercept) / slope;
      left = j - 1;
      x[left] = lo;
      ds[left] = slope; // from the constant −λ (slope 0) to this piece
      di[left] = intercept + lambda;

      // Rightmost piece: b − a_k + λ; walk left while the derivative is still ≥ λ. The new left knot
      // (where it is −λ) is never passed, even if rounding blurs −λ and λ when λ is tiny.
      slope = 1;
      intercept = -a[k] + lambda;
      j = right;
      while (j > left && slope * x[j] + intercept >= lambda) {
        slope -= ds[j];
        intercept -= di[j];
        j--;
      }
      double hi = (lambda - intercept) / slope;
      right = j + 1;
      x[right] = hi;
      ds[right] = -slope; // from this piece to the constant +λ
      di[right] = lambda - intercept;

      lower[k] = lo;
      upper[k] = hi;
    }

    if (pinEnd) {
      // argmin F_d(b) + λ|b| = clamp(0, t⁻_d, t⁺_d).
      out[n - 1] = clamp(0.0, lower[n - 1], upper[n - 1]);
    } else {
      // argmin F_d: the zero of F_d′, scanning in from the left.
      double slope = 1;
      double intercept = -a[n - 1] - lambda;
      int j = left;
      while (j <= right && slope * x[j] + intercept <= 0) {
        slope += ds[j];
        intercept += di[j];
        j++;
      }
      out[n - 1] = -intercept / slope;
    }
    for (int k = n - 2; k >= 0; k--) {
      out[k] = clamp(out[k + 1], lower[k], upper[k]);
    }
    return out;
  }

  private static double clamp(double v, double lo, double hi) {
    return v < lo ? lo : (v > hi ? hi : v);
  }

  private void ensureCapacity(int n) {
    if (lower.length < n) {
      knot = new double[2 * n];
      slopeJump = new double[2 * n];
      interceptJump = new double[2 * n];
      lower = new double[n];
      upper = new double[n];
    }
  }
}
