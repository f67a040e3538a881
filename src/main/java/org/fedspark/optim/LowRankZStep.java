package org.fedspark.optim;

/**
 * The server-side step of the low-rank alternative to graph fusion: the clients' personal parts are
 * asked to share a low-dimensional subspace through the nuclear norm (Recht, Fazel and Parrilo, SIAM
 * Review 2010) instead of being pulled towards their graph neighbours,
 *
 * <pre>
 *   Z⁺ = argmin_Z  ⟨G, Z⟩ + (1/(2η))·‖Z − Z_t‖²_F + λ·‖Z‖_*  = SVT_{ηλ}(Z_t − η·G).
 * </pre>
 *
 * The closed form follows by completing the square: {@code ⟨G, Z⟩ + (1/(2η))‖Z − Z_t‖² = (1/(2η))‖Z −
 * (Z_t − ηG)‖² + const}, so Z⁺ is the prox of {@code ηλ‖·‖_*} at {@code Z_t − ηG}, which is singular
 * value thresholding (Cai, Candès and Shen, SIAM J. Optimization 2010). Z is {@code d₂ × N} with d₂
 * small (about 100), so the exact SVD ({@link Svt#exact}, LAPACK {@code dgesdd}) costs
 * {@code O(d₂²·N)} and is used whatever the size: no randomized approximation is needed.
 */
public final class LowRankZStep {
  private LowRankZStep() {}

  /**
   * @param g the scaled gradients, row-major {@code d₂ × N}
   * @param zt the current personal parts, row-major {@code d₂ × N}
   * @param d2 rows d₂
   * @param n columns N (clients)
   * @param eta the step η > 0
   * @param lambda λ ≥ 0
   * @return the thresholded matrix in factored form (kept rank, factors); {@link Svt.Result#toArray()}
   *     gives Z⁺
   */
  public static Svt.Result solve(double[] g, double[] zt, int d2, int n, double eta, double lambda) {
    if (g.length != (long) d2 * n || zt.length != (long) d2 * n) {
      throw new IllegalArgumentException("G and Z_t must hold d2 × N = " + (long) d2 * n + " entries, got "
          + g.length + " and " + zt.length);
    }
    if (!(eta > 0) || Double.isInfinite(eta)) {
      throw new IllegalArgumentException("eta must be finite and > 0, got " + eta);
    }
    Prox.checkThreshold(lambda);
    double[] x = new double[zt.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = zt[i] - eta * g[i];
      if (!Double.isFinite(x[i])) {
        throw new IllegalArgumentException("Z_t − ηG is " + x[i] + " at index " + i + " (G = " + g[i]
            + ", Z_t = " + zt[i] + ")");
      }
    }
    return Svt.exact(x, 0, d2, n, eta * lambda);
  }
}
