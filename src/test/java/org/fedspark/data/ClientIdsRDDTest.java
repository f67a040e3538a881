package org.fedspark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.fedspark.testing.LocalSparkTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientIdsRDDTest extends LocalSparkTest {
  /** Each partition holds exactly the ids its partitioner sends there, ascending, with no shuffle behind them. */
  @ParameterizedTest
  @CsvSource({"100, 2", "7, 3", "10, 4", "3, 5", "1, 1", "10001, 16"})
  void partitionsHoldWhatThePartitionerAssignsAscendingWithoutAShuffle(int clients, int partitions) {
    ClientPartitioner layout = new ClientPartitioner(clients, partitions);
    JavaPairRDD<Integer, Integer> ids = ClientLayout.clientIds(JavaSparkContext.fromSparkContext(sc), layout);

    assertEquals(layout, ids.rdd().partitioner().get());
    assertEquals(layout.numPartitions(), ids.getNumPartitions());
    assertTrue(ids.rdd().dependencies().isEmpty(), "the ids must not come from a shuffle");

    List<List<scala.Tuple2<Integer, Integer>>> parts = ids.glom().collect();
    int expected = 0;
    for (int p = 0; p < parts.size(); p++) {
      List<Integer> want = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        if (layout.getPartition(c) == p) {
          want.add(c);
        }
      }
      List<Integer> got = new ArrayList<>();
      for (scala.Tuple2<Integer, Integer> t : parts.get(p)) {
        assertEquals(t._1(), t._2());
        got.add(t._1());
      }
      assertEquals(want, got, "partition " + p);
      expected += want.size();
    }
    assertEquals(clients, expected);
    // A narrow transformation that preserves partitioning keeps the layout, as the sources rely on.
    assertEquals(layout, ids.mapPartitions(it -> ClientLayout.sortedIds(it).iterator(), true).rdd().partitioner().get());
  }
}
