package org.fedspark.bench;

import java.util.concurrent.TimeUnit;
import org.fedspark.run.DistinctValues;
import org.fedspark.testing.SortedDistinct;
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
 * Counting one upload's distinct values, as a recorded round does for every upload
 * ({@code update_distinct_values}): 7,850 values of a float64 update, nearly all distinct.
 * {@code hashed} is {@link DistinctValues}, {@code sorted} the copy, sort and scan it replaced. Both
 * fork with the launcher's compiler ({@code -XX:TieredStopAtLevel=1}). Run it with
 * {@code bin/jmh UploadStatsBench -wi 3 -i 5 -w 1s -r 1s}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-XX:TieredStopAtLevel=1")
public class UploadStatsBench {
  static final int D = 7850;

  double[][] uploads;
  int next;

  @Setup(Level.Trial)
  public void setup() {
    uploads = ReproducibleSumBench.updates(64, D, 7);
  }

  @Benchmark
  public long hashed() {
    double[] u = uploads[next++ & 63];
    DistinctValues set = new DistinctValues(u.length);
    for (double x : u) {
      set.add(x);
    }
    return set.count();
  }

  @Benchmark
  public long sorted() {
    return SortedDistinct.count(uploads[next++ & 63]);
  }
}
