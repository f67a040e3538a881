package org.fedspark.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The sparse Laplacian and the Jacobi-preconditioned CG for {@code (I + c·L) x = b}, against dense
 * references built in the test: {@code L = Q·W·Qᵀ} multiplied out from the incidence matrix, and the
 * dense system solved by Cholesky ({@code dposv}).
 */
class PcgTest {
  static final int N = 60;

  record Graph(int[] from, int[] to, double[] w) {}

  /** Random edges with weights in (0, 2], including a repeated edge and a self-loop. */
  static Graph randomGraph(SplittableRandom rng, int n, int edges) {
    int[] from = new int[edges];
    int[] to = new int[edges];
    double[] w = new double[edges];
    for (int e = 0; e < edges; e++) {
      from[e] = rng.nextInt(n);
      to[e] = rng.nextInt(n);
      w[e] = 2 * (1 - rng.nextDouble());
    }
    from[1] = from[0];
    to[1] = to[0]; // repeated edge: weights add up
    to[2] = from[2]; // self-loop: contributes nothing
    return new Graph(from, to, w);
  }

  /** Dense {@code Q·diag(w)·Qᵀ} with Q's column e equal to {@code e_i − e_j}. */
  static double[] denseLaplacian(int n, Graph g) {
    int m = g.from.length;
    double[] q = new double[n * m];
    for (int e = 0; e < m; e++) {
      q[g.from[e] * m + e] += 1;
      q[g.to[e] * m + e] -= 1;
    }
    double[] l = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int e = 0; e < m; e++) {
          s += q[i * m + e] * g.w[e] * q[j * m + e];
        }
        l[i * n + j] = s;
      }
    }
    return l;
  }

  static double[] denseOperator(double[] l, int n, double c) {
    double[] a = new double[n * n];
    for (int i = 0; i < n * n; i++) {
      a[i] = c * l[i];
    }
    for (int i = 0; i < n; i++) {
      a[i * n + i] += 1;
    }
    return a;
  }

  static double relativeResidual(double[] a, int n, double[] b, double[] x) {
    double[] ax = DenseCheck.multiply(a, n, x);
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      r[i] = b[i] - ax[i];
    }
    return DenseCheck.norm(r) / DenseCheck.norm(b);
  }

  @Test
  void laplacianMatchesIncidenceProduct() {
    SplittableRandom rng = new SplittableRandom(61);
    Graph g = randomGraph(rng, N, 150);
    Csr l = Csr.laplacian(N, g.from, g.to, g.w);
    double[] dense = denseLaplacian(N, g);
    // Column-by-column: L·e_j from the CSR equals column j of the dense product (sums of ≤ 150 terms ≤ 2).
    double[] e = new double[N];
    double[] col = new double[N];
    for (int j = 0; j < N; j++) {
      e[j] = 1;
      l.multiply(e, 0, col, 0);
      e[j] = 0;
      for (int i = 0; i < N; i++) {
        assertEquals(dense[i * N + j], col[i], 1e-13, "L[" + i + "][" + j + "]");
      }
    }
    double maxDegree = 0;
    for (int i = 0; i < N; i++) {
      maxDegree = Math.max(maxDegree, dense[i * N + i]);
      assertEquals(dense[i * N + i], l.diagonal()[i], 1e-13);
    }
    assertEquals(2 * maxDegree, l.maxAbsRowSum(), 1e-12);
    // Stored entries: diagonal plus one per distinct neighbour, never a dense row.
    int expectedNonZeros = 0;
    for (int i = 0; i < N * N; i++) {
      expectedNonZeros += dense[i] != 0 || (i / N == i % N) ? 1 : 0;
    }
    assertEquals(expectedNonZeros, l.nonZeros());
  }

  @Test
  void unweightedEdgesHaveWeightOne() {
    Csr l = Csr.laplacian(3, new int[] {0, 1}, new int[] {1, 2}, null); // path 0 − 1 − 2
    double[] y = new double[3];
    l.multiply(new double[] {1, 2, 4}, 0, y, 0);
    assertArrayEquals(new double[] {1 - 2, 2 * 2 - 1 - 4, 4 - 2}, y, 0.0);
  }

  /**
   * Against the Cholesky solve. The forward-error bound {@code ‖x − x*‖/‖x*‖ ≤ κ·‖r‖/‖b‖} with
   * {@code κ ≤ 1 + 2c·max degree} (Gershgorin) turns the residual tolerance into a tolerance on x.
   */
  @Test
  void solvesTheDenseSystem() {
    SplittableRandom rng = new SplittableRandom(62);
    Graph g = randomGraph(rng, N, 200);
    Csr l = Csr.laplacian(N, g.from, g.to, g.w);
    double[] a = denseOperator(denseLaplacian(N, g), N, 0.7);
    double kappa = 1 + 0.7 * l.maxAbsRowSum();
    Pcg pcg = new Pcg(l, 0.7);
    double tol = 1e-10;
    for (int k = 0; k < 5; k++) {
      double[] b = SvtTest.gaussian(rng, N, 1);
      double[] expected = DenseCheck.choleskySolve(a, N, b);
      double[] x = new double[N];
      Pcg.Solve s = pcg.solve(b, 0, x, 0, tol, 500);
      assertTrue(s.converged());
      double r = relativeResidual(a, N, b, x);
      assertTrue(r <= tol, "residual " + r);
      assertEquals(r, s.relativeResidual(), 1e-14, "reported residual");
      double err = DenseCheck.norm(diff(x, expected)) / DenseCheck.norm(expected);
      assertTrue(err <= kappa * tol, "relative error " + err + " above κ·tol = " + kappa * tol);
      assertTrue(s.iterations() < N, "CG took " + s.iterations() + " iterations on a " + N + "-dimensional system");
    }
  }

  @Test
  void toleranceIsHonoredAndMaxIterationsCaps() {
    SplittableRandom rng = new SplittableRandom(63);
    Graph g = randomGraph(rng, N, 300);
    Csr l = Csr.laplacian(N, g.from, g.to, g.w);
    double c = 3;
    double[] a = denseOperator(denseLaplacian(N, g), N, c);
    Pcg pcg = new Pcg(l, c);
    double[] b = SvtTest.gaussian(rng, N, 1);
    int previous = -1;
    for (double tol : new double[] {1e-2, 1e-5, 1e-8, 1e-11}) {
      double[] x = new double[N];
      Pcg.Solve s = pcg.solve(b, 0, x, 0, tol, 1000);
      double r = relativeResidual(a, N, b, x);
      assertTrue(s.converged() && r <= tol, "tol " + tol + ": residual " + r);
      assertTrue(s.iterations() > previous, "a tighter tolerance must need more iterations");
      previous = s.iterations();
    }
    double[] x = new double[N];
    Pcg.Solve capped = pcg.solve(b, 0, x, 0, 1e-14, 3);
    assertEquals(3, capped.iterations());
    assertFalse(capped.converged());
    assertEquals(relativeResidual(a, N, b, x), capped.relativeResidual(), 1e-14);
  }

  @Test
  void warmStartSavesIterations() {
    SplittableRandom rng = new SplittableRandom(64);
    Graph g = randomGraph(rng, N, 300);
    Pcg pcg = new Pcg(Csr.laplacian(N, g.from, g.to, g.w), 2);
    double[] b = SvtTest.gaussian(rng, N, 1);
    double[] previous = new double[N];
    pcg.solve(b, 0, previous, 0, 1e-10, 1000);
    // The next round's right-hand side moved a little (relative change 1e-3).
    double[] b2 = b.clone();
    for (int i = 0; i < N; i++) {
      b2[i] += 1e-3 * rng.nextGaussian() / Math.sqrt(N) * DenseCheck.norm(b);
    }
    double[] cold = new double[N];
    double[] warm = previous.clone();
    int coldIts = pcg.solve(b2, 0, cold, 0, 1e-10, 1000).iterations();
    int warmIts = pcg.solve(b2, 0, warm, 0, 1e-10, 1000).iterations();
    assertTrue(warmIts < coldIts, "warm " + warmIts + " vs cold " + coldIts);
    assertTrue(DenseCheck.maxAbsDiff(cold, warm) <= 1e-8, "both reach the same solution");
    // Starting at the solution costs no iteration at all.
    double[] exact = cold.clone();
    assertEquals(0, pcg.solve(b2, 0, exact, 0, 1e-6, 1000).iterations());
  }

  @Test
  void rowsInParallelEqualRowsOneByOne() {
    SplittableRandom rng = new SplittableRandom(65);
    Graph g = randomGraph(rng, N, 250);
    Pcg pcg = new Pcg(Csr.laplacian(N, g.from, g.to, g.w), 1);
    int rhs = 9;
    double[] b = SvtTest.gaussian(rng, rhs * N, 1);
    double[] x = SvtTest.gaussian(rng, rhs * N, 0.1); // warm start
    double[] sequential = x.clone();
    Pcg.Report report = pcg.solveRows(b, x, rhs, 1e-9, 500);
    for (int k = 0; k < rhs; k++) {
      Pcg.Solve s = pcg.solve(b, k * N, sequential, k * N, 1e-9, 500);
      assertEquals(s.iterations(), report.iterations()[k]);
      assertEquals(s.relativeResidual(), report.relativeResiduals()[k]);
    }
    assertArrayEquals(sequential, x, 0.0);
    assertTrue(report.allConverged() && report.maxRelativeResidual() <= 1e-9);
  }

  @Test
  void trivialCases() {
    Graph g = randomGraph(new SplittableRandom(66), 10, 20);
    Csr l = Csr.laplacian(10, g.from, g.to, g.w);
    double[] b = SvtTest.gaussian(new SplittableRandom(67), 10, 1);
    double[] x = new double[10];
    // c = 0: the operator is I, and Jacobi-preconditioned CG is exact in one step.
    Pcg.Solve s = new Pcg(l, 0).solve(b, 0, x, 0, 1e-14, 10);
    assertEquals(1, s.iterations());
    assertArrayEquals(b, x, 1e-15);
    // b = 0: x = 0 whatever the start.
    double[] y = SvtTest.gaussian(new SplittableRandom(68), 10, 1);
    assertEquals(0, new Pcg(l, 1).solve(new double[10], 0, y, 0, 1e-8, 10).iterations());
    assertArrayEquals(new double[10], y, 0.0);
  }

  @Test
  void rejectsInvalidInput() {
    assertThrows(IllegalArgumentException.class, () -> Csr.laplacian(3, new int[] {0}, new int[] {1}, new double[] {-1}));
    assertThrows(IllegalArgumentException.class, () -> Csr.laplacian(3, new int[] {0}, new int[] {1}, new double[] {Double.NaN}));
    assertThrows(IllegalArgumentException.class, () -> Csr.laplacian(3, new int[] {0}, new int[] {3}, null));
    assertThrows(IllegalArgumentException.class, () -> Csr.laplacian(3, new int[] {0}, new int[] {1, 2}, null));
    Csr l = Csr.laplacian(3, new int[] {0}, new int[] {1}, null);
    assertThrows(IllegalArgumentException.class, () -> new Pcg(l, -1));
    assertThrows(IllegalArgumentException.class,
        () -> new Pcg(l, 1).solve(new double[] {1, Double.NaN, 0}, 0, new double[3], 0, 1e-6, 10));
  }

  static double[] diff(double[] a, double[] b) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i] - b[i];
    }
    return d;
  }
}
