package org.fedspark.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.fedspark.model.Blas;
import org.fedspark.model.ParamLayout;
import org.fedspark.model.SoftmaxRegression;
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
 * Cost of one SGD step's model work, {@code SoftmaxRegression.lossAndGradient}, on an MNIST-shaped
 * minibatch (32 rows × 784 features × 10 classes): the BLAS path against a plain-loop implementation of
 * the same formulas. Not a unit test (JMH runs take minutes): run it with {@code bin/jmh
 * ModelKernelBench} (arguments are JMH command-line options). The fork inherits the host JVM's flags,
 * so {@code FEDSPARK_JAVA_OPTS=-Dfedspark.blas=java bin/jmh} measures the pure-Java BLAS instead of the
 * native one. The BLAS in use is printed in both the host and the fork.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ModelKernelBench {
  static final int N = 32;
  static final int D = 784;
  static final int K = 10;
  static final double WEIGHT_DECAY = 1e-4;

  SoftmaxRegression model;
  double[] params;
  double[] x;
  int[] y;
  double[] grad;

  @Setup(Level.Trial)
  public void setup() {
    SplittableRandom rng = new SplittableRandom(2024);
    model = new SoftmaxRegression(D, K, WEIGHT_DECAY);
    params = new double[model.layout().size()];
    for (int i = 0; i < params.length; i++) {
      params[i] = 0.01 * rng.nextGaussian();
    }
    x = new double[N * D];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextDouble();
    }
    y = new int[N];
    for (int i = 0; i < N; i++) {
      y[i] = rng.nextInt(K);
    }
    grad = new double[params.length];
    verifyAgreement();
    System.out.println("# " + Blas.describe());
  }

  /** Refuses to time two implementations that do not compute the same thing. */
  private void verifyAgreement() {
    double[] g1 = new double[params.length];
    double[] g2 = new double[params.length];
    double f1 = model.lossAndGradient(params, x, y, N, g1);
    double f2 = loopLossAndGradient(model.layout(), params, x, y, N, g2);
    double worst = Math.abs(f1 - f2) / Math.abs(f2);
    for (int i = 0; i < g1.length; i++) {
      worst = Math.max(worst, Math.abs(g1[i] - g2[i]) / Math.max(1e-12, Math.abs(g2[i])));
    }
    if (!(worst < 1e-9)) {
      throw new IllegalStateException("BLAS and loop results differ, relative error " + worst);
    }
  }

  @Benchmark
  public double blas() {
    return model.lossAndGradient(params, x, y, N, grad);
  }

  @Benchmark
  public double loops() {
    return loopLossAndGradient(model.layout(), params, x, y, N, grad);
  }

  /**
   * The same objective and gradient as {@link SoftmaxRegression#lossAndGradient} with plain loops,
   * ordered so every inner loop runs over contiguous memory (so the JIT can vectorise it): a fair
   * non-BLAS baseline, not a strawman.
   */
  static double loopLossAndGradient(ParamLayout layout, double[] p, double[] x, int[] y, int n, double[] grad) {
    int w = layout.block("W").offset();
    int b = layout.block("b").offset();
    double[] s = new double[n * K];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < K; c++) {
        double acc = p[b + c];
        int wr = w + c * D;
        int xr = i * D;
        for (int j = 0; j < D; j++) {
          acc += p[wr + j] * x[xr + j];
        }
        s[i * K + c] = acc;
      }
    }
    double loss = 0;
    for (int i = 0; i < n; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < K; c++) {
        max = Math.max(max, s[i * K + c]);
      }
      double z = 0;
      for (int c = 0; c < K; c++) {
        z += Math.exp(s[i * K + c] - max);
      }
      loss += max + Math.log(z) - s[i * K + y[i]];
      for (int c = 0; c < K; c++) {
        s[i * K + c] = (Math.exp(s[i * K + c] - max) / z - (c == y[i] ? 1 : 0)) / n;
      }
    }
    double squares = 0;
    for (int i = 0; i < K * D; i++) {
      squares += p[w + i] * p[w + i];
      grad[w + i] = WEIGHT_DECAY * p[w + i];
    }
    for (int c = 0; c < K; c++) {
      grad[b + c] = 0;
    }
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < K; c++) {
        double g = s[i * K + c];
        grad[b + c] += g;
        int wr = w + c * D;
        int xr = i * D;
        for (int j = 0; j < D; j++) {
          grad[wr + j] += g * x[xr + j];
        }
      }
    }
    return loss / n + 0.5 * WEIGHT_DECAY * squares;
  }

  /** Runs this benchmark; arguments are JMH command-line options, e.g. {@code -f 1 -wi 2 -i 3}. */
  public static void main(String[] args) throws RunnerException, CommandLineOptionException {
    System.out.println("# host JVM: " + Blas.describe());
    new Runner(new OptionsBuilder()
        .parent(new CommandLineOptions(args))
        .include(ModelKernelBench.class.getName())
        .build()).run();
  }
}
