package org.fedspark.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.fedspark.graph.ExactKnn;
import org.fedspark.graph.KnnGraph;
import org.fedspark.optim.GraphFusedZSolver;
import org.fedspark.optim.LowRankZStep;
import org.fedspark.optim.Svt;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The graph-fused server step ({@link GraphFusedZSolver}, p = 2) at N = 10,000 clients on the
 * symmetrised 10-nearest-neighbour graph of points in 10 dimensions (Gaussian-kernel weights
 * {@code exp(−d²/median d²)}), d₂ = 100. The points form 8 Gaussian clusters (the clients' groups), and
 * {@code Z_t} is the group's centre in R^{d₂} plus noise (standard deviation 0.1), so neighbours in the
 * same group should fuse. η = 1, ρ = 1, λ = 0.3.
 *
 * <ul>
 *   <li>{@code oneIteration}: a single ADMM iteration (PCG Z-step, edge prox, dual step, residuals)
 *       from a converged state.
 *   <li>{@code warmSolve}: a whole solve to ε_abs = ε_rel = 1e-4 for gradients changed by 1% (relative),
 *       from the previous round's state, restored before every call (not timed).
 *   <li>{@code lowRankStep}: the low-rank alternative, exact SVT of the 100 × 10,000 matrix.
 * </ul>
 *
 * <p>The setup prints the graph size, iterations used by a cold and a warm solve, the share of fused
 * edges, and memory: the retained heap of one solver (used heap after {@code System.gc()}, before and
 * after building it and solving) and the peak of a warm solve (sum of the peak usage of the heap memory
 * pools after {@code resetPeakUsage()}: an upper bound, the pools peak at different moments). Run with
 * {@code bin/jmh GraphFusedZStepBench}; add {@code -prof gc} for the allocation per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class GraphFusedZStepBench {
  static final int N = 10_000;
  static final int DIM = 10;
  static final int K = 10;
  static final int D2 = 100;
  static final double ETA = 1.0;
  static final int GROUPS = 8;
  static final double LAMBDA = 0.3;
  static final double TOL = 1e-4;

  GraphFusedZSolver warmState; // converged on the previous round's G
  GraphFusedZSolver solver; // tolerance 1e-4, restored from warmState before each warmSolve
  GraphFusedZSolver single; // one iteration per call
  double[] zt;
  double[] gPrev;
  double[] g;

  @Setup(Level.Trial)
  public void setup() {
    SplittableRandom rng = new SplittableRandom(2015);
    // Clients in 8 clusters: Gaussian blobs (spread 0.05) around random centres in the unit cube.
    double[][] where = new double[GROUPS][DIM];
    for (double[] c : where) {
      for (int k = 0; k < DIM; k++) {
        c[k] = rng.nextDouble();
      }
    }
    int[] group = new int[N];
    double[] points = new double[N * DIM];
    for (int i = 0; i < N; i++) {
      group[i] = rng.nextInt(GROUPS);
      for (int k = 0; k < DIM; k++) {
        points[i * DIM + k] = where[group[i]][k] + 0.05 * rng.nextGaussian();
      }
    }
    KnnGraph graph = knnGraph(points, N, DIM, K);
    int[] from = graph.from();
    int[] to = graph.to();
    double[] w = graph.weights();
    int m = from.length;
    double[][] centres = new double[GROUPS][D2];
    for (double[] c : centres) {
      for (int r = 0; r < D2; r++) {
        c[r] = rng.nextGaussian();
      }
    }
    zt = new double[D2 * N];
    gPrev = new double[D2 * N];
    g = new double[D2 * N];
    for (int i = 0; i < N; i++) {
      for (int r = 0; r < D2; r++) {
        zt[r * N + i] = centres[group[i]][r] + 0.1 * rng.nextGaussian();
      }
    }
    for (int i = 0; i < g.length; i++) {
      gPrev[i] = 0.1 * rng.nextGaussian();
      g[i] = gPrev[i] * (1 + 0.01 * rng.nextGaussian());
    }
    GraphFusedZSolver.Options tight = GraphFusedZSolver.Options.defaults().withTolerances(TOL, TOL)
        .withMaxIterations(5000);

    System.gc();
    long before = usedHeap();
    warmState = new GraphFusedZSolver(N, from, to, w, D2, LAMBDA, 2, tight);
    GraphFusedZSolver.Result cold = warmState.solve(gPrev, zt, ETA);
    System.gc();
    long retained = usedHeap() - before;
    if (!cold.converged()) {
      throw new IllegalStateException("cold solve did not converge in " + cold.iterations() + " iterations");
    }
    solver = warmState.copy();
    List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(pool -> pool.getType() == MemoryType.HEAP).toList();
    System.gc();
    long beforePeak = usedHeap();
    heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
    GraphFusedZSolver.Result warm = solver.solve(g, zt, ETA);
    long peak = heapPools.stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
    if (!warm.converged()) {
      throw new IllegalStateException("warm solve did not converge in " + warm.iterations() + " iterations");
    }
    int sameGroup = 0;
    int fusedSame = 0;
    boolean[] fused = new boolean[m];
    for (int e : warm.fusedEdges()) {
      fused[e] = true;
    }
    for (int e = 0; e < m; e++) {
      if (group[from[e]] == group[to[e]]) {
        sameGroup++;
        fusedSame += fused[e] ? 1 : 0;
      }
    }
    single = new GraphFusedZSolver(N, from, to, w, D2, LAMBDA, 2, tight.withMaxIterations(1));
    single.copyStateFrom(warmState);
    double mb = 1 << 20;
    System.out.printf("# N = %d, M = %d edges (%d within a group), d2 = %d; state estimate %.0f MB%n", N, m,
        sameGroup, D2, GraphFusedZSolver.stateBytes(N, m, D2) / mb);
    System.out.printf("# cold solve: %d iterations, %d CG steps; warm solve: %d iterations, %d CG steps,"
        + " primal %.2e, dual %.2e%n", cold.iterations(), cold.linearIterations(), warm.iterations(),
        warm.linearIterations(), warm.primalResidual(), warm.dualResidual());
    System.out.printf("# fused: %d of %d edges (%.1f%%), %.1f%% of within-group edges%n", warm.fusedCount(), m,
        100.0 * warm.fusedCount() / m, 100.0 * fusedSame / Math.max(1, sameGroup));
    System.out.printf("# heap: retained by one solver after a solve %.0f MB; peak during a warm solve %.0f MB"
        + " (%.0f MB above the used heap before it)%n", retained / mb, peak / mb, (peak - beforePeak) / mb);
  }

  static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  /**
   * The symmetric (union) kNN graph of {@code n} points of dimension {@code dim} stored row by row, with
   * Gaussian weights {@code exp(−d²/σ²)} (σ² the median kNN distance²): fedspark's own graph builder.
   */
  static KnnGraph knnGraph(double[] flat, int n, int dim, int k) {
    double[][] rows = new double[n][];
    for (int i = 0; i < n; i++) {
      rows[i] = Arrays.copyOfRange(flat, i * dim, (i + 1) * dim);
    }
    return KnnGraph.of(ExactKnn.search(rows, k), KnnGraph.Symmetrization.UNION, KnnGraph.Weighting.GAUSSIAN);
  }

  /** Puts {@link #solver} back to the state before the warm solve; not timed. */
  @State(Scope.Thread)
  public static class Restore {
    @Setup(Level.Invocation)
    public void restore(GraphFusedZStepBench b) {
      b.solver.copyStateFrom(b.warmState);
    }
  }

  @Benchmark
  public int oneIteration() {
    return single.solve(g, zt, ETA).iterations();
  }

  @Benchmark
  public int warmSolve(Restore r) {
    return solver.solve(g, zt, ETA).iterations();
  }

  @Benchmark
  public int lowRankStep() {
    Svt.Result res = LowRankZStep.solve(g, zt, D2, N, ETA, 5.0);
    return res.rank();
  }

  /** Runs this benchmark; arguments are JMH command-line options, e.g. {@code -f 1 -wi 1 -i 3}. */
  public static void main(String[] args) throws RunnerException, CommandLineOptionException {
    new Runner(new OptionsBuilder()
        .parent(new CommandLineOptions(args))
        .include(GraphFusedZStepBench.class.getName())
        .build()).run();
  }
}
