package org.fedspark.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ADMM Z-step of graph-fused personalisation, checked without trusting the solver: the optimality
 * (KKT) conditions of the Z-subproblem evaluated with a dense incidence matrix built here, the optimal
 * value from a different algorithm (projected gradient on the dual), closed-form solutions, and the
 * warm start. Plus the closed-form low-rank alternative ({@link LowRankZStep}) against a matrix whose
 * SVD is known by construction.
 */
class GraphFusedZSolverTest {
  static final double INF = Double.POSITIVE_INFINITY;

  /**
   * Settings for "run to convergence": ADMM stops when both residuals are ≤ about 1e-12·√(size), and
   * each PCG solve to 1e-13 relative. ρ = 2.5 rather than 1 so that a misplaced ρ cannot go unnoticed.
   * The KKT residuals then come out ≈ 1e-11 (the stationarity residual is the dual residual plus the
   * PCG error over η); they are checked at 1e-9 on O(1) data.
   */
  static final GraphFusedZSolver.Options TIGHT = GraphFusedZSolver.Options.defaults()
      .withRho(2.5).withTolerances(1e-12, 1e-12).withMaxIterations(200_000).withLinearTolerance(1e-13);

  record Graph(int n, int[] from, int[] to, double[] w) {
    int m() {
      return from.length;
    }
  }

  /** A random spanning tree (so the graph is connected) plus {@code extra} random edges, weights in [0.2, 2). */
  static Graph randomGraph(SplittableRandom rng, int n, int extra) {
    int m = n - 1 + extra;
    int[] from = new int[m];
    int[] to = new int[m];
    double[] w = new double[m];
    for (int e = 0; e < m; e++) {
      if (e < n - 1) {
        from[e] = e + 1;
        to[e] = rng.nextInt(e + 1);
      } else {
        from[e] = rng.nextInt(n);
        do {
          to[e] = rng.nextInt(n);
        } while (to[e] == from[e]);
      }
      w[e] = 0.2 + 1.8 * rng.nextDouble();
    }
    return new Graph(n, from, to, w);
  }

  static double[] gaussian(SplittableRandom rng, int len) {
    double[] a = new double[len];
    for (int i = 0; i < len; i++) {
      a[i] = rng.nextGaussian();
    }
    return a;
  }

  /** Column m of Z·Q: {@code z(from) − z(to)}, Z row-major d₂ × N. */
  static double[] edgeDiff(double[] z, int d2, int n, Graph g, int e) {
    double[] d = new double[d2];
    for (int r = 0; r < d2; r++) {
      d[r] = z[r * n + g.from[e]] - z[r * n + g.to[e]];
    }
    return d;
  }

  static double pnorm(double[] v, double p) {
    double s = 0;
    for (double x : v) {
      s = p == 1 ? s + Math.abs(x) : p == 2 ? s + x * x : Math.max(s, Math.abs(x));
    }
    return p == 2 ? Math.sqrt(s) : s;
  }

  /** The dual norm ‖·‖_q, 1/p + 1/q = 1. */
  static double dualNorm(double[] v, double p) {
    return pnorm(v, p == 1 ? INF : p == 2 ? 2 : 1);
  }

  /** The Z-subproblem's objective {@code ⟨G, Z⟩ + ‖Z − Z_t‖²/(2η) + λ·Σ w_m‖Z q_m‖_p}, straight from its definition. */
  static double objective(double[] z, double[] g, double[] zt, double eta, Graph gr, int d2, double lambda, double p) {
    double s = 0;
    for (int i = 0; i < z.length; i++) {
      s += g[i] * z[i] + (z[i] - zt[i]) * (z[i] - zt[i]) / (2 * eta);
    }
    for (int e = 0; e < gr.m(); e++) {
      s += lambda * gr.w[e] * pnorm(edgeDiff(z, d2, gr.n, gr, e), p);
    }
    return s;
  }

  /** Dense incidence Q, row-major N × M: +1 at (from, m), −1 at (to, m). */
  static double[] incidence(Graph g) {
    double[] q = new double[g.n * g.m()];
    for (int e = 0; e < g.m(); e++) {
      q[g.from[e] * g.m() + e] += 1;
      q[g.to[e] * g.m() + e] -= 1;
    }
    return q;
  }

  /** {@code (Z − Z_t)/η + G + Ω·Qᵀ} with Ω edge-major (Ω_m contiguous), row-major d₂ × N. */
  static double[] stationarity(double[] z, double[] g, double[] zt, double eta, double[] omega, Graph gr, int d2) {
    double[] q = incidence(gr);
    int n = gr.n;
    int m = gr.m();
    double[] s = new double[d2 * n];
    for (int r = 0; r < d2; r++) {
      for (int i = 0; i < n; i++) {
        double v = (z[r * n + i] - zt[r * n + i]) / eta + g[r * n + i];
        for (int e = 0; e < m; e++) {
          v += omega[e * d2 + r] * q[i * m + e];
        }
        s[r * n + i] = v;
      }
    }
    return s;
  }

  /**
   * Checks the KKT conditions of the Z-subproblem at the returned Z with the solver's multiplier Ω as
   * certificate: stationarity {@code (Z − Z_t)/η + G + Σ_m Ω_m q_mᵀ = 0}, and {@code Ω_m ∈ λ w_m ∂‖Z
   * q_m‖_p}, i.e. {@code ‖Ω_m‖_q ≤ λ w_m} and {@code ⟨Ω_m, Z q_m⟩ = λ w_m ‖Z q_m‖_p}. Together they
   * prove Z optimal (the problem is convex), whatever algorithm produced Z and Ω.
   */
  static void assertKkt(double[] z, double[] omega, double[] g, double[] zt, double eta, Graph gr, int d2,
      double lambda, double p, double tol) {
    double[] st = stationarity(z, g, zt, eta, omega, gr, d2);
    assertTrue(DenseCheck.maxAbs(st) <= tol, "stationarity residual " + DenseCheck.maxAbs(st));
    for (int e = 0; e < gr.m(); e++) {
      double[] om = Arrays.copyOfRange(omega, e * d2, (e + 1) * d2);
      double[] d = edgeDiff(z, d2, gr.n, gr, e);
      double radius = lambda * gr.w[e];
      assertTrue(dualNorm(om, p) <= radius * (1 + tol), "edge " + e + ": ‖Ω_m‖_q = " + dualNorm(om, p)
          + " > λw = " + radius);
      double inner = 0;
      for (int r = 0; r < d2; r++) {
        inner += om[r] * d[r];
      }
      assertEquals(radius * pnorm(d, p), inner, tol, "edge " + e + ": ⟨Ω_m, Z q_m⟩ ≠ λ w_m‖Z q_m‖_p");
    }
  }

  static GraphFusedZSolver solver(Graph g, int d2, double lambda, double p, GraphFusedZSolver.Options o) {
    return new GraphFusedZSolver(g.n, g.from, g.to, g.w, d2, lambda, p, o);
  }

  @ParameterizedTest
  @ValueSource(doubles = {1, 2, Double.POSITIVE_INFINITY})
  void kktConditionsHoldAtTheSolution(double p) {
    SplittableRandom rng = new SplittableRandom(12);
    int n = 12;
    int d2 = 3;
    Graph g = randomGraph(rng, n, 10);
    double[] zt = gaussian(rng, d2 * n);
    double[] grad = gaussian(rng, d2 * n);
    double eta = 0.5;
    double lambda = 0.4;
    GraphFusedZSolver s = solver(g, d2, lambda, p, TIGHT);
    GraphFusedZSolver.Result res = s.solve(grad, zt, eta);
    assertTrue(res.converged(), "not converged after " + res.iterations());
    // Both cases of the subdifferential occur: some edges fused (Ω_m inside the ball), some not.
    assertTrue(res.fusedCount() > 0 && res.fusedCount() < g.m(), "fused " + res.fusedCount() + " of " + g.m());
    assertKkt(res.z(), s.multiplier(), grad, zt, eta, g, d2, lambda, p, 1e-9);
    // The reported penalty is λ Σ w‖U_m‖ at the split variable; U = ZQ at convergence.
    assertEquals(objective(res.z(), grad, zt, eta, g, d2, lambda, p) - objective(res.z(), grad, zt, eta, g, d2, 0, p),
        res.penalty(), 1e-9);
    // Fused edges are those with U_m = 0, so Z's columns agree there up to the primal residual.
    double[] u = s.edgeDifferences();
    for (int e : res.fusedEdges()) {
      assertEquals(0, pnorm(Arrays.copyOfRange(u, e * d2, (e + 1) * d2), 2));
      assertTrue(pnorm(edgeDiff(res.z(), d2, n, g, e), 2) <= 1e-9);
    }
  }

  @ParameterizedTest
  @ValueSource(doubles = {1, 2, Double.POSITIVE_INFINITY})
  void adaptivePenaltyReachesTheSameOptimum(double p) {
    SplittableRandom rng = new SplittableRandom(13);
    int n = 12;
    int d2 = 3;
    Graph g = randomGraph(rng, n, 10);
    double[] zt = gaussian(rng, d2 * n);
    double[] grad = gaussian(rng, d2 * n);
    // A poor initial ρ that residual balancing has to correct.
    GraphFusedZSolver s = solver(g, d2, 0.4, p, TIGHT.withRho(100).withAdaptiveRho(true));
    GraphFusedZSolver.Result res = s.solve(grad, zt, 0.5);
    assertTrue(res.converged());
    assertTrue(res.rho() < 100, "ρ not adapted: " + res.rho());
    assertKkt(res.z(), s.multiplier(), grad, zt, 0.5, g, d2, 0.4, p, 1e-9);
  }

  /**
   * The optimal value from a different algorithm: the dual of the Z-subproblem,
   * {@code max_{‖Ω_m‖_q ≤ λ w_m} D(Ω) = ⟨H, Z_t⟩ − (η/2)‖H‖², H = G + ΩQᵀ} (from {@code λw‖x‖_p =
   * max_{‖s‖_q ≤ λw} ⟨s, x⟩} and minimising over Z at {@code Z = Z_t − ηH}), maximised by accelerated
   * projected gradient (Beck and Teboulle, SIAM J. Imaging Sci. 2009) with its own projections onto
   * the dual-norm balls. By weak duality {@code D(Ω) ≤ P* ≤ P(Z)} for every Ω and Z, so a small gap
   * {@code P(Z_admm) − D(Ω_fista)} proves that both are optimal.
   */
  @ParameterizedTest
  @CsvSource({"1, 0.7", "2, 0.8", "Infinity, 1.2"}) // λ chosen so that some but not all edges fuse
  void optimalValueMatchesDualProjectedGradient(double p, double lambda) {
    SplittableRandom rng = new SplittableRandom(4);
    int n = 4;
    int d2 = 2;
    Graph g = new Graph(n, new int[] {0, 1, 2, 3, 0}, new int[] {1, 2, 3, 0, 2},
        new double[] {1.0, 0.5, 1.5, 0.8, 0.3});
    double[] zt = gaussian(rng, d2 * n);
    double[] grad = gaussian(rng, d2 * n);
    double eta = 0.7;
    GraphFusedZSolver.Result res = solver(g, d2, lambda, p, TIGHT).solve(grad, zt, eta);
    assertTrue(res.fusedCount() > 0 && res.fusedCount() < g.m(), "fused " + res.fusedCount() + " of " + g.m());
    double primal = objective(res.z(), grad, zt, eta, g, d2, lambda, p);
    double dual = dualByFista(g, d2, grad, zt, eta, lambda, p, 20_000);
    // FISTA's dual error after k steps is ≤ 2L‖Ω₀ − Ω*‖²/k² (L ≤ 2η·max degree = 4.2), below 1e-7 here
    // and in practice at rounding level (it converges linearly on this instance); the ADMM run stops at
    // residuals ≈ 1e-12. Observed gaps are ≤ 1e-11 relative; 1e-9 leaves room for rounding only.
    assertTrue(dual <= primal + 1e-12, "weak duality violated: D = " + dual + ", P = " + primal);
    assertEquals(dual, primal, 1e-9 * Math.abs(primal), "P(Z_admm) = " + primal + ", D(Ω) = " + dual);
  }

  static double dualByFista(Graph g, int d2, double[] grad, double[] zt, double eta, double lambda, double p, int iters) {
    int n = g.n;
    int m = g.m();
    int[] deg = new int[n];
    for (int e = 0; e < m; e++) {
      deg[g.from[e]]++;
      deg[g.to[e]]++;
    }
    double lip = 2 * eta * Arrays.stream(deg).max().orElseThrow(); // ‖Q‖² ≤ 2·max degree (Gershgorin)
    double[] omega = new double[m * d2];
    double[] look = omega.clone();
    double t = 1;
    for (int k = 0; k < iters; k++) {
      double[] zOf = primalOf(look, g, d2, grad, zt, eta);
      double[] next = new double[m * d2];
      for (int e = 0; e < m; e++) {
        double[] step = edgeDiff(zOf, d2, n, g, e); // ∇_Ω_m D = Z(Ω) q_m
        double[] v = new double[d2];
        for (int r = 0; r < d2; r++) {
          v[r] = look[e * d2 + r] + step[r] / lip;
        }
        double[] proj = projectDualBall(v, p, lambda * g.w[e]);
        System.arraycopy(proj, 0, next, e * d2, d2);
      }
      double tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
      for (int i = 0; i < look.length; i++) {
        look[i] = next[i] + (t - 1) / tNext * (next[i] - omega[i]);
      }
      omega = next;
      t = tNext;
    }
    double[] h = new double[d2 * n];
    double[] zOf = primalOf(omega, g, d2, grad, zt, eta);
    double d = 0;
    for (int i = 0; i < h.length; i++) {
      h[i] = (zt[i] - zOf[i]) / eta;
      d += h[i] * zt[i] - eta / 2 * h[i] * h[i];
    }
    return d;
  }

  /** {@code Z(Ω) = Z_t − η(G + ΩQᵀ)}. */
  static double[] primalOf(double[] omega, Graph g, int d2, double[] grad, double[] zt, double eta) {
    int n = g.n;
    double[] h = grad.clone();
    for (int e = 0; e < g.m(); e++) {
      for (int r = 0; r < d2; r++) {
        h[r * n + g.from[e]] += omega[e * d2 + r];
        h[r * n + g.to[e]] -= omega[e * d2 + r];
      }
    }
    double[] z = new double[h.length];
    for (int i = 0; i < z.length; i++) {
      z[i] = zt[i] - eta * h[i];
    }
    return z;
  }

  /** Euclidean projection onto {@code ‖x‖_q ≤ radius}: clip (q = ∞), rescale (q = 2), sort-based ℓ1 (q = 1). */
  static double[] projectDualBall(double[] v, double p, double radius) {
    double[] x = v.clone();
    if (p == 1) {
      for (int i = 0; i < x.length; i++) {
        x[i] = Math.max(-radius, Math.min(radius, x[i]));
      }
    } else if (p == 2) {
      double norm = pnorm(v, 2);
      if (norm > radius) {
        for (int i = 0; i < x.length; i++) {
          x[i] *= radius / norm;
        }
      }
    } else if (pnorm(v, 1) > radius) {
      // Duchi et al. (ICML 2008): θ from the sorted magnitudes, then soft-threshold by θ.
      double[] a = Arrays.stream(v).map(Math::abs).sorted().toArray();
      double cum = 0;
      double theta = 0;
      for (int k = 1; k <= a.length; k++) {
        double val = a[a.length - k];
        cum += val;
        if (val > (cum - radius) / k) {
          theta = (cum - radius) / k;
        }
      }
      for (int i = 0; i < x.length; i++) {
        x[i] = Math.copySign(Math.max(Math.abs(v[i]) - theta, 0), v[i]);
      }
    }
    return x;
  }

  @Test
  void lambdaZeroIsTheIndependentGradientStep() {
    SplittableRandom rng = new SplittableRandom(0);
    int n = 12;
    int d2 = 3;
    Graph g = randomGraph(rng, n, 10);
    double[] zt = gaussian(rng, d2 * n);
    double[] grad = gaussian(rng, d2 * n);
    GraphFusedZSolver.Result res = solver(g, d2, 0, 2, TIGHT).solve(grad, zt, 0.5);
    double[] expected = new double[d2 * n];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = zt[i] - 0.5 * grad[i];
    }
    // Error of the PCG solves only: relative residual 1e-13 times κ ≤ 1 + 2ηρ·(max degree) ≈ 10.
    assertArrayEquals(expected, res.z(), 1e-11);
    assertEquals(0, res.fusedCount());
    assertEquals(0, res.penalty());
  }

  @ParameterizedTest
  @ValueSource(doubles = {1, 2, Double.POSITIVE_INFINITY})
  void largeLambdaFusesEveryoneAtTheMean(double p) {
    SplittableRandom rng = new SplittableRandom(1);
    int n = 12;
    int d2 = 3;
    Graph g = randomGraph(rng, n, 6);
    double[] zt = gaussian(rng, d2 * n);
    double[] grad = gaussian(rng, d2 * n);
    double eta = 0.5;
    // Fused, the objective is Σ_i ‖z − (z_t(i) − ηg(i))‖²/(2η) + const: the minimiser is the mean of
    // the columns of Z_t − ηG, whatever the weights. λ = 100 is far above the fusion threshold for O(1) data.
    GraphFusedZSolver.Result res = solver(g, d2, 100, p, TIGHT).solve(grad, zt, eta);
    assertEquals(g.m(), res.fusedCount());
    for (int r = 0; r < d2; r++) {
      double mean = 0;
      for (int i = 0; i < n; i++) {
        mean += (zt[r * n + i] - eta * grad[r * n + i]) / n;
      }
      for (int i = 0; i < n; i++) {
        assertEquals(mean, res.z()[r * n + i], 1e-9, "coordinate " + r + " of client " + i);
      }
    }
    assertEquals(0, res.penalty());
  }

  /**
   * Partial participation: on the path 0 – 1 – 2 with d₂ = 1, η = 1, Z_t = 0 and gradients (−1, 0, −1),
   * client 1 has no gradient but its neighbours pull it. By symmetry z = (a, c, a) and the objective is
   * {@code (a − 1)² + c²/2 + 2λ|a − c| + const}; for λ < 1/3 the minimiser has a > c with
   * {@code 2(a − 1) + 2λ = 0} and {@code c − 2λ = 0}: z = (1 − λ, 2λ, 1 − λ). For λ ≥ 1/3 all fuse at
   * the mean 2/3.
   */
  @Test
  void aClientWithoutGradientIsPulledByItsNeighbours() {
    Graph path = new Graph(3, new int[] {0, 1}, new int[] {1, 2}, new double[] {1, 1});
    double[] zt = {0, 0, 0};
    double[] grad = {-1, 0, -1};
    GraphFusedZSolver.Result res = solver(path, 1, 0.1, 2, TIGHT).solve(grad, zt, 1);
    assertArrayEquals(new double[] {0.9, 0.2, 0.9}, res.z(), 1e-9);
    assertEquals(0, res.fusedCount());
    GraphFusedZSolver.Result fused = solver(path, 1, 0.5, 2, TIGHT).solve(grad, zt, 1);
    assertArrayEquals(new double[] {2.0 / 3, 2.0 / 3, 2.0 / 3}, fused.z(), 1e-9);
    assertArrayEquals(new int[] {0, 1}, fused.fusedEdges());
  }

  @Test
  void warmStartNeedsFewerIterations() {
    SplittableRandom rng = new SplittableRandom(7);
    int n = 40;
    int d2 = 4;
    Graph g = randomGraph(rng, n, 60);
    double[] zt = gaussian(rng, d2 * n);
    double[] grad = gaussian(rng, d2 * n);
    GraphFusedZSolver.Options o = GraphFusedZSolver.Options.defaults().withTolerances(1e-8, 1e-8)
        .withMaxIterations(100_000).withLinearTolerance(1e-12);
    GraphFusedZSolver warm = solver(g, d2, 0.3, 2, o);
    assertTrue(warm.solve(grad, zt, 0.5).converged());
    double[] grad2 = grad.clone();
    for (int i = 0; i < grad2.length; i++) {
      grad2[i] += 0.01 * rng.nextGaussian();
    }
    GraphFusedZSolver.Result w = warm.solve(grad2, zt, 0.5);
    GraphFusedZSolver.Result c = solver(g, d2, 0.3, 2, o).solve(grad2, zt, 0.5);
    assertTrue(w.converged() && c.converged());
    assertTrue(w.iterations() < c.iterations(), "warm " + w.iterations() + " vs cold " + c.iterations());
    // Same problem, same answer up to the stopping tolerance.
    assertArrayEquals(c.z(), w.z(), 1e-5);
  }

  @Test
  void copyAndResetControlTheWarmStart() {
    SplittableRandom rng = new SplittableRandom(8);
    Graph g = randomGraph(rng, 10, 8);
    double[] zt = gaussian(rng, 20);
    double[] grad = gaussian(rng, 20);
    GraphFusedZSolver s = solver(g, 2, 0.3, 1, TIGHT);
    GraphFusedZSolver.Result first = s.solve(grad, zt, 1);
    GraphFusedZSolver twin = s.copy();
    // Copies continue identically; a reset solver repeats the cold run exactly.
    assertArrayEquals(s.solve(grad, zt, 1).z(), twin.solve(grad, zt, 1).z(), 0.0);
    s.reset();
    GraphFusedZSolver.Result again = s.solve(grad, zt, 1);
    assertEquals(first.iterations(), again.iterations());
    assertArrayEquals(first.z(), again.z(), 0.0);
  }

  @Test
  void rejectsInvalidInput() {
    int[] from = {0, 1};
    int[] to = {1, 2};
    GraphFusedZSolver.Options o = GraphFusedZSolver.Options.defaults();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new GraphFusedZSolver(3, from, to, null, 2, 1, 3, o));
    assertTrue(e.getMessage().contains("p must be 1, 2 or infinity"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new GraphFusedZSolver(3, from, to, new double[] {1, -0.5}, 2, 1, 2, o));
    assertTrue(e.getMessage().contains("edge 1 has weight -0.5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new GraphFusedZSolver(3, from, new int[] {1, 1}, null, 2, 1, 2, o));
    assertTrue(e.getMessage().contains("self-loop"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new GraphFusedZSolver(3, from, new int[] {1, 3}, null, 2, 1, 2, o));
    assertTrue(e.getMessage().contains("outside"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new GraphFusedZSolver(3, from, to, null, 2, -1, 2, o));
    assertThrows(IllegalArgumentException.class, () -> o.withRho(0));
    GraphFusedZSolver s = new GraphFusedZSolver(3, from, to, null, 2, 1, 2, o);
    double[] ok = new double[6];
    double[] bad = new double[6];
    bad[4] = Double.NaN;
    e = assertThrows(IllegalArgumentException.class, () -> s.solve(bad, ok, 1));
    assertTrue(e.getMessage().contains("G holds NaN at index 4"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> s.solve(ok, bad, 1));
    assertTrue(e.getMessage().contains("Z_t holds NaN"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> s.solve(ok, ok, 0));
    assertThrows(IllegalArgumentException.class, () -> s.solve(new double[5], ok, 1));
  }

  // ---- Low-rank alternative ----

  /**
   * X = Z_t − ηG is built as {@code A·diag(σ)·Bᵀ} with orthonormal A (d₂ × d₂) and B (N × d₂) from
   * Gram–Schmidt, so its SVD is known; the answer must be {@code A·diag((σ − ηλ)₊)·Bᵀ}. Independently
   * of that construction, the optimality conditions of the prox are checked through eigenvalues of
   * Gram matrices (LAPACK dsyev): {@code ‖X − Y‖₂ ≤ τ} and {@code ⟨X − Y, Y⟩ = τ‖Y‖_*}.
   */
  @Test
  void lowRankStepIsSingularValueThresholding() {
    SplittableRandom rng = new SplittableRandom(21);
    int d2 = 5;
    int n = 40;
    double[] sigma = {5, 3, 1.2, 0.7, 0.1};
    double[] a = orthonormalColumns(rng, d2, d2);
    double[] b = orthonormalColumns(rng, n, d2);
    double eta = 0.5;
    double lambda = 2; // τ = ηλ = 1: keeps 5, 3, 1.2 shrunk to 4, 2, 0.2
    double tau = eta * lambda;
    double[] x = new double[d2 * n];
    double[] expected = new double[d2 * n];
    for (int r = 0; r < d2; r++) {
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < d2; k++) {
          x[r * n + i] += a[r * d2 + k] * sigma[k] * b[i * d2 + k];
          expected[r * n + i] += a[r * d2 + k] * Math.max(sigma[k] - tau, 0) * b[i * d2 + k];
        }
      }
    }
    double[] grad = gaussian(rng, d2 * n);
    double[] zt = new double[d2 * n];
    for (int i = 0; i < zt.length; i++) {
      zt[i] = x[i] + eta * grad[i];
    }
    Svt.Result res = LowRankZStep.solve(grad, zt, d2, n, eta, lambda);
    double[] y = res.toArray();
    assertEquals(3, res.rank());
    assertArrayEquals(expected, y, 1e-12);
    double[] diff = new double[y.length];
    double inner = 0;
    for (int i = 0; i < y.length; i++) {
      diff[i] = (zt[i] - eta * grad[i]) - y[i];
      inner += diff[i] * y[i];
    }
    double[] svY = DenseCheck.singularValuesViaGram(y, d2, n);
    double nuclear = svY[0] + svY[1] + svY[2]; // the Gram route only resolves values well above √ε·σ_max
    assertTrue(svY[3] < 1e-6, "rank > 3: " + Arrays.toString(svY));
    assertEquals(tau * nuclear, inner, 1e-9);
    assertTrue(DenseCheck.singularValuesViaGram(diff, d2, n)[0] <= tau * (1 + 1e-12));
  }

  @Test
  void lowRankStepRejectsInvalidInput() {
    double[] ok = new double[6];
    double[] bad = ok.clone();
    bad[2] = Double.NaN;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LowRankZStep.solve(bad, ok, 2, 3, 1, 1));
    assertTrue(e.getMessage().contains("index 2"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LowRankZStep.solve(ok, ok, 2, 3, -1, 1));
    assertThrows(IllegalArgumentException.class, () -> LowRankZStep.solve(ok, ok, 2, 3, 1, -1));
    assertThrows(IllegalArgumentException.class, () -> LowRankZStep.solve(ok, ok, 2, 4, 1, 1));
  }

  /** Row-major rows × k matrix with orthonormal columns: Gram–Schmidt (twice, for accuracy) of Gaussian columns. */
  static double[] orthonormalColumns(SplittableRandom rng, int rows, int k) {
    double[] q = gaussian(rng, rows * k);
    for (int c = 0; c < k; c++) {
      for (int pass = 0; pass < 2; pass++) {
        for (int prev = 0; prev < c; prev++) {
          double dot = 0;
          for (int r = 0; r < rows; r++) {
            dot += q[r * k + c] * q[r * k + prev];
          }
          for (int r = 0; r < rows; r++) {
            q[r * k + c] -= dot * q[r * k + prev];
          }
        }
      }
      double norm = 0;
      for (int r = 0; r < rows; r++) {
        norm += q[r * k + c] * q[r * k + c];
      }
      norm = Math.sqrt(norm);
      for (int r = 0; r < rows; r++) {
        q[r * k + c] /= norm;
      }
    }
    return q;
  }
}
