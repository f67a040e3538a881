package org.fedspark.codec.tv;

/**
 * ADMM (Boyd, Parikh, Chu, Peleato, Eckstein, "Distributed optimization and statistical learning via
 * the alternating direction method of multipliers", Found. Trends Mach. Learn. 3(1), 2011) for the
 * pinned TV problem u* = argmin_u ½‖u − a‖² + λ‖Λu‖₁, i.e. of the client update
 * v = argmin_y ⟨g, y⟩ + γ‖Λ(y − x_t)‖₁ + ‖y − x_t‖²/(2η) with u = y − x_t, a = −ηg, λ = ηγ.
 *
 * <p>Split r = Λy in min ‖r − Λx_t‖₁ + ‖y − b‖²/(2ηγ), b = x_t − ηg, with multiplier ω and penalty ρ:
 *
 * <pre>
 *   r ← Λx_t + soft(Λy − ω/ρ − Λx_t, 1/ρ)
 *   y ← (I + ηγρ ΛᵀΛ)⁻¹ (b + ηγ Λᵀ(ω + ρr))
 *   ω ← ω + ρ(r − Λy)
 * </pre>
 *
 * This class runs the same iteration shifted by x_t (z = r − Λx_t, u = y − x_t), which removes x_t
 * exactly: z ← soft(Λu − ω/ρ, 1/ρ), u ← (I + λρΛᵀΛ)⁻¹(a + λΛᵀ(ω + ρz)), ω ← ω + ρ(z − Λu). Start:
 * u⁰ = a (y⁰ = b, the minimizer of the smooth part), ω⁰ = 0. Derivation: {@code docs/lambda-update.md}.
 *
 * <p>The penalty is given as the dimensionless κ = ρλ: scaling (a, λ) by c scales u* and z by c and
 * leaves ω unchanged, so ρ ∝ 1/λ makes the iterates scale-free, and the matrix I + κΛᵀΛ depends only on
 * (d, κ); its LDLᵀ factorization is computed once and cached for the next call with the same d and κ.
 *
 * <p>Stopping (Boyd et al. §3.3.1, with r the first block, A = I, B = −Λ): primal residual
 * ‖z − Λu‖ ≤ ε·max(‖z‖, ‖Λu‖) and dual residual ρ‖Λ(u^{k+1} − u^k)‖ ≤ ε·‖ω‖; with ε = 0 it runs
 * exactly {@code maxIterations}. When u* = 0 the relative primal test cannot be met and the iteration
 * cap applies; {@link LambdaUpdate} screens that case out beforehand.
 *
 * <p>One iteration is two O(d) sweeps. Not thread-safe (reuses O(d) scratch).
 */
public final class TvAdmm {
  /** Penalty κ = ρλ, iteration cap and relative tolerance ε (0: always run the cap). */
  public record Options(double kappa, int maxIterations, double tolerance) {
    public Options {
      Finite.requirePositive(kappa, "kappa");
      Finite.requireNonNegative(tolerance, "tolerance");
      if (maxIterations < 1) {
        throw new IllegalArgumentException("maxIterations is " + maxIterations + ", must be >= 1");
      }
    }

    /** Exactly {@code iterations} iterations. */
    public static Options fixed(double kappa, int iterations) {
      return new Options(kappa, iterations, 0);
    }
  }

  /** How a solve ended: iterations run and the final primal and dual residual norms. */
  public record Report(int iterations, double primalResidual, double dualResidual, boolean converged) {}

  private final Options options;
  private TridiagonalLdl factor;
  private double[] omega = new double[0];
  private double[] z = new double[0];
  private double[] previousLambdaU = new double[0];
  private double[] sweep = new double[0];
  private double[] target = new double[0];

  public TvAdmm(Options options) {
    this.options = options;
  }

  public Options options() {
    return options;
  }

  /**
   * Approximates argmin_u ½‖u − a‖² + λ‖Λu‖₁ into {@code out} (may alias {@code a}); λ &gt; 0.
   * Returns the stopping report.
   */
  public Report solve(double[] a, double lambda, double[] out) {
    return solve(a, lambda, out, null);
  }

  /**
   * Observer for convergence studies (tests, benchmarks): called after every iteration with its
   * number (from 1) and the current iterate u, which it must not modify; returning false stops.
   */
  public interface Monitor {
    boolean proceed(int iteration, double[] u);
  }

  /** As {@link #solve(double[], double, double[])}, reporting each iterate to {@code monitor} (nullable). */
  public Report solve(double[] a, double lambda, double[] out, Monitor monitor) {
    Finite.requirePositive(lambda, "lambda");
    Finite.require(a, "a");
    int d = a.length;
    if (out.length != d || d == 0) {
      throw new IllegalArgumentException("need equal nonzero lengths, got a " + d + ", out " + out.length);
    }
    prepare(d);
    double kappa = options.kappa();
    double rho = kappa / lambda;
    double threshold = 1 / rho;
    double eps = options.tolerance();
    double[] l = factor.multiplier;
    double[] invPivot = factor.inversePivot;
    // out may alias a, so a is copied to scratch before u = out is initialized to it.
    double[] rhsBase = target;
    System.arraycopy(a, 0, rhsBase, 0, d);
    double[] u = out;
    System.arraycopy(rhsBase, 0, u, 0, d);
    java.util.Arrays.fill(omega, 0, d, 0.0);

    double primal = Double.NaN;
    double dual = Double.NaN;
    int it = 0;
    while (it < options.maxIterations()) {
      it++;
      // Sweep 1 (i ascending): Λu, the z-step, the right-hand side a + λΛᵀ(ω + ρz), and the forward
      // substitution of L·w = rhs.
      double prevQ = 0;
      double w = 0;
      for (int i = 0; i < d; i++) {
        double lu = i < d - 1 ? u[i] - u[i + 1] : u[i];
        previousLambdaU[i] = lu;
        double zi = soft(lu - omega[i] / rho, threshold);
        z[i] = zi;
        double q = omega[i] + rho * zi;
        w = rhsBase[i] + lambda * (q - prevQ) - l[i] * w;
        sweep[i] = w;
        prevQ = q;
      }
      // Sweep 2 (i descending): back substitution Lᵀu = D⁻¹w, then the ω-step and the residuals.
      double next = 0;
      double primal2 = 0;
      double dual2 = 0;
      double z2 = 0;
      double lu2 = 0;
      double omega2 = 0;
      for (int i = d - 1; i >= 0; i--) {
        double ui = sweep[i] * invPivot[i] - (i < d - 1 ? l[i + 1] * next : 0);
        u[i] = ui;
        double lu = i < d - 1 ? ui - next : ui;
        double res = z[i] - lu;
        omega[i] += rho * res;
        double change = lu - previousLambdaU[i];
        primal2 += res * res;
        dual2 += change * change;
        z2 += z[i] * z[i];
        lu2 += lu * lu;
        omega2 += omega[i] * omega[i];
        next = ui;
      }
      primal = Math.sqrt(primal2);
      dual = rho * Math.sqrt(dual2);
      if (eps > 0 && primal <= eps * Math.sqrt(Math.max(z2, lu2)) && dual <= eps * Math.sqrt(omega2)) {
        return new Report(it, primal, dual, true);
      }
      if (monitor != null && !monitor.proceed(it, u)) {
        break;
      }
    }
    return new Report(it, primal, dual, eps == 0);
  }

  private static double soft(double v, double t) {
    return v > t ? v - t : (v < -t ? v + t : 0.0);
  }

  private void prepare(int d) {
    if (factor == null || factor.size() != d) {
      factor = TridiagonalLdl.shiftedLambdaGram(d, options.kappa());
    }
    if (omega.length < d) {
      omega = new double[d];
      z = new double[d];
      previousLambdaU = new double[d];
      sweep = new double[d];
      target = new double[d];
    }
  }
}
