package org.fedspark.run;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.storage.StorageLevel;
import org.fedspark.client.ClientMetric;
import org.fedspark.client.ClientStrategy;
import org.fedspark.codec.Codebook;
import org.fedspark.codec.CodecContext;
import org.fedspark.codec.CoordinateOrder;
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
 * The Spark mechanics of a round, independent of any algorithm: ship the server's messages, run the
 * client half in every client's partition, combine the uploads with one {@code treeAggregate}, and
 * keep the clients' new state where the clients live.
 *
 * <p><b>Messages.</b> The shared part travels inside the round's tasks when it is small and the round
 * keeps no client state, else as one broadcast ({@link Shipped}). Per-client messages (a client's
 * personal block after a server-side solve) are cut into one map per partition and each map becomes a
 * broadcast of its own, read only by the task of that partition: an RDD co-partitioned with the
 * clients whose partitions are fetched from the driver's block manager on demand. Nothing else moves
 * (no shuffle, no join), the per-client messages are not inside task binaries, and an executor fetches
 * only the messages of the partitions it runs.
 *
 * <p><b>State.</b> Client state is an RDD aligned with the data RDD. A run without client state (a
 * stateless algorithm and no error feedback) builds its state RDD once (its empty slots carry the
 * per-client messages). Otherwise it is replaced
 * each round by the new state (persisted, the old one unpersisted) and checkpointed every few rounds,
 * so that its lineage, and the cost of recovering a lost partition, stays bounded. The broadcasts a
 * state's lineage refers to are kept until a checkpoint cuts that lineage, then destroyed, so the
 * driver does not accumulate one round of messages per round.
 *
 * <p><b>One job per round.</b> A round is one Spark job. Without client state it runs only on the
 * partitions that hold a sampled client ({@code runJob} on a subset of partitions), and each task
 * returns its partitions' folded {@link RoundAccumulator}, which the driver merges (the merge is exact
 * and order-independent, so the result does not depend on which tasks ran or in which order). With
 * client state every partition must move its state forward, so the job runs on all of them (the
 * unsampled clients only pass their state through); the new state is what the job computes and
 * caches, and each task returns what its partitions folded ({@link TaskFolds}), so a partition computed
 * again outside its round is never counted twice. There is no second job to materialize the state.
 *
 * <p><b>One task per thread, balanced.</b> On a local master, a job runs at most one task per thread
 * over the partitions it needs, weighed by their work (the sampled clients' training examples, or the
 * test examples of an evaluation), so that a round does not wait for the thread that happened to get
 * most of its clients. A stateless round's and an evaluation's tasks take the partitions from one
 * queue, largest first, as each finishes the last ({@link PartitionQueue}); a round with client state,
 * whose job caches the partitions' new states, gives each task a fixed group of about equal work
 * ({@link TaskGroups}).
 *
 * <p><b>Small tasks.</b> The client half ({@link ClientRuntime}: the algorithm, the model, the codecs)
 * is broadcast once per run; a round's functions carry its handle and the round's message (or, above
 * {@link Shipped#INLINE_BYTES}, a second broadcast handle). The functions handed
 * to Spark are named classes, not lambdas, because Spark's closure cleaner re-reads a lambda's class
 * file with ASM every time it is given one, and each job's call site is set rather than found by
 * walking the stack.
 */
final class RoundEngine {
  private static final int TREE_DEPTH = 2;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RoundEngine.class);

  private final JavaSparkContext jsc;
  private final JavaRDD<ClientData> data;
  private final ClientPartitioner partitioner;
  private final ClientRuntime runtime;
  /** {@link #runtime}, broadcast once for the whole run. */
  private final Broadcast<ClientRuntime> runtimeBc;
  private final boolean stateful;
  private final Transport transport;
  private final long seed;
  private final int checkpointEvery;
  private final List<ClientMetric> metrics;
  /** A local master's threads, over which jobs are balanced ({@link PartitionQueue}, {@link TaskGroups}); 0 elsewhere. */
  private final int slots;
  /** A local master's one executor, as a Spark task location (where the balanced tasks run); null elsewhere. */
  private final String localExecutor;
  /** Clients per partition: the work of passing every client's state through. */
  private final long[] clientsPerPartition;
  /** Each client's training examples, by which rounds are balanced (null until {@link #clientSizes}: 1 each). */
  private int[] trainCounts;
  /** An evaluation's work per partition: its clients' test examples (once {@link #clientSizes} gave them), plus 1 per client. */
  private long[] evalWork;

  private Stragglers stragglers = Stragglers.NONE;
  private JavaRDD<ClientSlot> states;
  private String lastCheckpoint;
  /** Broadcasts that the current state's lineage refers to (since its last checkpoint). */
  private final List<Broadcast<?>> inLineage = new ArrayList<>();

  /**
   * The traffic, training loss and client metrics of one round.
   *
   * @param valuesHeld mean over participants of the values a client held this round: its state plus
   *     what it received
   * @param clientMetrics the declared client metrics combined over the participants, in declared order
   */
  record RoundTraffic(long uplinkBytes, long downlinkBytes, int participants, double trainLoss, double valuesHeld,
      Map<String, Double> clientMetrics, double compressionRatio, double uploadDistinct, double uploadRuns,
      double uplinkValues, double downlinkValues) {}

  /**
   * A round's outcome: the combined decoded uploads, the broadcast as the clients decoded it (what the
   * server must move from, when the downlink codec is lossy), each client's own message as it decoded
   * it ({@code perClientDelivered}: empty when the downlink codec is lossless or there are none) and
   * the traffic.
   */
  record RoundResult(RoundAggregate aggregate, Message delivered, Map<Integer, Message> perClientDelivered,
      RoundTraffic traffic) {}

  /** An evaluation: every client's result, and the bytes its messages cost. */
  record Evaluation(List<ClientEval> clients, long downlinkBytes) {
    /** Whether some client's personalized model differs from the global one (or there is no global one). */
    boolean anyOwnModel() {
      return clients.stream().anyMatch(ClientEval::ownModel);
    }
  }

  /** An engine with {@code codec} both ways and nothing else (uncompressed transport with float64). */
  RoundEngine(JavaSparkContext jsc, JavaRDD<ClientData> data, ClientPartitioner partitioner, ClientStrategy client,
      Model model, long seed, VectorCodec codec, int checkpointEvery) {
    this(jsc, data, partitioner, client, model, seed, Transport.plain(codec), checkpointEvery);
  }

  RoundEngine(JavaSparkContext jsc, JavaRDD<ClientData> data, ClientPartitioner partitioner, ClientStrategy client,
      Model model, long seed, Transport transport, int checkpointEvery) {
    this.jsc = jsc;
    this.data = data;
    this.partitioner = partitioner;
    this.runtime = new ClientRuntime(client, model, seed, transport);
    this.stateful = runtime.keepsState();
    this.transport = transport;
    this.seed = seed;
    this.checkpointEvery = checkpointEvery;
    this.metrics = List.copyOf(client.clientMetrics());
    this.clientsPerPartition = partitioner.clientsPerPartition();
    this.evalWork = clientsPerPartition.clone();
    this.slots = jsc.sc().isLocal() ? jsc.defaultParallelism() : 0;
    org.apache.spark.storage.BlockManagerId self = org.apache.spark.SparkEnv.get().blockManager().blockManagerId();
    this.localExecutor = slots > 0 ? "executor_" + self.host() + "_" + self.executorId() : null;
    this.runtimeBc = jsc.broadcast(runtime);
    this.states = data.mapPartitions(new InitialStates(runtimeBc), true).persist(StorageLevel.MEMORY_AND_DISK());
  }

  /**
   * Continues from saved client states (a resume point) instead of the initial ones; their lineage is
   * a read of the saved files, so it needs no checkpoint of its own.
   */
  void restoreStates(JavaRDD<ClientSlot> saved) {
    states.unpersist(false);
    states = saved.persist(StorageLevel.MEMORY_AND_DISK());
  }

  /**
   * The clients' training and test examples, by which a local master's jobs are balanced over its
   * threads; without them every client counts as one.
   */
  void clientSizes(int[] train, int[] test) {
    if (train.length != partitioner.numClients() || test.length != partitioner.numClients()) {
      throw new IllegalArgumentException("sizes of " + train.length + " and " + test.length + " clients for "
          + partitioner.numClients() + " clients");
    }
    this.trainCounts = train.clone();
    long[] work = clientsPerPartition.clone();
    for (int client = 0; client < test.length; client++) {
      work[partitioner.partitionOf(client)] += test[client];
    }
    this.evalWork = work;
  }

  /** Simulates stragglers from now on (systems heterogeneity); {@link Stragglers#NONE} by default. */
  void stragglers(Stragglers s) {
    this.stragglers = s;
  }

  /**
   * Runs round {@code round} for the sampled clients; returns the combined uploads and the decoded
   * broadcast (both handed to the server by the caller) and the round's traffic. With {@code recorded}
   * false (a round whose metrics row is not written) the traffic's upload-shape figures
   * ({@link RoundTraffic#uploadDistinct}, {@link RoundTraffic#uploadRuns}) are not measured and read 0.
   */
  RoundResult fit(int round, int[] sampled, RoundPlan plan, AggregationSpec spec, boolean recorded) {
    for (int client : plan.perClient().keySet()) {
      if (Arrays.binarySearch(sampled, client) < 0) {
        throw new IllegalArgumentException("round " + round + ": message for client " + client
            + ", which was not sampled (keep it on the server until the client is sampled, or send it with configureEvaluate)");
      }
    }
    List<Broadcast<?>> created = new ArrayList<>();
    byte[] shared = WireFormat.encode(plan.broadcast(), transport.downlink(),
        Transport.context(seed, round, -1, CodecContext.Direction.DOWNLINK), null);
    Message delivered = WireFormat.decode(shared, transport.downlink());
    CoordinateOrder order = sampled.length == 0 ? null : transport.orderFor(seed, delivered);
    long downlink = (long) shared.length * sampled.length;
    Stragglers.Draw draw = stragglers.draw(round, sampled);
    // A stateful round's message stays in the next rounds' lineage until a checkpoint: by broadcast (Shipped).
    Shipped<ClientRuntime.RoundBroadcast> bc = Shipped.of(jsc,
        new ClientRuntime.RoundBroadcast(round, shared, sampled, order, draw, stragglers.drop(), recorded),
        shared.length + 4L * sampled.length + (order == null ? 0 : 4L * order.perm().length), !stateful);
    if (bc.broadcast() != null) {
      created.add(bc.broadcast());
    }
    long[] perClientBytes = {0};
    Map<Integer, Message> perClientDelivered = transport.downlink().lossless() ? null : new HashMap<>();
    JavaRDD<ClientSlot> slots = plan.perClient().isEmpty() ? states
        : attachInboxes(states, plan.perClient(), round, CodecContext.Direction.DOWNLINK, created, perClientBytes,
            perClientDelivered);
    downlink += perClientBytes[0];
    callSite("round " + round);
    int[] partial = stragglers.drop() ? new int[0] : draw.ids();
    RoundFold fold = new RoundFold(spec, metrics.size(), partial);
    RoundAccumulator acc = new RoundAccumulator(spec, metrics.size(), partial);
    boolean checkpoint = stateful && round % checkpointEvery == 0;
    JavaRDD<ClientSlot> next = null;
    try {
      if (stateful) {
        next = JavaRDD.fromRDD(data.rdd().zipPartitions(slots.rdd(), true,
            new FitKeepingState(runtimeBc, bc, fold), SLOT_TAG, SLOT_TAG), SLOT_TAG)
            .persist(StorageLevel.MEMORY_AND_DISK());
        if (checkpoint) {
          next.checkpoint();
        }
        Object folded = runBalanced(next.rdd(), new DrainTaskFolds<ClientSlot>(fold, round), roundWork(sampled, true), ACC_TAG,
            false);
        for (RoundAccumulator a : (RoundAccumulator[]) folded) {
          acc.merge(a);
        }
      } else {
        RDD<ClientRoundResult> results = data.rdd().zipPartitions(slots.rdd(), true, new Fit(runtimeBc, bc), SLOT_TAG,
            RESULT_TAG);
        Object folded = runBalanced(results, new Fold(runtimeBc, bc, fold), roundWork(sampled, false), ACC_TAG, true);
        for (RoundAccumulator a : (RoundAccumulator[]) folded) {
          acc.merge(a);
        }
      }
    } finally {
      callSite(null);
    }
    try {
      if (!acc.updates.isFinite()) {
        throw new DivergenceException(round, "a client uploaded NaN, infinite or absurdly large (>= 2^62) values");
      }
      if (acc.examples > 0 && !Double.isFinite(acc.trainLoss())) {
        throw new DivergenceException(round, "the training loss is NaN, infinite or absurdly large (>= 2^62)");
      }
      if (acc.nonFiniteState != null) {
        throw new DivergenceException(round, "client " + acc.nonFiniteClient + "'s personal state '" + acc.nonFiniteState
            + "' has NaN or infinite values");
      }
      if (!acc.metricSums.isFinite()) {
        throw new DivergenceException(round, "a client reported an infinite or absurdly large (>= 2^62) metric value");
      }
    } catch (DivergenceException e) {
      if (next != null) {
        next.unpersist(false);
      }
      throw e;
    }
    if (stateful) {
      states.unpersist(false);
      states = next;
      if (checkpoint) {
        dropOlderCheckpoint(next);
        // The new state no longer depends on any earlier round's messages.
        inLineage.forEach(b -> b.destroy());
        inLineage.clear();
        created.forEach(b -> b.destroy());
      } else {
        // Not destroy(): the new state's lineage (until its next checkpoint) still refers to these
        // broadcasts, and Spark may need them to recompute a lost partition.
        created.forEach(b -> b.unpersist(false));
        inLineage.addAll(created);
      }
    } else {
      created.forEach(b -> b.destroy());
    }
    Map<String, Double> clientMetrics = new java.util.LinkedHashMap<>();
    for (int i = 0; i < metrics.size(); i++) {
      clientMetrics.put(metrics.get(i).name(), acc.metric(i, metrics.get(i).aggregate() == ClientMetric.Aggregate.SUM));
    }
    double held = acc.participants == 0 ? Double.NaN : (double) acc.valuesHeld / acc.participants;
    // Values each way per participant: what the parameter counts of a method mean for its traffic.
    double upValues = acc.participants == 0 ? Double.NaN : (double) acc.uploadedValues / acc.participants;
    long downValues = ClientRuntime.valueCount(plan.broadcast()) * (long) sampled.length;
    for (org.fedspark.codec.Message m : plan.perClient().values()) {
      downValues += ClientRuntime.valueCount(m);
    }
    RoundTraffic traffic = new RoundTraffic(acc.uplinkBytes, downlink, acc.participants, acc.trainLoss(), held,
        clientMetrics, acc.compressionRatio(), acc.meanUploadDistinct(), acc.meanUploadRuns(), upValues,
        sampled.length == 0 ? Double.NaN : (double) downValues / sampled.length);
    RoundAggregate aggregate = acc.updates.result();
    if (draw.ids().length > 0) {
      java.util.TreeSet<Integer> ids = new java.util.TreeSet<>();
      Arrays.stream(draw.ids()).forEach(ids::add);
      aggregate = stragglers.drop()
          ? aggregate.withStragglers(new java.util.TreeSet<>(), ids, null)
          : aggregate.withStragglers(ids, new java.util.TreeSet<>(), acc.onTime.result());
    }
    return new RoundResult(aggregate, delivered, perClientDelivered == null ? Map.of() : perClientDelivered, traffic);
  }

  /**
   * Evaluates every client: its personalized model and the global model (if given) on its test split.
   * Both travel through the downlink codec, so clients evaluate what they would have received, and
   * their bytes are counted: (evaluation message + global model) per client plus the per-client
   * messages.
   */
  Evaluation evaluate(int round, RoundPlan evalPlan, double[] global) {
    EvalRound e = evalRound(round, evalPlan, global);
    Shipped<ClientRuntime.EvalBroadcast> bc = e.broadcast();
    callSite("evaluation, round " + round);
    try {
      RDD<ClientEval> evals = data.rdd().zipPartitions(e.slots().rdd(), true, new Evaluate(runtimeBc, bc), SLOT_TAG,
          EVAL_TAG);
      Object columns = runBalanced(evals, new PackEvals(), evalWork, COLUMNS_TAG, true);
      List<ClientEval> all = new ArrayList<>();
      for (EvalColumns c : (EvalColumns[]) columns) {
        c.unpack(all);
      }
      // in client order, whichever partitions a task grouped
      all.sort(java.util.Comparator.comparingInt(ClientEval::clientId));
      long bytes = (long) (bc.value().message().length + bc.value().global().length) * all.size() + e.perClientBytes();
      return new Evaluation(all, bytes);
    } finally {
      callSite(null);
      e.created().forEach(b -> b.destroy());
    }
  }

  /**
   * Hands {@code sink} every client's personalized model for round {@code round} (built as
   * {@link #evaluate} builds it, from the same messages through the same codec) and the global model
   * as clients decode it (null without one); the RDD is valid only inside {@code sink}.
   *
   * @param anyOwnModel false when an evaluation of this very round found every client's personalized
   *     model equal to the global one ({@link Evaluation#anyOwnModel}): then no client has a model of
   *     its own, {@code sink} gets a null RDD, and no job visits the clients to find that out again
   */
  <T> T personalModels(int round, RoundPlan evalPlan, double[] global, boolean anyOwnModel,
      java.util.function.BiFunction<JavaRDD<ClientRuntime.ClientModel>, double[], T> sink) {
    if (!anyOwnModel && global != null) {
      return sink.apply(null, runtime.decodeGlobal(globalBytes(round, global)));
    }
    EvalRound e = evalRound(round, evalPlan, global);
    ClientRuntime rt = runtime;
    Shipped<ClientRuntime.EvalBroadcast> bc = e.broadcast();
    double[] decodedGlobal = rt.decodeGlobal(bc.value().global());
    try {
      return sink.apply(data.zipPartitions(e.slots(), (d, s) -> rt.personalModels(d, s, bc.value())), decodedGlobal);
    } finally {
      e.created().forEach(b -> b.destroy());
    }
  }

  /** An evaluation's messages, shipped: the shared ones, the state with per-client inboxes, and the broadcasts to destroy after. */
  private record EvalRound(Shipped<ClientRuntime.EvalBroadcast> broadcast, JavaRDD<ClientSlot> slots,
      long perClientBytes, List<Broadcast<?>> created) {}

  /**
   * Encodes the evaluation message and the global model with the downlink codec and ships them ({@link Shipped});
   * attaches the per-client messages.
   */
  private EvalRound evalRound(int round, RoundPlan evalPlan, double[] global) {
    List<Broadcast<?>> created = new ArrayList<>();
    byte[] msg = WireFormat.encode(evalPlan.broadcast(), transport.downlink(),
        Transport.context(seed, round, -1, CodecContext.Direction.EVALUATION), null);
    byte[] globalBytes = global == null ? new byte[0] : globalBytes(round, global);
    Shipped<ClientRuntime.EvalBroadcast> bc = Shipped.of(jsc, new ClientRuntime.EvalBroadcast(round, msg, globalBytes),
        (long) msg.length + globalBytes.length, true);
    if (bc.broadcast() != null) {
      created.add(bc.broadcast());
    }
    long[] perClientBytes = {0};
    JavaRDD<ClientSlot> slots = evalPlan.perClient().isEmpty() ? states
        : attachInboxes(states, evalPlan.perClient(), round, CodecContext.Direction.EVALUATION, created, perClientBytes, null);
    return new EvalRound(bc, slots, perClientBytes[0], created);
  }

  /** The global model as an evaluation of round {@code round} sends it (through the downlink codec). */
  private byte[] globalBytes(int round, double[] global) {
    return WireFormat.encode(Message.builder().vector(ClientRuntime.GLOBAL, global).build(), transport.downlink(),
        Transport.context(seed, round, -2, CodecContext.Direction.EVALUATION), null);
  }

  /** The clients' current state (aligned with the data RDD), for a resume point. */
  JavaRDD<ClientSlot> states() {
    return states;
  }

  /** Releases the cached state and the broadcasts it referred to. */
  void close() {
    states.unpersist(false);
    runtimeBc.destroy();
    inLineage.forEach(b -> b.destroy());
    inLineage.clear();
  }

  /**
   * Deletes the previous checkpoint once a newer one is written: the state's lineage now starts at the
   * new one, so the old files are never read again, and a long run keeps one checkpoint on disk
   * instead of one per {@code checkpoint-every} rounds.
   */
  private void dropOlderCheckpoint(JavaRDD<ClientSlot> checkpointed) {
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
   * partition (by the same partitioner), encoded one partition at a time and each non-empty map is
   * broadcast on its own, so the driver never holds more than one partition's encoded messages outside
   * its block manager (which may spill them to disk); the task of partition i reads broadcast i only,
   * so each partition receives only its own clients' messages. Adds the bytes encoded to
   * {@code bytes[0]}, and each message as its client will decode it to {@code decoded} (unless null).
   */
  private JavaRDD<ClientSlot> attachInboxes(JavaRDD<ClientSlot> st, Map<Integer, Message> perClient, int round,
      CodecContext.Direction direction, List<Broadcast<?>> created, long[] bytes, Map<Integer, Message> decoded) {
    int p = partitioner.numPartitions();
    List<List<Integer>> clientsOf = new ArrayList<>(p);
    for (int i = 0; i < p; i++) {
      clientsOf.add(new ArrayList<>());
    }
    perClient.keySet().forEach(client -> clientsOf.get(partitioner.partitionOf(client)).add(client));
    ArrayList<Broadcast<HashMap<Integer, byte[]>>> inboxes = new ArrayList<>(p);
    for (List<Integer> clients : clientsOf) {
      HashMap<Integer, byte[]> m = new HashMap<>();
      for (int client : clients) {
        byte[] b = WireFormat.encode(perClient.get(client), transport.downlink(),
            Transport.context(seed, round, client, direction), null);
        bytes[0] += b.length;
        m.put(client, b);
        if (decoded != null) {
          decoded.put(client, WireFormat.decode(b, transport.downlink()));
        }
      }
      Broadcast<HashMap<Integer, byte[]>> b = m.isEmpty() ? null : jsc.broadcast(m);
      inboxes.add(b);
      if (b != null) {
        created.add(b);
      }
    }
    return st.mapPartitionsWithIndex((index, s) -> {
      Broadcast<HashMap<Integer, byte[]>> b = inboxes.get(index);
      Map<Integer, byte[]> mine = b == null ? Map.of() : b.value();
      List<ClientSlot> out = new ArrayList<>();
      while (s.hasNext()) {
        ClientSlot slot = s.next();
        out.add(new ClientSlot(slot.clientId(), slot.state(), mine.get(slot.clientId())));
      }
      return out.iterator();
    }, true);
  }

  /** Names the jobs and RDDs created until the next call ({@code null}: back to Spark's own call sites). */
  private void callSite(String what) {
    String v = what == null ? null : "fedspark " + what;
    jsc.setLocalProperty("callSite.short", v);
    jsc.setLocalProperty("callSite.long", v);
  }

  /** Partition ids {@code 0 … count−1}, as {@code runJob} takes them. */
  static scala.collection.immutable.Seq<Object> partitionIds(int count) {
    List<Object> all = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      all.add(i);
    }
    return scala.jdk.javaapi.CollectionConverters.asScala(all).toList();
  }

  /**
   * Runs {@code func} on the partitions of {@code rdd} whose {@code work} is positive: one task per
   * partition, or, on a local master, one task per thread (at most), placed on its one executor. There
   * the tasks take the partitions from one queue as they go, largest work first ({@link PartitionQueue}),
   * when {@code anyTask} says that which task computes a partition changes no result; otherwise (a round
   * whose job caches the clients' new states) each task computes a group of partitions with about equal
   * work ({@link TaskGroups}); and the tasks hand their results over in memory ({@link InJvmResults}).
   * Returns one result per task.
   */
  private <T, U> Object runBalanced(RDD<T> rdd, scala.Function2<org.apache.spark.TaskContext, scala.collection.Iterator<T>, U> func,
      long[] work, scala.reflect.ClassTag<U> outTag, boolean anyTask) {
    if (slots > 0 && Arrays.stream(work).anyMatch(w -> w > 0)) {
      RDD<T> balanced = anyTask ? PartitionQueue.of(rdd, work, slots, localExecutor)
          : TaskGroups.apply(rdd, TaskGroups.of(work, slots).at(localExecutor));
      long job = InJvmResults.newJob();
      try {
        Object attempts = jsc.sc().runJob(balanced, InJvmResults.hand(job, func), partitionIds(balanced.getNumPartitions()),
            LONG_TAG);
        return InJvmResults.take(job, attempts, outTag);
      } finally {
        InJvmResults.forget(job);
        if (balanced instanceof PartitionQueue<?> queue) {
          PartitionQueue.forget(queue);
        }
      }
    }
    List<Object> needed = new ArrayList<>();
    for (int p = 0; p < work.length; p++) {
      if (work[p] > 0) {
        needed.add(p);
      }
    }
    return jsc.sc().runJob(rdd, func, scala.jdk.javaapi.CollectionConverters.asScala(needed).toList(), outTag);
  }

  /**
   * A round's work per partition: its sampled clients' training examples (at least 1 each) and, when
   * every partition must carry its clients' state forward, 1 per client for that.
   */
  private long[] roundWork(int[] sampled, boolean allPartitions) {
    long[] work = allPartitions ? clientsPerPartition.clone() : new long[partitioner.numPartitions()];
    for (int client : sampled) {
      work[partitioner.partitionOf(client)] += trainCounts == null ? 1 : Math.max(1, trainCounts[client]);
    }
    return work;
  }

  private static final scala.reflect.ClassTag<ClientSlot> SLOT_TAG = scala.reflect.ClassTag$.MODULE$.apply(ClientSlot.class);
  private static final scala.reflect.ClassTag<ClientRoundResult> RESULT_TAG =
      scala.reflect.ClassTag$.MODULE$.apply(ClientRoundResult.class);
  private static final scala.reflect.ClassTag<RoundAccumulator> ACC_TAG =
      scala.reflect.ClassTag$.MODULE$.apply(RoundAccumulator.class);
  private static final scala.reflect.ClassTag<ClientEval> EVAL_TAG = scala.reflect.ClassTag$.MODULE$.apply(ClientEval.class);
  private static final scala.reflect.ClassTag<EvalColumns> COLUMNS_TAG =
      scala.reflect.ClassTag$.MODULE$.apply(EvalColumns.class);
  private static final scala.reflect.ClassTag<Long> LONG_TAG = scala.reflect.ClassTag$.MODULE$.apply(Long.class);
  private static final scala.reflect.ClassTag<Object> INT_TAG = scala.reflect.ClassTag$.MODULE$.Int();

  private static <T> java.util.Iterator<T> java(scala.collection.Iterator<T> it) {
    return scala.jdk.javaapi.CollectionConverters.asJava(it);
  }

  private static <T> scala.collection.Iterator<T> scala(java.util.Iterator<T> it) {
    return scala.jdk.javaapi.CollectionConverters.asScala(it);
  }

  /** The per-round parameters of folding a partition's results into a {@link RoundAccumulator}. */
  record RoundFold(AggregationSpec spec, int numMetrics, int[] stragglers) implements java.io.Serializable {
    RoundAccumulator empty() {
      return new RoundAccumulator(spec, numMetrics, stragglers);
    }

    RoundAccumulator fold(java.util.Iterator<ClientRoundResult> results, ClientRuntime rt, ClientRuntime.RoundBroadcast b) {
      return foldInto(empty(), results, rt, b);
    }

    /** Adds {@code results} to {@code acc}; returns it. */
    RoundAccumulator foldInto(RoundAccumulator acc, java.util.Iterator<ClientRoundResult> results, ClientRuntime rt,
        ClientRuntime.RoundBroadcast b) {
      Codebook codec = rt.uplinkCodebook();
      while (results.hasNext()) {
        acc.add(results.next(), codec, b.order());
      }
      return acc;
    }
  }

  /** Runs the client half on one partition: its clients' results (stateless rounds). */
  private static final class Fit extends scala.runtime.AbstractFunction2<scala.collection.Iterator<ClientData>,
      scala.collection.Iterator<ClientSlot>, scala.collection.Iterator<ClientRoundResult>> implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final Broadcast<ClientRuntime> rt;
    private final Shipped<ClientRuntime.RoundBroadcast> round;

    Fit(Broadcast<ClientRuntime> rt, Shipped<ClientRuntime.RoundBroadcast> round) {
      this.rt = rt;
      this.round = round;
    }

    @Override
    public scala.collection.Iterator<ClientRoundResult> apply(scala.collection.Iterator<ClientData> d,
        scala.collection.Iterator<ClientSlot> s) {
      return scala(rt.value().fit(java(d), java(s), round.value()));
    }
  }

  /** The job function of a stateless round: folds one partition's results into its accumulator. */
  private static final class Fold extends scala.runtime.AbstractFunction2<org.apache.spark.TaskContext,
      scala.collection.Iterator<ClientRoundResult>, RoundAccumulator> implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final Broadcast<ClientRuntime> rt;
    private final Shipped<ClientRuntime.RoundBroadcast> round;
    private final RoundFold fold;

    Fold(Broadcast<ClientRuntime> rt, Shipped<ClientRuntime.RoundBroadcast> round, RoundFold fold) {
      this.rt = rt;
      this.round = round;
      this.fold = fold;
    }

    @Override
    public RoundAccumulator apply(org.apache.spark.TaskContext ctx, scala.collection.Iterator<ClientRoundResult> it) {
      return fold.fold(java(it), rt.value(), round.value());
    }
  }

  /**
   * Runs the client half on one partition of a round with client state: returns the clients' new
   * state (which the job caches) and adds the partition's folded results to its task's {@link TaskFolds}.
   */
  private static final class FitKeepingState extends scala.runtime.AbstractFunction2<scala.collection.Iterator<ClientData>,
      scala.collection.Iterator<ClientSlot>, scala.collection.Iterator<ClientSlot>> implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final Broadcast<ClientRuntime> rt;
    private final Shipped<ClientRuntime.RoundBroadcast> round;
    private final RoundFold fold;

    FitKeepingState(Broadcast<ClientRuntime> rt, Shipped<ClientRuntime.RoundBroadcast> round, RoundFold fold) {
      this.rt = rt;
      this.round = round;
      this.fold = fold;
    }

    @Override
    public scala.collection.Iterator<ClientSlot> apply(scala.collection.Iterator<ClientData> d,
        scala.collection.Iterator<ClientSlot> s) {
      List<ClientRoundResult> results = new ArrayList<>();
      rt.value().fit(java(d), java(s), round.value()).forEachRemaining(results::add);
      if (results.stream().anyMatch(ClientRoundResult::sampled)) {
        ClientRuntime.RoundBroadcast b = round.value();
        fold.foldInto(TaskFolds.of(org.apache.spark.TaskContext.get(), b.round(), fold), results.iterator(), rt.value(), b);
      }
      List<ClientSlot> next = new ArrayList<>(results.size());
      for (ClientRoundResult r : results) {
        next.add(new ClientSlot(r.clientId(), r.state(), null));
      }
      return scala(next.iterator());
    }
  }

  /**
   * Every client's initial state. A named class that holds the runtime's broadcast, not a lambda that
   * captures the runtime: the states' lineage is serialized into every round's task, and the runtime
   * (client strategy, model, transport) made it several KB more to deserialize.
   */
  private static final class InitialStates
      implements org.apache.spark.api.java.function.FlatMapFunction<java.util.Iterator<ClientData>, ClientSlot> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<ClientRuntime> runtime;

    InitialStates(Broadcast<ClientRuntime> runtime) {
      this.runtime = runtime;
    }

    @Override
    public java.util.Iterator<ClientSlot> call(java.util.Iterator<ClientData> data) {
      return runtime.value().initialStates(data);
    }
  }

  /**
   * What the partitions a task computed in a round with client state folded, merged, until the
   * round's job function takes it as the task's result ({@link DrainTaskFolds}). A partition's state is
   * computed (and cached) inside the round's job, so its fold reaches the driver once, with the result
   * of the task that computed it. The same partition computed again elsewhere, by the checkpoint job
   * after a lost cache block or by a later round's job recomputing a lost state from its lineage,
   * folds under its own round into a task whose job function does not take that round's folds: the
   * entry is dropped when the task ends, so nothing is counted twice. Keyed by task attempt (unique in
   * the application) and round.
   */
  static final class TaskFolds {
    private record Key(long attempt, int round) {}

    private static final java.util.concurrent.ConcurrentHashMap<Key, RoundAccumulator> BY_TASK =
        new java.util.concurrent.ConcurrentHashMap<>();

    private TaskFolds() {}

    /** The task's accumulator for {@code round}, made (empty) on first use; only the task's own thread touches it. */
    static RoundAccumulator of(org.apache.spark.TaskContext ctx, int round, RoundFold fold) {
      Key key = new Key(ctx.taskAttemptId(), round);
      RoundAccumulator acc = BY_TASK.get(key);
      if (acc == null) {
        acc = fold.empty();
        BY_TASK.put(key, acc);
        ctx.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) c -> BY_TASK.remove(key));
      }
      return acc;
    }

    /** The task's accumulator for {@code round}, removed; null when none of its partitions had a sampled client. */
    static RoundAccumulator take(org.apache.spark.TaskContext ctx, int round) {
      return BY_TASK.remove(new Key(ctx.taskAttemptId(), round));
    }

    /** Folds not taken yet (tasks still running, or ended without their listener having run). */
    static int pending() {
      return BY_TASK.size();
    }
  }

  /**
   * The job function of a round with client state: walks its partitions (computing and caching their
   * new state) and returns what they folded ({@link TaskFolds}).
   */
  private static final class DrainTaskFolds<T> extends scala.runtime.AbstractFunction2<org.apache.spark.TaskContext,
      scala.collection.Iterator<T>, RoundAccumulator> implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final RoundFold fold;
    private final int round;

    DrainTaskFolds(RoundFold fold, int round) {
      this.fold = fold;
      this.round = round;
    }

    @Override
    public RoundAccumulator apply(org.apache.spark.TaskContext ctx, scala.collection.Iterator<T> it) {
      while (it.hasNext()) {
        it.next();
      }
      RoundAccumulator folded = TaskFolds.take(ctx, round);
      return folded != null ? folded : fold.empty();
    }
  }

  /** Evaluates one partition's clients. */
  private static final class Evaluate extends scala.runtime.AbstractFunction2<scala.collection.Iterator<ClientData>,
      scala.collection.Iterator<ClientSlot>, scala.collection.Iterator<ClientEval>> implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final Broadcast<ClientRuntime> rt;
    private final Shipped<ClientRuntime.EvalBroadcast> eval;

    Evaluate(Broadcast<ClientRuntime> rt, Shipped<ClientRuntime.EvalBroadcast> eval) {
      this.rt = rt;
      this.eval = eval;
    }

    @Override
    public scala.collection.Iterator<ClientEval> apply(scala.collection.Iterator<ClientData> d,
        scala.collection.Iterator<ClientSlot> s) {
      return scala(rt.value().evaluate(java(d), java(s), eval.value()));
    }
  }

  /** The job function of an evaluation: a partition's results as a few primitive arrays. */
  private static final class PackEvals extends scala.runtime.AbstractFunction2<org.apache.spark.TaskContext,
      scala.collection.Iterator<ClientEval>, EvalColumns> implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public EvalColumns apply(org.apache.spark.TaskContext ctx, scala.collection.Iterator<ClientEval> it) {
      List<ClientEval> all = new ArrayList<>();
      java(it).forEachRemaining(all::add);
      return EvalColumns.pack(all);
    }
  }

  /**
   * A partition's evaluation results, column by column: what travels back to the driver is a few
   * primitive arrays (about 50 bytes per client), not one serialized object per client.
   */
  record EvalColumns(int[] ids, long[] counts, double[] personalLoss, long[] personalCorrect, boolean[] hasGlobal,
      double[] globalLoss, long[] globalCorrect, boolean[] ownModel) implements java.io.Serializable {
    static EvalColumns pack(List<ClientEval> evals) {
      int n = evals.size();
      EvalColumns c = new EvalColumns(new int[n], new long[n], new double[n], new long[n], new boolean[n], new double[n],
          new long[n], new boolean[n]);
      for (int i = 0; i < n; i++) {
        ClientEval e = evals.get(i);
        c.ids[i] = e.clientId();
        c.counts[i] = e.testCount();
        c.personalLoss[i] = e.personalLossSum();
        c.personalCorrect[i] = e.personalCorrect();
        c.hasGlobal[i] = e.hasGlobal();
        c.globalLoss[i] = e.globalLossSum();
        c.globalCorrect[i] = e.globalCorrect();
        c.ownModel[i] = e.ownModel();
      }
      return c;
    }

    void unpack(List<ClientEval> into) {
      for (int i = 0; i < ids.length; i++) {
        into.add(new ClientEval(ids[i], counts[i], personalLoss[i], personalCorrect[i], hasGlobal[i], globalLoss[i],
            globalCorrect[i], ownModel[i]));
      }
    }
  }
}
