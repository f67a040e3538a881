package org.fedspark.bench;

import breeze.generic.UFunc;
import breeze.linalg.CSCMatrix;
import breeze.linalg.DenseVector;
import breeze.linalg.DenseVector$;
import breeze.math.MutableInnerProductVectorSpace;
import breeze.optimize.linear.ConjugateGradient;
import breeze.storage.Zero;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.fedspark.graph.KnnGraph;
import org.fedspark.optim.Csr;
import org.fedspark.optim.Pcg;
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
 * One full solve of {@code X·(I + c·L) = B} as in a graph-fused server step: N = 10,000 nodes on the
 * symmetrised 10-nearest-neighbour graph of random points in 10 dimensions (Gaussian-kernel weights,
 * {@code w = exp(−d²/median d²)}), c = 1, d₂ = 100 right-hand sides, relative tolerance 1e-6.
 *
 * <ul>
 *   <li>{@code pcgCold}: {@link Pcg#solveRows} from X = 0.
 *   <li>{@code pcgWarm}: from the solution for the previous B, which differs by 1% (relative): the
 *       usual situation from one federated round to the next.
 *   <li>{@code breezeCgCold}: Breeze's {@code ConjugateGradient} (no preconditioner) on the same
 *       system stored as a {@code CSCMatrix} of {@code I + c·L}, rows in parallel the same way, from 0,
 *       with the absolute tolerance {@code 1e-6·‖b‖} so both stop at the same residual.
 * </ul>
 *
 * <p>Run with {@code bin/jmh LaplacianSolveBench}. The setup prints the graph's size, degree bound and
 * iteration counts, and refuses to time solvers that do not reach the tolerance.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class LaplacianSolveBench {
  static final int N = 10_000;
  static final int DIM = 10;
  static final int K = 10;
  static final int RHS = 100;
  static final double C = 1.0;
  static final double TOL = 1e-6;
  static final int MAX_IT = 2000;

  Csr laplacian;
  Pcg pcg;
  double[] b;
  double[] previous; // solution for the previous round's B
  double[] x;
  CSCMatrix<Object> breezeMatrix;
  ConjugateGradient<DenseVector<Object>, CSCMatrix<Object>>[] breezeCg;

  @Setup(Level.Trial)
  public void setup() {
    SplittableRandom rng = new SplittableRandom(2015);
    laplacian = knnLaplacian(rng);
    pcg = new Pcg(laplacian, C);
    double[] bPrev = new double[RHS * N];
    for (int i = 0; i < bPrev.length; i++) {
      bPrev[i] = rng.nextGaussian();
    }
    b = bPrev.clone();
    for (int i = 0; i < b.length; i++) {
      b[i] += 0.01 * rng.nextGaussian();
    }
    previous = new double[RHS * N];
    Pcg.Report prev = pcg.solveRows(bPrev, previous, RHS, TOL, MAX_IT);
    x = new double[RHS * N];
    Pcg.Report cold = pcg.solveRows(b, x, RHS, TOL, MAX_IT);
    System.arraycopy(previous, 0, x, 0, x.length);
    Pcg.Report warm = pcg.solveRows(b, x, RHS, TOL, MAX_IT);
    if (!prev.allConverged() || !cold.allConverged() || !warm.allConverged()) {
      throw new IllegalStateException("PCG did not converge");
    }
    breezeMatrix = breezeOperator(laplacian, C);
    @SuppressWarnings("unchecked")
    ConjugateGradient<DenseVector<Object>, CSCMatrix<Object>>[] cgs = new ConjugateGradient[RHS];
    breezeCg = cgs;
    for (int k = 0; k < RHS; k++) {
      double bNorm = norm(b, k * N);
      breezeCg[k] = breezeSolver(TOL * bNorm);
    }
    double worst = breezeSolveAll();
    if (!(worst <= TOL * (1 + 1e-6))) {
      throw new IllegalStateException("Breeze CG stopped at relative residual " + worst);
    }
    System.out.printf("# N = %d, stored entries %d, 2·max weighted degree %.2f (κ ≤ %.1f)%n", N,
        laplacian.nonZeros(), laplacian.maxAbsRowSum(), 1 + C * laplacian.maxAbsRowSum());
    System.out.printf("# PCG iterations per row: cold mean %.1f max %d; warm mean %.1f max %d; Breeze worst residual %.2e%n",
        cold.totalIterations() / (double) RHS, cold.maxIterations(),
        warm.totalIterations() / (double) RHS, warm.maxIterations(), worst);
  }

  /** The Laplacian of a symmetric 10-NN graph of uniform random points, Gaussian weights (fedspark's builder). */
  static Csr knnLaplacian(SplittableRandom rng) {
    double[] p = new double[N * DIM];
    for (int i = 0; i < p.length; i++) {
      p[i] = rng.nextDouble();
    }
    KnnGraph g = GraphFusedZStepBench.knnGraph(p, N, DIM, K);
    return Csr.laplacian(N, g.from(), g.to(), g.weights());
  }

  /** {@code I + c·L} as a Breeze CSCMatrix: symmetric, so the CSR arrays are its CSC arrays. */
  static CSCMatrix<Object> breezeOperator(Csr l, double c) {
    int[] ptr = l.rowPtr();
    int[] idx = l.colIdx();
    double[] v = l.values();
    for (int i = 0; i < l.size(); i++) {
      for (int p = ptr[i]; p < ptr[i + 1]; p++) {
        v[p] = c * v[p] + (idx[p] == i ? 1 : 0);
      }
    }
    @SuppressWarnings("unchecked")
    Zero<Object> zero = (Zero<Object>) breeze.storage.Zero$.MODULE$.DoubleZero();
    return new CSCMatrix<>(v, l.size(), l.size(), ptr, idx, zero);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static ConjugateGradient<DenseVector<Object>, CSCMatrix<Object>> breezeSolver(double absTol) {
    MutableInnerProductVectorSpace<DenseVector<Object>, Object> space =
        (MutableInnerProductVectorSpace) DenseVector$.MODULE$.space_Double();
    UFunc.UImpl2 mult = breeze.linalg.operators.HasOps$.MODULE$.canMulM_DV_Double();
    return new ConjugateGradient<>(Double.POSITIVE_INFINITY, MAX_IT, 0.0, absTol, space, mult);
  }

  /** Solves every row with Breeze from 0 into x and returns the worst true relative residual. */
  double breezeSolveAll() {
    double[] worst = new double[RHS];
    IntStream.range(0, RHS).parallel().forEach(k -> {
      DenseVector<Object> rhs = new DenseVector<>(Arrays.copyOfRange(b, k * N, (k + 1) * N));
      DenseVector<Object> x0 = new DenseVector<>(new double[N]);
      DenseVector<Object> sol = breezeCg[k].minimize(rhs, breezeMatrix, x0);
      double[] s = (double[]) sol.data();
      System.arraycopy(s, 0, x, k * N, N);
      double[] ax = new double[N];
      pcg.applyOperator(s, 0, ax);
      double rr = 0;
      for (int i = 0; i < N; i++) {
        double r = b[k * N + i] - ax[i];
        rr += r * r;
      }
      worst[k] = Math.sqrt(rr) / norm(b, k * N);
    });
    return Arrays.stream(worst).max().orElseThrow();
  }

  static double norm(double[] v, int off) {
    double s = 0;
    for (int i = 0; i < N; i++) {
      s += v[off + i] * v[off + i];
    }
    return Math.sqrt(s);
  }

  @Benchmark
  public long pcgCold() {
    Arrays.fill(x, 0.0);
    return pcg.solveRows(b, x, RHS, TOL, MAX_IT).totalIterations();
  }

  @Benchmark
  public long pcgWarm() {
    System.arraycopy(previous, 0, x, 0, x.length);
    return pcg.solveRows(b, x, RHS, TOL, MAX_IT).totalIterations();
  }

  @Benchmark
  public double breezeCgCold() {
    return breezeSolveAll();
  }

  /** Runs this benchmark; arguments are JMH command-line options, e.g. {@code -f 1 -wi 1 -i 3}. */
  public static void main(String[] args) throws RunnerException, CommandLineOptionException {
    new Runner(new OptionsBuilder()
        .parent(new CommandLineOptions(args))
        .include(LaplacianSolveBench.class.getName())
        .build()).run();
  }
}
