package org.fedspark.run;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.fedspark.client.ClientStrategy;
import org.fedspark.codec.Message;
import org.fedspark.codec.VectorCodec;
import org.fedspark.codec.WireFormat;
import org.fedspark.data.ClientData;
import org.fedspark.data.ClientPartitioner;
import org.fedspark.model.Model;
import org.fedspark.server.AggregationSpec;
import org.fedspark.server.RoundAggregate;
import org.fedspark.server.RoundPlan;

/**
 * The Spark mechanics of a round, independent of any algorithm: ship the server's messages (one
 * broadcast for the shared part, per-client messages only to the partition holding the client), run
 * the client half in every client's partition, combine the uploads with one {@code treeAggregate}, and
 * keep the clients' new personal state where the clients live.
 *
 * <p>Personal state is an RDD aligned with the data RDD; each round it is replaced by the new state
 * (persisted, the old one unpersisted) and checkpointed every few rounds so that its lineage, and the
 * cost of recovering a lost partition, stays bounded. Stateless algorithms keep no such RDD.
 */
final class RoundEngine<S extends Serializable> {
  private static final int TREE_DEPTH = 2;

  private final JavaSparkContext jsc;
  private final JavaRDD<ClientData> data;
  private final ClientPartitioner partitioner;
  private final ClientRuntime<S> runtime;
  private final boolean stateful;
  private final VectorCodec codec;
  private final int checkpointEvery;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RoundEngine.class);

  private JavaRDD<ClientSlot<S>> states;
  private String lastCheckpoint;

  /** Uplink and downlink bytes and the training loss of the last round. */
  record RoundTraffic(long uplinkBytes, long downlinkBytes, int participants, double trainLoss) {}

  RoundEngine(JavaSparkContext jsc, JavaRDD<ClientData> data, ClientPartitioner partitioner,
      ClientStrategy<S> client, Model model, long seed, VectorCodec codec, int checkpointEvery) {
    this.jsc = jsc;
    this.data = data;
    this.partitioner = partitioner;
    this.runtime = new ClientRuntime<>(client, model, seed, codec);
    this.stateful = client.stateful();
    this.codec = codec;
    this.checkpointEvery = checkpointEvery;
    ClientRuntime<S> rt = runtime;
    this.states = data.mapPartitions(rt::initialStates, true).persist(StorageLevel.MEMORY_AND_DISK());
  }

  /**
   * Runs round {@code round} for the sampled clients; returns the combined uploads (handed to the
   * server by the caller) and the round's traffic.
   */
  Map.Entry<RoundAggregate, RoundTraffic> fit(int round, int[] sampled, RoundPlan plan, AggregationSpec spec) {
    for (int client : plan.perClient().keySet()) {
      if (Arrays.binarySearch(sampled, client) < 0) {
        throw new IllegalArgumentException("round " + round + ": message for client " + client
            + ", which was not sampled (keep it on the server until the client is sampled, or send it with configureEvaluate)");
      }
    }
    byte[] shared = WireFormat.encode(plan.broadcast(), codec);
    long downlink = (long) shared.length * sampled.length;
    Broadcast<ClientRuntime.RoundBroadcast> bc = jsc.broadcast(new ClientRuntime.RoundBroadcast(round, shared, sampled));
    Map<Integer, byte[]> encoded = encode(plan.perClient());
    for (byte[] b : encoded.values()) {
      downlink += b.length;
    }
    JavaRDD<ClientSlot<S>> slots = encoded.isEmpty() ? states : attachInboxes(states, encoded);
    ClientRuntime<S> rt = runtime;
    JavaRDD<ClientRoundResult<S>> results = data.zipPartitions(slots, (d, s) -> rt.fit(d, s, bc.value()));
    if (stateful) {
      results.persist(StorageLevel.MEMORY_AND_DISK());
    }
    VectorCodec c = codec;
    RoundAccumulator acc = results.treeAggregate(new RoundAccumulator(spec), (a, r) -> a.add(r, c),
        RoundAccumulator::merge, TREE_DEPTH);
    if (!acc.updates.isFinite()) {
      throw new DivergenceException(round, "a client uploaded NaN, infinite or absurdly large (>= 2^62) values");
    }
    if (acc.examples > 0 && !Double.isFinite(acc.trainLoss())) {
      throw new DivergenceException(round, "the training loss is NaN, infinite or absurdly large (>= 2^62)");
    }
    if (stateful) {
      JavaRDD<ClientSlot<S>> next = results.map(r -> new ClientSlot<>(r.clientId(), r.state(), null))
          .persist(StorageLevel.MEMORY_AND_DISK());
      boolean checkpoint = round % checkpointEvery == 0;
      if (checkpoint) {
        next.checkpoint();
      }
      next.count();
      states.unpersist(false);
      results.unpersist(false);
      states = next;
      if (checkpoint) {
        dropOlderCheckpoint(next);
      }
    }
    // Not destroy(): the new state's lineage (until its next checkpoint) still refers to this
    // broadcast, and Spark may need it to recompute a lost partition.
    bc.unpersist(false);
    RoundTraffic traffic = new RoundTraffic(acc.uplinkBytes, downlink, acc.participants, acc.trainLoss());
    return Map.entry(acc.updates.result(), traffic);
  }

  /** Evaluates every client: its personalized model and the global model (if given) on its test split. */
  List<ClientEval> evaluate(int round, RoundPlan evalPlan, double[] global) {
    byte[] msg = WireFormat.encode(evalPlan.broadcast(), codec);
    Broadcast<ClientRuntime.EvalBroadcast> bc = jsc.broadcast(new ClientRuntime.EvalBroadcast(round, msg, global));
    ClientRuntime<S> rt = runtime;
    Map<Integer, byte[]> encoded = encode(evalPlan.perClient());
    JavaRDD<ClientSlot<S>> slots = encoded.isEmpty() ? states : attachInboxes(states, encoded);
    List<ClientEval> out = data.zipPartitions(slots, (d, s) -> rt.evaluate(d, s, bc.value())).collect();
    bc.destroy();
    return out;
  }

  /** Releases the cached state. */
  void close() {
    states.unpersist(false);
  }

  private Map<Integer, byte[]> encode(Map<Integer, Message> perClient) {
    Map<Integer, byte[]> encoded = new HashMap<>();
    perClient.forEach((client, m) -> encoded.put(client, WireFormat.encode(m, codec)));
    return encoded;
  }

  /**
   * Deletes the previous checkpoint once a newer one is written: the state's lineage now starts at the
   * new one, so the old files are never read again, and a long run keeps one checkpoint on disk
   * instead of one per {@code checkpoint-every} rounds.
   */
  private void dropOlderCheckpoint(JavaRDD<ClientSlot<S>> checkpointed) {
    scala.Option<String> file = checkpointed.rdd().getCheckpointFile();
    if (file.isEmpty()) {
      return;
    }
    if (lastCheckpoint != null) {
      try {
        org.apache.hadoop.fs.Path old = new org.apache.hadoop.fs.Path(lastCheckpoint);
        old.getFileSystem(jsc.hadoopConfiguration()).delete(old, true);
      } catch (java.io.IOException e) {
        LOG.warn("could not delete the old checkpoint {}: {}", lastCheckpoint, e.getMessage());
      }
    }
    lastCheckpoint = file.get();
  }

  /**
   * Pairs each client's state with its per-client message. The messages are cut into one map per
   * partition (by the same partitioner), so each partition receives only its own clients' messages.
   */
  private JavaRDD<ClientSlot<S>> attachInboxes(JavaRDD<ClientSlot<S>> st, Map<Integer, byte[]> encoded) {
    int p = partitioner.numPartitions();
    List<HashMap<Integer, byte[]>> perPartition = new ArrayList<>(p);
    for (int i = 0; i < p; i++) {
      perPartition.add(new HashMap<>());
    }
    encoded.forEach((client, bytes) -> perPartition.get(partitioner.partitionOf(client)).put(client, bytes));
    JavaRDD<HashMap<Integer, byte[]>> inbox = jsc.parallelize(perPartition, p);
    return st.zipPartitions(inbox, (Iterator<ClientSlot<S>> s, Iterator<HashMap<Integer, byte[]>> in) -> {
      Map<Integer, byte[]> mine = in.hasNext() ? in.next() : Map.of();
      List<ClientSlot<S>> out = new ArrayList<>();
      while (s.hasNext()) {
        ClientSlot<S> slot = s.next();
        out.add(new ClientSlot<>(slot.clientId(), slot.state(), mine.get(slot.clientId())));
      }
      return out.iterator();
    });
  }
}
