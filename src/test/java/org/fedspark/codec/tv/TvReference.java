package org.fedspark.codec.tv;

/**
 * Independent reference computations for the TV problems, written straight from the definitions in
 * {@code docs/lambda-update.md} and sharing no code with the solvers under test.
 *
 * <p>Duality used throughout: λ‖Λu‖₁ = max_{|s|∞ ≤ λ} ⟨s, Λu⟩, so for any feasible s the primal
 * objective P(u) = ½‖u − a‖² + λ‖Λu‖₁ is bounded below by D(s) = ⟨a, Λᵀs⟩ − ½‖Λᵀs‖² (minimize
 * ½‖u − a‖² + ⟨Λᵀs, u⟩ over u at u = a − Λᵀs). P(u) − D(s) ≥ P(u) − P(u*) ≥ ½‖u − u*‖² (P is
 * 1-strongly convex), so a small gap certifies u without trusting whoever produced s.
 */
final class TvReference {
  private TvReference() {}

  /** (Λu)_i = u_i − u_{i+1} for i &lt; d, (Λu)_d = u_d. */
  static double[] lambdaTimes(double[] u) {
    int d = u.length;
    double[] r = new double[d];
    for (int i = 0; i < d - 1; i++) {
      r[i] = u[i] - u[i + 1];
    }
    r[d - 1] = u[d - 1];
    return r;
  }

  /** (Λᵀs)_j = s_j − s_{j−1}, s_0 = 0. */
  static double[] lambdaTransposeTimes(double[] s) {
    double[] r = new double[s.length];
    for (int j = 0; j < s.length; j++) {
      r[j] = s[j] - (j > 0 ? s[j - 1] : 0);
    }
    return r;
  }

  /** P(u) = ½‖u − a‖² + λ(Σ|u_i − u_{i+1}| + [pinned] |u_d|). */
  static double objective(double[] a, double lambda, double[] u, boolean pinned) {
    double f = 0;
    for (int i = 0; i < a.length; i++) {
      f += 0.5 * (u[i] - a[i]) * (u[i] - a[i]);
      if (i + 1 < a.length) {
        f += lambda * Math.abs(u[i] - u[i + 1]);
      }
    }
    return pinned ? f + lambda * Math.abs(u[a.length - 1]) : f;
  }

  /**
   * Maximizes the dual D(s) over the box |s_i| ≤ λ by cyclic coordinate ascent, each coordinate
   * maximized exactly (a one-dimensional concave quadratic, clamped to the box). For the plain problem
   * s_d is fixed at 0 (no |u_d| term). Runs until a full sweep moves no coordinate by more than
   * {@code 1e-17·scale} or {@code maxSweeps} is reached; the caller judges the result by the duality
   * gap, so an unconverged s can only make a test fail, never pass.
   */
  static double[] dualByCoordinateAscent(double[] a, double lambda, boolean pinned, int maxSweeps) {
    int d = a.length;
    double[] s = new double[d];
    double scale = lambda;
    for (double v : a) {
      scale = Math.max(scale, Math.abs(v));
    }
    int free = pinned ? d : d - 1;
    for (int sweep = 0; sweep < maxSweeps; sweep++) {
      double moved = 0;
      for (int i = 0; i < free; i++) {
        double prev = i > 0 ? s[i - 1] : 0;
        double v;
        if (i < d - 1) {
          // ‖a − Λᵀs‖² holds s_i in (a_i − s_i + s_{i−1})² + (a_{i+1} − s_{i+1} + s_i)².
          v = 0.5 * (a[i] - a[i + 1] + prev + s[i + 1]);
        } else {
          v = a[i] + prev; // only (a_d − s_d + s_{d−1})²
        }
        v = Math.max(-lambda, Math.min(lambda, v));
        moved = Math.max(moved, Math.abs(v - s[i]));
        s[i] = v;
      }
      if (moved <= 1e-17 * scale) {
        break;
      }
    }
    return s;
  }

  /** D(s) = ⟨a, Λᵀs⟩ − ½‖Λᵀs‖². */
  static double dualObjective(double[] a, double[] s) {
    double[] t = lambdaTransposeTimes(s);
    double f = 0;
    for (int i = 0; i < a.length; i++) {
      f += a[i] * t[i] - 0.5 * t[i] * t[i];
    }
    return f;
  }

  /**
   * The dual certificate of a primal point: a − u = Λᵀs gives s_k = Σ_{i≤k}(a_i − u_i), summed with
   * Neumaier compensation so the test's own rounding stays far below the solver's.
   */
  static double[] dualOf(double[] a, double[] u) {
    double[] s = new double[a.length];
    double sum = 0;
    double comp = 0;
    for (int i = 0; i < a.length; i++) {
      double x = a[i] - u[i];
      double t = sum + x;
      comp += Math.abs(sum) >= Math.abs(x) ? (sum - t) + x : (x - t) + sum;
      sum = t;
      s[i] = sum + comp;
    }
    return s;
  }

  /**
   * Largest violation of the optimality conditions a − u = Λᵀs, s ∈ λ∂‖·‖₁(Λu): |s_i| ≤ λ everywhere
   * and s_i = λ·sign((Λu)_i) where (Λu)_i ≠ 0. For the plain problem the last condition is s_d = 0
   * (the mean is preserved).
   */
  static double kktViolation(double[] a, double lambda, double[] u, boolean pinned) {
    double[] s = dualOf(a, u);
    double[] r = lambdaTimes(u);
    int d = a.length;
    double worst = 0;
    for (int i = 0; i < d; i++) {
      if (i == d - 1 && !pinned) {
        worst = Math.max(worst, Math.abs(s[i]));
        continue;
      }
      worst = Math.max(worst, Math.abs(s[i]) - lambda);
      if (r[i] != 0) {
        worst = Math.max(worst, Math.abs(s[i] - lambda * Math.signum(r[i])));
      }
    }
    return worst;
  }
}
