package org.fedspark.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.fedspark.codec.tv.TvAdmm;
import org.fedspark.codec.tv.TvDenoise;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Cost of one Λ client update, ∇ = argmin_w ½‖w − g‖² + γ‖Λw‖₁: the exact O(d) dynamic programming
 * ({@link TvDenoise}) against ADMM ({@link TvAdmm}) run to the same accuracy. "Same accuracy" is fixed
 * in setup: the number of ADMM iterations J is the first at which max_i |u_i − u*_i| ≤ 1e-6·max_i |u*_i|
 * against the exact solution; J is printed and the benchmark then times exactly J iterations.
 *
 * <p>Input: g ~ N(0, 1) per coordinate, γ = 3, so the update has segments of about 35 coordinates at
 * every d; κ = ρλ = 30, the best of {0.1, 0.3, …, 1000} in a sweep at d = 10⁴ for this regime (the
 * best κ grows with the typical segment length). Run: {@code bin/jmh LambdaUpdateBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class LambdaUpdateBench {
  static final double GAMMA = 3;
  static final double KAPPA = 30;
  static final double RELATIVE_ACCURACY = 1e-6;
  static final int MAX_ITERATIONS = 200_000;

  @Param({"1000", "10000", "100000", "1000000"})
  public int d;

  double[] g;
  double[] out;
  TvDenoise exact;
  TvAdmm admm;
  int iterations;

  @Setup(Level.Trial)
  public void setup() {
    SplittableRandom rng = new SplittableRandom(7);
    g = new double[d];
    for (int i = 0; i < d; i++) {
      g[i] = rng.nextGaussian();
    }
    out = new double[d];
    exact = new TvDenoise();
    double[] reference = exact.pinned(g, GAMMA, new double[d]);
    double scale = 0;
    int levels = 1;
    for (int i = 0; i < d; i++) {
      scale = Math.max(scale, Math.abs(reference[i]));
      if (i > 0 && reference[i] != reference[i - 1]) {
        levels++;
      }
    }
    double bound = RELATIVE_ACCURACY * scale;
    int[] reached = {-1};
    new TvAdmm(TvAdmm.Options.fixed(KAPPA, MAX_ITERATIONS)).solve(g, GAMMA, new double[d], (it, u) -> {
      double err = 0;
      for (int i = 0; i < u.length; i++) {
        err = Math.max(err, Math.abs(u[i] - reference[i]));
      }
      if (err <= bound) {
        reached[0] = it;
        return false;
      }
      return true;
    });
    if (reached[0] < 0) {
      throw new IllegalStateException("ADMM did not reach " + RELATIVE_ACCURACY + " in " + MAX_ITERATIONS);
    }
    iterations = reached[0];
    admm = new TvAdmm(TvAdmm.Options.fixed(KAPPA, iterations));
    System.out.println("# d=" + d + ": " + levels + " levels; ADMM (kappa=" + KAPPA + ") needs " + iterations
        + " iterations for max error <= " + RELATIVE_ACCURACY + " * max|u*|");
  }

  @Benchmark
  public double[] exact() {
    return exact.pinned(g, GAMMA, out);
  }

  @Benchmark
  public double[] admm() {
    admm.solve(g, GAMMA, out);
    return out;
  }

  /** Runs this benchmark; arguments are JMH command-line options, e.g. {@code -f 1 -wi 1 -i 2}. */
  public static void main(String[] args) throws RunnerException, CommandLineOptionException {
    new Runner(new OptionsBuilder()
        .parent(new CommandLineOptions(args))
        .include(LambdaUpdateBench.class.getName())
        .build()).run();
  }
}
