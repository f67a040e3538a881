package org.fedspark.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/** Where clients live under a {@link ClientPartitioner}, and an RDD of client ids laid out that way. */
final class ClientLayout {
  private ClientLayout() {}

  /**
   * The first client of partition {@code p}: clients {@code [first(p), first(p+1))} are exactly those
   * with {@code floor(c·P/N) = p}, i.e. {@code c ≥ p·N/P}.
   */
  static int firstClient(ClientPartitioner partitioner, int p) {
    long n = partitioner.numClients();
    long parts = partitioner.numPartitions();
    return (int) ((p * n + parts - 1) / parts);
  }

  /**
   * One record per client id, partitioned by {@code partitioner} (so {@code mapPartitions(…, true)} on
   * it keeps the partitioner) and ascending within each partition, made where each partition runs
   * ({@link ClientIdsRDD}, no shuffle). Only ids travel: a client's data is made where its partition runs.
   */
  static JavaPairRDD<Integer, Integer> clientIds(JavaSparkContext jsc, ClientPartitioner partitioner) {
    scala.reflect.ClassTag<Integer> tag = scala.reflect.ClassTag$.MODULE$.apply(Integer.class);
    return JavaPairRDD.fromRDD(new ClientIdsRDD(jsc.sc(), partitioner), tag, tag);
  }

  /** The client ids of one partition of {@link #clientIds}, in ascending order (as {@link ClientIdsRDD} makes them). */
  static List<Integer> sortedIds(Iterator<Tuple2<Integer, Integer>> records) {
    List<Integer> ids = new ArrayList<>();
    records.forEachRemaining(t -> ids.add(t._1()));
    return ids;
  }
}
