package org.fedspark.codec.tv;

/**
 * The client side of the communication-efficient update: from the current model x_t and a stochastic
 * gradient g, v = argmin_y ⟨g, y⟩ + γ‖Λ(y − x_t)‖₁ + ‖y − x_t‖²/(2η) and the uploaded update is
 * ∇ = (x_t − v)/η. Substituting y = x_t − ηw gives, up to a constant and the factor η,
 *
 * <pre>  ∇ = argmin_w ½‖w − g‖² + γ‖Λw‖₁,</pre>
 *
 * the end-pinned TV denoising of g with weight γ: it does not depend on η (nor on x_t), and it is
 * piecewise constant. It is exactly zero iff max_k |Σ_{i≤k} g_i| ≤ γ (docs/lambda-update.md); that
 * test is applied first, in the same floating-point prefix sums, so the zero decision is exact.
 *
 * <p>FedAvg-style algorithms that only have the local model change Δ = x_local − x_t use g := −Δ/η
 * ({@link #fromDelta}); there η matters.
 *
 * <p>Not thread-safe (the solvers reuse scratch); use one instance per task.
 */
public final class LambdaUpdate {
  /** Which solver computes the denoising. */
  public enum Solver {
    /** {@link TvDenoise}: exact, O(d). */
    EXACT,
    /** {@link TvAdmm}: iterative, with the given options. */
    ADMM
  }

  private final Solver solver;
  private final TvDenoise exact = new TvDenoise();
  private final TvAdmm admm;
  private TvAdmm.Report lastReport;

  private LambdaUpdate(Solver solver, TvAdmm.Options options) {
    this.solver = solver;
    this.admm = options == null ? null : new TvAdmm(options);
  }

  /** The exact solver. */
  public static LambdaUpdate exact() {
    return new LambdaUpdate(Solver.EXACT, null);
  }

  /** ADMM with the given penalty, iteration cap and tolerance. */
  public static LambdaUpdate admm(TvAdmm.Options options) {
    return new LambdaUpdate(Solver.ADMM, java.util.Objects.requireNonNull(options, "options"));
  }

  public Solver solver() {
    return solver;
  }

  /** The ADMM's report of the last nonzero update, or null (exact solver, or no ADMM run yet). */
  public TvAdmm.Report lastReport() {
    return lastReport;
  }

  /**
   * ∇ = argmin_w ½‖w − g‖² + γ‖Λw‖₁ into {@code out} (may alias {@code g}); returns out.
   *
   * @throws IllegalArgumentException if g has a NaN or ∞, or γ is not finite and ≥ 0
   */
  public double[] fromGradient(double[] g, double gamma, double[] out) {
    Finite.require(g, "g");
    Finite.requireNonNegative(gamma, "gamma");
    if (out.length != g.length) {
      throw new IllegalArgumentException("out has length " + out.length + ", g has " + g.length);
    }
    if (maxAbsPrefixSum(g) <= gamma) {
      java.util.Arrays.fill(out, 0.0);
      return out;
    }
    if (solver == Solver.EXACT || gamma == 0) {
      return exact.pinned(g, gamma, out);
    }
    lastReport = admm.solve(g, gamma, out);
    return out;
  }

  /**
   * The update for a local model change Δ after local steps of size η: g := −Δ/η, then
   * {@link #fromGradient}. Returns out (may alias {@code delta}).
   */
  public double[] fromDelta(double[] delta, double eta, double gamma, double[] out) {
    Finite.require(delta, "delta");
    Finite.requirePositive(eta, "eta");
    if (out.length != delta.length) {
      throw new IllegalArgumentException("out has length " + out.length + ", delta has " + delta.length);
    }
    for (int i = 0; i < delta.length; i++) {
      out[i] = -delta[i] / eta;
    }
    return fromGradient(out, gamma, out);
  }

  /** max_k |Σ_{i≤k} g_i|: the smallest γ for which the update vanishes. */
  public static double maxAbsPrefixSum(double[] g) {
    double sum = 0;
    double max = 0;
    for (double v : g) {
      sum += v;
      max = Math.max(max, Math.abs(sum));
    }
    return max;
  }
}
