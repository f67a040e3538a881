package org.fedspark.optim;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The server-side step of graph-fused personalisation (Network Lasso: Hallac, Leskovec and Boyd, KDD
 * 2015): given the clients' personal parts {@code Z_t = [z_t(1) … z_t(N)] ∈ R^{d₂×N}} and their (already
 * scaled) gradients G, it computes
 *
 * <pre>
 *   Z⁺ = argmin_Z  ⟨G, Z⟩ + (1/(2η))·‖Z − Z_t‖²_F + λ·Σ_m w_m·‖Z·q_m‖_p ,   p ∈ {1, 2, ∞},
 * </pre>
 *
 * where edge {@code m = (i, j)} has weight {@code w_m ≥ 0} and {@code q_m = e_i − e_j} is its column of
 * the N × M node–edge incidence matrix Q, so {@code Z·q_m = z(i) − z(j)}. The penalty pulls neighbours
 * together and, being a sum of norms, makes many differences exactly zero: the fused edges.
 *
 * <p><b>Method.</b> ADMM (Boyd, Parikh, Chu, Peleato and Eckstein, Found. Trends Mach. Learn. 3(1),
 * 2011) on the splitting {@code U = Z·Q}, in scaled form with {@code Y = Ω/ρ} (Ω the multiplier of
 * {@code ZQ − U = 0}). One iteration:
 *
 * <ol>
 *   <li>Z-step, one linear system per row of Z: {@code Z·(I + ηρ·QQᵀ) = Z_t − η·G + ηρ·(U − Y)·Qᵀ}.
 *       {@code QQᵀ} is the <em>unweighted</em> Laplacian (the weights sit in the penalty, not in the
 *       constraint), SPD after adding I, with condition number ≤ {@code 1 + 2ηρ·(max degree)}; solved by
 *       {@link Pcg#solveRows}, warm-started from the previous Z.
 *   <li>U-step, edge by edge: {@code U_m = prox_{(λ w_m/ρ)‖·‖_p}(Z q_m + Y_m)} ({@link Prox}).
 *   <li>Dual step: {@code Y_m ← Y_m + Z q_m − U_m}.
 * </ol>
 *
 * It stops when the primal residual {@code ‖ZQ − U‖_F} and the dual residual {@code ρ‖(U − U_prev)Qᵀ‖_F}
 * fall below {@code √(d₂M)·ε_abs + ε_rel·max(‖ZQ‖, ‖U‖)} and {@code √(d₂N)·ε_abs + ε_rel·‖ΩQᵀ‖}
 * (Boyd et al., §3.3.1), or after {@code maxIterations}. The dual residual is exactly the error in the
 * stationarity condition {@code (Z − Z_t)/η + G + ΩQᵀ = 0}, and after every U-step Ω is an exact
 * subgradient certificate for U, so at convergence Ω certifies optimality. Derivation: {@code
 * docs/graph-fused-admm.md}.
 *
 * <p><b>Warm start.</b> Z, U and Y (and ρ, if adapted) are kept between calls: the next round's problem
 * differs only through G and Z_t, and starting from the previous multipliers saves most iterations.
 * {@link #reset()} forgets them; {@link #copy()} duplicates them.
 *
 * <p><b>Layout.</b> Z, Z_t and G are row-major {@code d₂ × N} (row r is coordinate r of every client, a
 * right-hand side for {@link Pcg#solveRows}). U and Y are stored edge by edge ({@code U_m} contiguous,
 * i.e. column-major {@code d₂ × M}) because the U-step acts on whole edge columns.
 *
 * <p><b>Memory (a hard limit on the driver).</b> The state is dense: {@code 8·d₂·(5N + 2M)} bytes for
 * Z, its node-major copy, {@code U·Qᵀ}, the right-hand side, the returned Z, U and Y, plus the graph
 * (≈ 24 bytes per edge). At N = 10,000 clients, a 10-NN graph (M ≈ 70,000) and d₂ = 100 that is about
 * 150 MB; it grows linearly in d₂ and M, so d₂·M must stay well below (driver heap)/16 bytes. See
 * {@link #stateBytes}.
 *
 * <p>Not thread-safe (it holds the warm-start state); each call runs its loops on the common ForkJoin
 * pool. Results do not depend on the number of threads (partial sums are reduced in a fixed order).
 */
public final class GraphFusedZSolver implements java.io.Serializable {
  /** Nodes per parallel task in node passes, edges per task in edge passes. */
  private static final int NODE_BLOCK = 256;
  private static final int EDGE_BLOCK = 1024;
  /** Residual balancing (Boyd et al., §3.4.1): change ρ when one residual exceeds μ times the other… */
  static final double BALANCE_MU = 10;
  /** …by this factor. */
  static final double BALANCE_TAU = 2;

  /**
   * Solver settings.
   *
   * @param rho the initial ADMM penalty ρ > 0
   * @param absTolerance ε_abs ≥ 0 of the stopping rule
   * @param relTolerance ε_rel ≥ 0 of the stopping rule
   * @param maxIterations cap K ≥ 1 on ADMM iterations per {@link #solve}
   * @param linearTolerance relative residual at which each PCG solve of the Z-step stops; its error
   *     enters the stationarity condition, so keep it well below the ADMM tolerances
   * @param linearMaxIterations cap on CG iterations per row and Z-step
   * @param adaptRho whether to balance the residuals by changing ρ (Boyd et al., §3.4.1): ×2 when the
   *     primal residual exceeds 10× the dual one, ÷2 in the opposite case; the Laplacian system is
   *     rebuilt for the new {@code ηρ} and Y rescaled so that Ω = ρY is unchanged
   */
  public record Options(double rho, double absTolerance, double relTolerance, int maxIterations,
      double linearTolerance, int linearMaxIterations, boolean adaptRho) implements java.io.Serializable {
    public Options {
      if (!(rho > 0) || Double.isInfinite(rho)) {
        throw new IllegalArgumentException("rho must be finite and > 0, got " + rho);
      }
      if (!(absTolerance >= 0) || !(relTolerance >= 0) || !(linearTolerance >= 0)) {
        throw new IllegalArgumentException("tolerances must be >= 0, got abs " + absTolerance + ", rel "
            + relTolerance + ", linear " + linearTolerance);
      }
      if (maxIterations < 1 || linearMaxIterations < 1) {
        throw new IllegalArgumentException("iteration caps must be >= 1, got " + maxIterations + " and "
            + linearMaxIterations);
      }
    }

    /** ρ = 1, ε_abs = ε_rel = 1e-4, 1000 iterations, PCG to 1e-8 (at most 1000 CG steps), fixed ρ. */
    public static Options defaults() {
      return new Options(1.0, 1e-4, 1e-4, 1000, 1e-8, 1000, false);
    }

    public Options withRho(double r) {
      return new Options(r, absTolerance, relTolerance, maxIterations, linearTolerance, linearMaxIterations, adaptRho);
    }

    public Options withTolerances(double abs, double rel) {
      return new Options(rho, abs, rel, maxIterations, linearTolerance, linearMaxIterations, adaptRho);
    }

    public Options withMaxIterations(int k) {
      return new Options(rho, absTolerance, relTolerance, k, linearTolerance, linearMaxIterations, adaptRho);
    }

    public Options withLinearTolerance(double tol) {
      return new Options(rho, absTolerance, relTolerance, maxIterations, tol, linearMaxIterations, adaptRho);
    }

    public Options withAdaptiveRho(boolean adapt) {
      return new Options(rho, absTolerance, relTolerance, maxIterations, linearTolerance, linearMaxIterations, adapt);
    }
  }

  /**
   * Outcome of one {@link #solve}.
   *
   * @param z Z⁺, row-major {@code d₂ × N} (a new array owned by the caller)
   * @param iterations ADMM iterations run
   * @param converged whether both residuals met the stopping rule
   * @param primalResidual {@code ‖ZQ − U‖_F} at the last iteration
   * @param dualResidual {@code ρ‖(U − U_prev)Qᵀ‖_F} at the last iteration
   * @param penalty {@code λ·Σ_m w_m‖U_m‖_p}, the penalty at the split variable U
   * @param fusedEdges the indices m, ascending, of the edges whose column {@code U_m} is exactly 0
   * @param rho the penalty ρ at the end (differs from the initial one only with adaptation)
   * @param linearIterations CG iterations summed over all rows and Z-steps (the dominant cost)
   */
  public record Result(double[] z, int iterations, boolean converged, double primalResidual,
      double dualResidual, double penalty, int[] fusedEdges, double rho, long linearIterations) {
    /** How many edges are fused ({@code U_m = 0}). */
    public int fusedCount() {
      return fusedEdges.length;
    }
  }

  private final int n;
  private final int m;
  private final int d2;
  private final int[] from;
  private final int[] to;
  private final double[] weights;
  private final double lambda;
  private final double p;
  private final Options options;
  private final Csr laplacian; // unweighted QQᵀ
  /** Edges incident to each node: {@code incEdge[incPtr[i] … incPtr[i+1])}, e for {@code i = from[e]}, ~e for {@code i = to[e]}. */
  private final int[] incPtr;
  private final int[] incEdge;

  // Warm-start state.
  private double rho;
  private final double[] z; // row-major d₂ × N
  private final double[] u; // edge-major M × d₂
  private final double[] y; // edge-major M × d₂, scaled multiplier Ω/ρ
  private final double[] uq; // node-major N × d₂, U·Qᵀ (kept in step with u)
  // Scratch.
  private final double[] zNodes; // node-major copy of z
  private final double[] rhs; // row-major d₂ × N
  private Pcg pcg;
  private double pcgC = Double.NaN; // the c = ηρ that pcg was built for

  /**
   * @param n number of clients N ≥ 1
   * @param from first endpoint of each edge
   * @param to second endpoint of each edge ({@code from[m] ≠ to[m]}; the sign convention does not
   *     change the penalty)
   * @param weights w_m ≥ 0 per edge, or null for all ones
   * @param d2 dimension d₂ ≥ 1 of each client's personal part
   * @param lambda λ ≥ 0
   * @param p 1, 2 or {@link Double#POSITIVE_INFINITY}
   * @throws IllegalArgumentException on any invalid argument, naming it
   */
  public GraphFusedZSolver(int n, int[] from, int[] to, double[] weights, int d2, double lambda, double p,
      Options options) {
    if (n < 1 || d2 < 1) {
      throw new IllegalArgumentException("need n >= 1 and d2 >= 1, got n = " + n + ", d2 = " + d2);
    }
    if (!(p == 1 || p == 2 || p == Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("p must be 1, 2 or infinity, got " + p);
    }
    Prox.checkThreshold(lambda);
    if (from.length != to.length || (weights != null && weights.length != from.length)) {
      throw new IllegalArgumentException(from.length + " sources, " + to.length + " targets, "
          + (weights == null ? "no" : weights.length) + " weights");
    }
    this.m = from.length;
    for (int e = 0; e < m; e++) {
      if (from[e] == to[e]) {
        throw new IllegalArgumentException("edge " + e + " is a self-loop at node " + from[e]
            + "; its difference is always 0");
      }
      // Csr.laplacian below checks node ranges; the weights are checked here because it never sees them.
      double w = weights == null ? 1 : weights[e];
      if (!(w >= 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException("edge " + e + " has weight " + w + "; weights must be finite and >= 0");
      }
    }
    long state = stateBytes(n, m, d2);
    if ((long) d2 * Math.max(n, m) > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("d2 × max(N, M) = " + (long) d2 * Math.max(n, m)
          + " exceeds the largest Java array; the state would need " + state + " bytes");
    }
    this.n = n;
    this.d2 = d2;
    this.from = from.clone();
    this.to = to.clone();
    this.weights = weights == null ? filled(m, 1.0) : weights.clone();
    this.lambda = lambda;
    this.p = p;
    this.options = options;
    this.laplacian = Csr.laplacian(n, this.from, this.to, null);
    this.incPtr = new int[n + 1];
    for (int e = 0; e < m; e++) {
      incPtr[this.from[e] + 1]++;
      incPtr[this.to[e] + 1]++;
    }
    for (int i = 0; i < n; i++) {
      incPtr[i + 1] += incPtr[i];
    }
    this.incEdge = new int[2 * m];
    int[] fill = Arrays.copyOf(incPtr, n);
    for (int e = 0; e < m; e++) {
      incEdge[fill[this.from[e]]++] = e;
      incEdge[fill[this.to[e]]++] = ~e;
    }
    this.rho = options.rho();
    this.z = new double[d2 * n];
    this.u = new double[d2 * m];
    this.y = new double[d2 * m];
    this.uq = new double[d2 * n];
    this.zNodes = new double[d2 * n];
    this.rhs = new double[d2 * n];
  }

  /** A solver with the same graph and settings and a copy of this one's warm-start state. */
  public GraphFusedZSolver copy() {
    GraphFusedZSolver c = new GraphFusedZSolver(n, from, to, weights, d2, lambda, p, options);
    c.copyStateFrom(this);
    return c;
  }

  /**
   * Overwrites this solver's warm-start state (Z, U, Y, ρ) with {@code other}'s, without allocating:
   * e.g. to replay a round from the same starting point.
   *
   * @throws IllegalArgumentException if the two differ in N, M or d₂
   */
  public void copyStateFrom(GraphFusedZSolver other) {
    if (other.n != n || other.m != m || other.d2 != d2) {
      throw new IllegalArgumentException("state of N = " + other.n + ", M = " + other.m + ", d2 = " + other.d2
          + " does not fit N = " + n + ", M = " + m + ", d2 = " + d2);
    }
    rho = other.rho;
    System.arraycopy(other.z, 0, z, 0, z.length);
    System.arraycopy(other.u, 0, u, 0, u.length);
    System.arraycopy(other.y, 0, y, 0, y.length);
    System.arraycopy(other.uq, 0, uq, 0, uq.length);
  }

  /** Forgets the warm start: Z = U = Ω = 0 and ρ back to its initial value. */
  public void reset() {
    rho = options.rho();
    Arrays.fill(z, 0);
    Arrays.fill(u, 0);
    Arrays.fill(y, 0);
    Arrays.fill(uq, 0);
    pcg = null;
  }

  /**
   * Bytes of dense state for N clients, M edges and dimension d₂: {@code 8·d₂·(5N + 2M)} (Z, its
   * node-major copy, U·Qᵀ, the right-hand side, the returned Z; U and Y), excluding the graph.
   */
  public static long stateBytes(int n, int m, int d2) {
    return 8L * d2 * (5L * n + 2L * m);
  }

  /**
   * Solves the Z-subproblem for this round, warm-started from the previous call's state.
   *
   * @param g the scaled gradients, row-major {@code d₂ × N} (zero columns for clients without one)
   * @param zt the current personal parts Z_t, row-major {@code d₂ × N}
   * @param eta the step η > 0
   */
  public Result solve(double[] g, double[] zt, double eta) {
    if (g.length != d2 * n || zt.length != d2 * n) {
      throw new IllegalArgumentException("G and Z_t must hold d2 × N = " + d2 * n + " entries, got "
          + g.length + " and " + zt.length);
    }
    if (!(eta > 0) || Double.isInfinite(eta)) {
      throw new IllegalArgumentException("eta must be finite and > 0, got " + eta);
    }
    checkFinite("G", g);
    checkFinite("Z_t", zt);
    updatePcg(eta);
    assemble(g, zt, eta);
    double sqrtPrimalDim = Math.sqrt((double) d2 * m);
    double sqrtDualDim = Math.sqrt((double) d2 * n);
    long linear = 0;
    int k = 0;
    boolean converged = false;
    double primal = 0;
    double dual = 0;
    while (k < options.maxIterations()) {
      k++;
      Pcg.Report rep = pcg.solveRows(rhs, z, d2, options.linearTolerance(), options.linearMaxIterations());
      linear += rep.totalIterations();
      toNodeMajor();
      double[] edge = edgeStep(); // {‖ZQ − U‖², ‖ZQ‖², ‖U‖²}
      double[] node = assemble(g, zt, eta); // {‖ΔU·Qᵀ‖², ‖Y·Qᵀ‖²}
      primal = Math.sqrt(edge[0]);
      dual = rho * Math.sqrt(node[0]);
      double epsPrimal = sqrtPrimalDim * options.absTolerance()
          + options.relTolerance() * Math.sqrt(Math.max(edge[1], edge[2]));
      double epsDual = sqrtDualDim * options.absTolerance() + options.relTolerance() * rho * Math.sqrt(node[1]);
      if (primal <= epsPrimal && dual <= epsDual) {
        converged = true;
        break;
      }
      if (options.adaptRho() && k < options.maxIterations()) {
        double factor = primal > BALANCE_MU * dual ? BALANCE_TAU : dual > BALANCE_MU * primal ? 1 / BALANCE_TAU : 1;
        if (factor != 1) {
          rho *= factor;
          for (int i = 0; i < y.length; i++) {
            y[i] /= factor; // Ω = ρY unchanged
          }
          updatePcg(eta);
          assemble(g, zt, eta);
        }
      }
    }
    return new Result(z.clone(), k, converged, primal, dual, penaltyAtU(), fusedEdges(), rho, linear);
  }

  /** The multiplier Ω = ρY of the constraint ZQ = U, edge-major ({@code Ω_m} at {@code [m·d₂, (m+1)·d₂)}), a copy. */
  public double[] multiplier() {
    double[] omega = y.clone();
    for (int i = 0; i < omega.length; i++) {
      omega[i] *= rho;
    }
    return omega;
  }

  /** The split variable U ≈ ZQ, edge-major, a copy: {@code U_m} is exactly 0 on fused edges. */
  public double[] edgeDifferences() {
    return u.clone();
  }

  public int nodes() {
    return n;
  }

  public int edges() {
    return m;
  }

  public int dimension() {
    return d2;
  }

  public double lambda() {
    return lambda;
  }

  public double p() {
    return p;
  }

  public Options options() {
    return options;
  }

  /** The Laplacian system {@code I + ηρ·QQᵀ} changes with η and ρ; its preconditioner is rebuilt (O(N + M)). */
  private void updatePcg(double eta) {
    double c = eta * rho;
    if (pcg == null || pcgC != c) {
      pcg = new Pcg(laplacian, c);
      pcgC = c;
    }
  }

  /** zNodes ← Z in node-major order, so an edge reads z(i) and z(j) as contiguous slices. */
  private void toNodeMajor() {
    int blocks = (n + NODE_BLOCK - 1) / NODE_BLOCK;
    IntStream.range(0, blocks).parallel().forEach(b -> {
      int lo = b * NODE_BLOCK;
      int hi = Math.min(n, lo + NODE_BLOCK);
      for (int r = 0; r < d2; r++) {
        int row = r * n;
        for (int i = lo; i < hi; i++) {
          zNodes[i * d2 + r] = z[row + i];
        }
      }
    });
  }

  /**
   * The U-step and dual step on every edge: {@code V = Z q_m + Y_m}, {@code U_m = prox(V)},
   * {@code Y_m ← V − U_m}. Since the new Y_m minus the old one is {@code Z q_m − U_m}, the primal
   * residual comes without storing ZQ. Returns the sums over edges of {@code ‖Zq_m − U_m‖²},
   * {@code ‖Z q_m‖²}, {@code ‖U_m‖²}.
   */
  private double[] edgeStep() {
    int blocks = (m + EDGE_BLOCK - 1) / EDGE_BLOCK;
    double[][] partial = new double[blocks][];
    IntStream.range(0, blocks).parallel().forEach(b -> {
      double[] v = new double[d2];
      double[] work = new double[d2];
      double primal = 0;
      double zq2 = 0;
      double u2 = 0;
      for (int e = b * EDGE_BLOCK, end = Math.min(m, e + EDGE_BLOCK); e < end; e++) {
        int zi = from[e] * d2;
        int zj = to[e] * d2;
        int off = e * d2;
        for (int r = 0; r < d2; r++) {
          double d = zNodes[zi + r] - zNodes[zj + r];
          zq2 += d * d;
          v[r] = d + y[off + r];
        }
        double t = lambda * weights[e] / rho;
        if (p == 1) {
          Prox.softThreshold(v, 0, d2, t, u, off);
        } else if (p == 2) {
          Prox.blockSoftThreshold(v, 0, d2, t, u, off);
        } else {
          Prox.linfProx(v, 0, d2, t, u, off, work);
        }
        for (int r = 0; r < d2; r++) {
          double ur = u[off + r];
          double yNew = v[r] - ur;
          double dy = yNew - y[off + r];
          primal += dy * dy;
          u2 += ur * ur;
          y[off + r] = yNew;
        }
      }
      partial[b] = new double[] {primal, zq2, u2};
    });
    return sum(partial, 3);
  }

  /**
   * Recomputes {@code U·Qᵀ} (measuring how much it changed: the dual residual over ρ) and {@code Y·Qᵀ},
   * node by node from the incident edges (no write conflicts), and writes the next Z-step's right-hand
   * side {@code Z_t − η·G + ηρ·(U − Y)·Qᵀ} in row-major order. Returns {@code ‖ΔU·Qᵀ‖²} and
   * {@code ‖Y·Qᵀ‖²}.
   */
  private double[] assemble(double[] g, double[] zt, double eta) {
    int blocks = (n + NODE_BLOCK - 1) / NODE_BLOCK;
    double[][] partial = new double[blocks][];
    double c = eta * rho;
    IntStream.range(0, blocks).parallel().forEach(b -> {
      int lo = b * NODE_BLOCK;
      int hi = Math.min(n, lo + NODE_BLOCK);
      double[] tile = new double[(hi - lo) * d2]; // (U − Y)Qᵀ for these nodes, node-major
      double[] pu = new double[d2];
      double[] py = new double[d2];
      double changed = 0;
      double yq2 = 0;
      for (int i = lo; i < hi; i++) {
        Arrays.fill(pu, 0);
        Arrays.fill(py, 0);
        for (int k = incPtr[i]; k < incPtr[i + 1]; k++) {
          int code = incEdge[k];
          int off = (code >= 0 ? code : ~code) * d2;
          if (code >= 0) {
            for (int r = 0; r < d2; r++) {
              pu[r] += u[off + r];
              py[r] += y[off + r];
            }
          } else {
            for (int r = 0; r < d2; r++) {
              pu[r] -= u[off + r];
              py[r] -= y[off + r];
            }
          }
        }
        int node = i * d2;
        int t = (i - lo) * d2;
        for (int r = 0; r < d2; r++) {
          double d = pu[r] - uq[node + r];
          changed += d * d;
          uq[node + r] = pu[r];
          yq2 += py[r] * py[r];
          tile[t + r] = pu[r] - py[r];
        }
      }
      for (int r = 0; r < d2; r++) {
        int row = r * n;
        for (int i = lo; i < hi; i++) {
          rhs[row + i] = zt[row + i] - eta * g[row + i] + c * tile[(i - lo) * d2 + r];
        }
      }
      partial[b] = new double[] {changed, yq2};
    });
    return sum(partial, 2);
  }

  /** {@code λ·Σ_m w_m‖U_m‖_p}. */
  private double penaltyAtU() {
    double s = 0;
    for (int e = 0; e < m; e++) {
      s += weights[e] * norm(u, e * d2, d2, p);
    }
    return lambda * s;
  }

  private int[] fusedEdges() {
    return IntStream.range(0, m).filter(e -> {
      for (int r = e * d2, end = r + d2; r < end; r++) {
        if (u[r] != 0) {
          return false;
        }
      }
      return true;
    }).toArray();
  }

  /** ‖v[off, off+len)‖_p for p = 1, 2, ∞. */
  static double norm(double[] v, int off, int len, double p) {
    if (p == 2) {
      return Prox.norm2(v, off, len);
    }
    double s = 0;
    for (int i = off; i < off + len; i++) {
      s = p == 1 ? s + Math.abs(v[i]) : Math.max(s, Math.abs(v[i]));
    }
    return s;
  }

  /** Sums partial results in block order, so the total does not depend on the thread schedule. */
  private static double[] sum(double[][] partial, int k) {
    double[] s = new double[k];
    for (double[] part : partial) {
      for (int i = 0; i < k; i++) {
        s[i] += part[i];
      }
    }
    return s;
  }

  private static void checkFinite(String name, double[] a) {
    for (int i = 0; i < a.length; i++) {
      if (!Double.isFinite(a[i])) {
        throw new IllegalArgumentException(name + " holds " + a[i] + " at index " + i);
      }
    }
  }

  private static double[] filled(int len, double value) {
    double[] a = new double[len];
    Arrays.fill(a, value);
    return a;
  }
}
