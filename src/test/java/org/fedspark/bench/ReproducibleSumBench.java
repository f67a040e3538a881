package org.fedspark.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.fedspark.server.ReproducibleSum;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Adding one upload to a round's exact sum, as every client's update is added on its task: a vector of
 * the size of {@code fmnist-fedavg.conf}'s model (7,850 values, half of them negative, as an update's
 * are) scaled by the client's weight. {@code bulk} is {@link ReproducibleSum#addScaled}, {@code perElement}
 * the same arithmetic through {@link ReproducibleSum#addAt} one element at a time, the way
 * {@code addScaled} did it before. The {@code C1} variants fork with the launcher's compiler
 * ({@code -XX:TieredStopAtLevel=1}), the {@code C1C2} ones with the JVM's default. Run it with
 * {@code bin/jmh ReproducibleSumBench -wi 3 -i 5}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ReproducibleSumBench {
  static final int D = 7850;
  /** A client's weight, n_k / n: 1/560. */
  static final double SCALE = 1.0 / 560;

  double[][] uploads;
  ReproducibleSum sum;
  int next;

  @Setup(Level.Trial)
  public void setup() {
    uploads = updates(64, D, 7);
    sum = new ReproducibleSum(D);
  }

  /** {@code count} updates of {@code d} values like a client's after one epoch: N(0, 0.01²), half negative. */
  static double[][] updates(int count, int d, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] out = new double[count][d];
    for (double[] u : out) {
      for (int i = 0; i < d; i++) {
        u[i] = 0.01 * rng.nextGaussian();
      }
    }
    return out;
  }

  @Benchmark
  @Fork(value = 1, jvmArgsAppend = "-XX:TieredStopAtLevel=1")
  public ReproducibleSum bulkC1() {
    sum.addScaled(uploads[next++ & 63], SCALE);
    return sum;
  }

  @Benchmark
  @Fork(value = 1, jvmArgsAppend = "-XX:TieredStopAtLevel=1")
  public ReproducibleSum perElementC1() {
    return perElement();
  }

  @Benchmark
  @Fork(1)
  public ReproducibleSum bulkC1C2() {
    sum.addScaled(uploads[next++ & 63], SCALE);
    return sum;
  }

  @Benchmark
  @Fork(1)
  public ReproducibleSum perElementC1C2() {
    return perElement();
  }

  private ReproducibleSum perElement() {
    double[] u = uploads[next++ & 63];
    for (int i = 0; i < D; i++) {
      sum.addAt(i, SCALE * u[i]);
    }
    return sum;
  }
}
