package org.fedspark.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.Dependency;
import org.apache.spark.Partition;
import org.apache.spark.Partitioner;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import scala.Option;
import scala.Tuple2;
import scala.reflect.ClassTag$;

/**
 * The client ids {@code 0 … N−1} as {@code (id, id)} records, already laid out by a
 * {@link ClientPartitioner}: partition {@code p} computes the ids {@code [first(p), first(p+1))} in
 * ascending order, and the RDD declares the partitioner.
 *
 * <p>Why not {@code parallelizePairs(ids).partitionBy(partitioner)}: that shuffle moved nothing but
 * integers, yet it cost a stage of its own when the data was built (shuffle files written and read),
 * and because every per-client RDD of the run descends from it, every later job of the run (each
 * round, each evaluation) carried a shuffle dependency: the scheduler registered a second, skipped
 * stage per job, and every task deserialized the shuffle's lineage. Spark's own RDDs that know their
 * layout (e.g. {@code ShuffledRDD}'s output, {@code CoGroupedRDD}) declare it the same way, by
 * overriding {@code partitioner}.
 */
final class ClientIdsRDD extends RDD<Tuple2<Integer, Integer>> {
  private static final long serialVersionUID = 1L;

  private final ClientPartitioner layout;

  @SuppressWarnings("unchecked")
  ClientIdsRDD(SparkContext sc, ClientPartitioner layout) {
    super(sc, (scala.collection.immutable.Seq<Dependency<?>>) (Object) scala.collection.immutable.Nil$.MODULE$,
        ClassTag$.MODULE$.apply(Tuple2.class));
    this.layout = layout;
  }

  /** One partition: the ids {@code [first, end)}. */
  private record Range(int index, int first, int end) implements Partition {
    @Override
    public int hashCode() {
      return index;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Range r && r.index == index && r.first == first && r.end == end;
    }
  }

  @Override
  public Partition[] getPartitions() {
    Partition[] parts = new Partition[layout.numPartitions()];
    for (int p = 0; p < parts.length; p++) {
      parts[p] = new Range(p, ClientLayout.firstClient(layout, p), ClientLayout.firstClient(layout, p + 1));
    }
    return parts;
  }

  @Override
  public Option<Partitioner> partitioner() {
    return Option.apply(layout);
  }

  @Override
  public scala.collection.Iterator<Tuple2<Integer, Integer>> compute(Partition split, TaskContext context) {
    Range r = (Range) split;
    Iterator<Tuple2<Integer, Integer>> ids = new Iterator<>() {
      private int next = r.first;

      @Override
      public boolean hasNext() {
        return next < r.end;
      }

      @Override
      public Tuple2<Integer, Integer> next() {
        if (next >= r.end) {
          throw new NoSuchElementException();
        }
        Integer c = next++;
        return new Tuple2<>(c, c);
      }
    };
    return scala.jdk.javaapi.CollectionConverters.asScala(ids);
  }
}
