package org.fedspark.data;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * Sends every usable row to the partition of its client (one shuffle through the
 * {@link ClientPartitioner}) and builds the clients there: each client's rows in file order, then its
 * seeded train/test split. The client of row g comes from the driver's assignment, broadcast as one
 * int per row; features travel only from executor to executor.
 */
final class ExampleRouter {
  private ExampleRouter() {}

  static JavaRDD<ClientData> route(JavaRDD<RowChunk> chunks, Broadcast<Map<RowChunk.Key, Long>> offsets,
      Broadcast<int[]> clientOf, LabelRule rule, ClientPartitioner layout, double testFraction, long seed) {
    return route(chunks, offsets, clientOf, rule, layout, testFraction, seed, null);
  }

  /**
   * @param ownSplit the dataset's own split: each client's rows are then used as given (training rows
   *     and test rows, each in file order) instead of {@link TrainTestSplit}; null for the seeded split
   */
  static JavaRDD<ClientData> route(JavaRDD<RowChunk> chunks, Broadcast<Map<RowChunk.Key, Long>> offsets,
      Broadcast<int[]> clientOf, LabelRule rule, ClientPartitioner layout, double testFraction, long seed,
      DataSpec.OwnSplit ownSplit) {
    JavaPairRDD<Integer, Example> examples = chunks.flatMapToPair(chunk -> {
      long offset = offsets.value().get(chunk.key);
      int[] assignment = clientOf.value();
      List<Tuple2<Integer, Example>> out = new ArrayList<>(chunk.size());
      for (int i = 0; i < chunk.size(); i++) {
        long g = offset + i;
        int c = assignment[(int) g];
        if (c >= 0) {
          boolean test = ownSplit != null && ownSplit.codeOf(chunk.splits[i]) == 1;
          out.add(new Tuple2<>(c, new Example(g, rule.classOf(chunk.labels[i]), chunk.features[i], test)));
        }
      }
      return out.iterator();
    });
    int width = rule.numFeatures;
    return examples.partitionBy(layout).mapPartitionsWithIndex((p, it) -> {
      List<Tuple2<Integer, Example>> rows = new ArrayList<>();
      it.forEachRemaining(rows::add);
      rows.sort(Comparator.comparingInt((Tuple2<Integer, Example> t) -> t._1()).thenComparingLong(t -> t._2().index));
      int first = ClientLayout.firstClient(layout, p);
      int end = ClientLayout.firstClient(layout, p + 1);
      List<ClientData> out = new ArrayList<>(end - first);
      int pos = 0;
      for (int c = first; c < end; c++) {
        int from = pos;
        while (pos < rows.size() && rows.get(pos)._1() == c) {
          pos++;
        }
        if (ownSplit == null) {
          out.add(TrainTestSplit.split(c, dataset(rows, from, pos, width), testFraction, seed));
        } else {
          out.add(new ClientData(c, dataset(rows.subList(from, pos), false, width),
              dataset(rows.subList(from, pos), true, width)));
        }
      }
      if (pos != rows.size()) {
        throw new IllegalStateException("partition " + p + " received rows of client " + rows.get(pos)._1()
            + " outside its clients [" + first + ", " + end + ")");
      }
      return out.iterator();
    }, true);
  }

  /** The rows of one client that are test rows ({@code test}) or training rows, in file order. */
  private static LocalDataset dataset(List<Tuple2<Integer, Example>> rows, boolean test, int width) {
    List<Tuple2<Integer, Example>> picked = new ArrayList<>();
    for (Tuple2<Integer, Example> r : rows) {
      if (r._2().test == test) {
        picked.add(r);
      }
    }
    return dataset(picked, 0, picked.size(), width);
  }

  private static LocalDataset dataset(List<Tuple2<Integer, Example>> rows, int from, int to, int width) {
    double[] x = new double[(to - from) * width];
    int[] y = new int[to - from];
    for (int i = from; i < to; i++) {
      Example e = rows.get(i)._2();
      System.arraycopy(e.features, 0, x, (i - from) * width, width);
      y[i - from] = e.label;
    }
    return new LocalDataset(x, y, width);
  }
}
