package org.fedspark.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.fedspark.client.ClientContext;
import org.fedspark.client.ClientState;
import org.fedspark.client.ClientStrategy;
import org.fedspark.client.FitResult;
import org.fedspark.client.TrainStats;
import org.fedspark.codec.Float64Codec;
import org.fedspark.codec.Message;
import org.fedspark.data.ClientData;
import org.fedspark.data.ClientPartitioner;
import org.fedspark.data.LocalDataset;
import org.fedspark.model.Model;
import org.fedspark.model.Models;
import org.fedspark.server.AggregationSpec;
import org.fedspark.server.RoundAggregate;
import org.fedspark.server.RoundPlan;
import org.fedspark.testing.LocalSparkTest;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/**
 * The Spark work a round costs: one job per round; without client state its tasks run only on the
 * partitions holding a sampled client; with client state the same single job moves every partition's
 * state forward (no second job), and what it aggregated is counted once per partition even when a
 * partition is computed again outside its round.
 */
class RoundJobsTest extends LocalSparkTest {
  private static final Model MODEL = Models.create("softmax", 2, 2, 1, 0);
  private static final int P = MODEL.layout().size();
  private static final int CLIENTS = 20;
  /** 5 partitions of 4 consecutive clients each. */
  private static final ClientPartitioner PARTS = new ClientPartitioner(CLIENTS, 5);

  /** Uploads Δ = (id, …, id) with weight 1; with state, counts the rounds it trained in. */
  static final class CountingClient implements ClientStrategy {
    private final boolean stateful;

    CountingClient(boolean stateful) {
      this.stateful = stateful;
    }

    @Override
    public boolean stateful() {
      return stateful;
    }

    @Override
    public ClientState initialState(ClientContext ctx) {
      return stateful ? ClientState.of("rounds", new double[] {0}) : ClientState.EMPTY;
    }

    @Override
    public FitResult fit(ClientContext ctx, ClientState state, Message in) {
      double[] delta = new double[P];
      java.util.Arrays.fill(delta, ctx.clientId());
      ClientState next = stateful ? ClientState.of("rounds", new double[] {state.vector("rounds")[0] + 1}) : state;
      return new FitResult(next, Message.builder().vector("delta", delta).scalar("weight", 1).build(), TrainStats.NONE);
    }

    @Override
    public double[] personalModel(ClientContext ctx, ClientState state, Message in) {
      return new double[P];
    }
  }

  /** Jobs started and the partitions their tasks ran on, per job. */
  static final class JobsSeen extends SparkListener {
    final List<Integer> jobs = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> taskPartitions = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onJobStart(SparkListenerJobStart e) {
      jobs.add(e.jobId());
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart e) {
      taskPartitions.add(e.taskInfo().partitionId());
    }

    void clear() {
      jobs.clear();
      taskPartitions.clear();
    }
  }

  private JavaRDD<ClientData> clients(JavaSparkContext jsc) {
    List<Tuple2<Integer, ClientData>> list = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      list.add(new Tuple2<>(c, new ClientData(c, LocalDataset.empty(2), LocalDataset.empty(2))));
    }
    JavaRDD<ClientData> data = jsc.parallelizePairs(list).partitionBy(PARTS).values().cache();
    data.count();
    return data;
  }

  private void drainListeners() {
    try {
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("Spark's listener bus did not drain", e);
    }
  }

  @Test
  void aStatelessRoundIsOneJobOnTheSampledClientsPartitionsOnly() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<ClientData> data = clients(jsc);
    RoundEngine engine = new RoundEngine(jsc, data, PARTS, new CountingClient(false), MODEL, 7, Float64Codec.INSTANCE, 5);
    JobsSeen seen = new JobsSeen();
    spark.sparkContext().addSparkListener(seen);
    try {
      drainListeners();
      seen.clear();
      int[] sampled = {1, 2, 17}; // partitions 0 and 4
      RoundAggregate a = engine.fit(1, sampled, RoundPlan.broadcast(Message.EMPTY), new AggregationSpec("weight", Set.of()), true)
          .aggregate();
      drainListeners();
      assertEquals(1, seen.jobs.size(), "jobs of one round");
      // on a local master the partitions a job needs run in groups, one task per group (TaskGroupsTest
      // checks that a partition without work is not computed)
      assertEquals(2, seen.taskPartitions.size(), "two partitions hold a sampled client: two tasks on local[2]");
      assertEquals(3, a.numUpdates());
      assertEquals(20.0, a.weightedSums().get("delta")[0], "1 + 2 + 17");

      seen.clear();
      RoundAggregate none = engine.fit(2, new int[0], RoundPlan.broadcast(Message.EMPTY),
          new AggregationSpec("weight", Set.of()), true).aggregate();
      drainListeners();
      assertEquals(0, none.numUpdates());
      assertEquals(0, seen.taskPartitions.size(), "no sampled client, no task");

      seen.clear();
      RoundAggregate one = engine.fit(5, new int[] {9, 10}, RoundPlan.broadcast(Message.EMPTY),
          new AggregationSpec("weight", Set.of()), true).aggregate();
      drainListeners();
      assertEquals(1, seen.taskPartitions.size(), "both sampled clients in partition 2: one task");
      assertEquals(19.0, one.weightedSums().get("delta")[0]);

      seen.clear();
      RoundAggregate all = engine.fit(6, new int[] {1, 5, 9, 13, 14, 17}, RoundPlan.broadcast(Message.EMPTY),
          new AggregationSpec("weight", Set.of()), true).aggregate();
      drainListeners();
      assertEquals(1, seen.jobs.size(), "jobs of one round");
      assertEquals(2, seen.taskPartitions.size(), "5 partitions with sampled clients on local[2]: one task per thread");
      assertEquals(6, all.numUpdates(), "every sampled client once");
      assertEquals(59.0, all.weightedSums().get("delta")[0], "1 + 5 + 9 + 13 + 14 + 17");

      // The upload-shape figures (a sort of every upload) are measured only for a round whose row is written.
      RoundEngine.RoundTraffic measured = engine.fit(3, sampled, RoundPlan.broadcast(Message.EMPTY),
          new AggregationSpec("weight", Set.of()), true).traffic();
      RoundEngine.RoundTraffic skipped = engine.fit(4, sampled, RoundPlan.broadcast(Message.EMPTY),
          new AggregationSpec("weight", Set.of()), false).traffic();
      assertEquals(1.0, measured.uploadDistinct(), "each upload is one value repeated");
      assertEquals(1.0, measured.uploadRuns());
      assertEquals(0.0, skipped.uploadDistinct());
      assertEquals(0.0, skipped.uploadRuns());
      assertEquals(measured.uplinkBytes(), skipped.uplinkBytes(), "everything else is measured alike");
      assertEquals(0, PartitionQueue.pending(), "the rounds' queues are forgotten");
      assertEquals(0, InJvmResults.pending(), "the rounds' results are taken");
    } finally {
      spark.sparkContext().removeSparkListener(seen);
      engine.close();
      data.unpersist(false);
    }
  }

  @Test
  void aRoundWithClientStateIsOneJobThatAlsoMovesTheStateForward() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<ClientData> data = clients(jsc);
    RoundEngine engine = new RoundEngine(jsc, data, PARTS, new CountingClient(true), MODEL, 7, Float64Codec.INSTANCE, 1000);
    JobsSeen seen = new JobsSeen();
    spark.sparkContext().addSparkListener(seen);
    int[][] rounds = {{0, 5, 9}, {5, 6, 19}, {0, 5, 12, 13}};
    double[] expected = new double[CLIENTS];
    try {
      drainListeners();
      for (int t = 0; t < rounds.length; t++) {
        seen.clear();
        RoundAggregate a = engine.fit(t + 1, rounds[t], RoundPlan.broadcast(Message.EMPTY),
            new AggregationSpec("weight", Set.of()), true).aggregate();
        drainListeners();
        assertEquals(1, seen.jobs.size(), "round " + (t + 1) + ": one job, no second one to materialize the state");
        // every partition moves its state forward (checked below), in one task per thread (TaskGroups)
        assertEquals(2, seen.taskPartitions.size(), "5 partitions on local[2]: one task per thread");
        double sum = 0;
        for (int c : rounds[t]) {
          sum += c;
          expected[c]++;
        }
        assertEquals(rounds[t].length, a.numUpdates());
        assertEquals(sum, a.weightedSums().get("delta")[0]);
      }
      double[] counts = new double[CLIENTS];
      for (ClientSlot s : engine.states().collect()) {
        counts[s.clientId()] = s.state().vector("rounds")[0];
      }
      assertArrayEquals(expected, counts, "rounds each client trained in, kept in its partition");
    } finally {
      spark.sparkContext().removeSparkListener(seen);
      engine.close();
      data.unpersist(false);
    }
  }

  @Test
  void aStatePartitionComputedAgainOutsideItsRoundIsNotCountedAgain() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<ClientData> data = clients(jsc);
    RoundEngine engine = new RoundEngine(jsc, data, PARTS, new CountingClient(true), MODEL, 7, Float64Codec.INSTANCE, 1000);
    AggregationSpec spec = new AggregationSpec("weight", Set.of());
    try {
      RoundAggregate first = engine.fit(1, new int[] {0, 5, 9}, RoundPlan.broadcast(Message.EMPTY), spec, true).aggregate();
      assertEquals(3, first.numUpdates());
      assertEquals(14.0, first.weightedSums().get("delta")[0]);
      // Drop the new state's cached blocks and compute it again in a job of its own: every partition's
      // round-1 client code runs again, and its folds must go nowhere.
      engine.states().unpersist(true);
      assertEquals(CLIENTS, engine.states().count());
      assertEquals(0, RoundEngine.TaskFolds.pending(), "folds of tasks outside a round's job are dropped");
      RoundAggregate second = engine.fit(2, new int[] {5}, RoundPlan.broadcast(Message.EMPTY), spec, true).aggregate();
      assertEquals(1, second.numUpdates(), "round 2 counts its own client only");
      assertEquals(5.0, second.weightedSums().get("delta")[0]);
      double[] counts = new double[CLIENTS];
      for (ClientSlot s : engine.states().collect()) {
        counts[s.clientId()] = s.state().vector("rounds")[0];
      }
      assertEquals(2.0, counts[5], "client 5 trained in both rounds");
      assertEquals(1.0, counts[9]);
      assertEquals(0.0, counts[1]);
    } finally {
      engine.close();
      data.unpersist(false);
    }
  }

  /** A stateless client whose fit fails for client 17, after the other sampled clients are done. */
  static final class FailingClient implements ClientStrategy {
    private final CountingClient counting = new CountingClient(false);

    @Override
    public ClientState initialState(ClientContext ctx) {
      return counting.initialState(ctx);
    }

    @Override
    public FitResult fit(ClientContext ctx, ClientState state, Message in) {
      if (ctx.clientId() == 17) {
        try {
          Thread.sleep(300);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("client 17 fails");
      }
      return counting.fit(ctx, state, in);
    }

    @Override
    public double[] personalModel(ClientContext ctx, ClientState state, Message in) {
      return counting.personalModel(ctx, state, in);
    }
  }

  @Test
  void aFailedRoundLeavesNoResultsOrQueuesBehind() throws InterruptedException {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<ClientData> data = clients(jsc);
    RoundEngine engine = new RoundEngine(jsc, data, PARTS, new FailingClient(), MODEL, 7, Float64Codec.INSTANCE, 5);
    try {
      // clients 1 and 17 are in partitions 0 and 4: two tasks, the one with client 17 fails last
      assertThrows(Exception.class, () -> engine.fit(1, new int[] {1, 17}, RoundPlan.broadcast(Message.EMPTY),
          new AggregationSpec("weight", Set.of()), true));
      long deadline = System.nanoTime() + 5_000_000_000L;
      while ((InJvmResults.pending() > 0 || PartitionQueue.pending() > 0) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(0, InJvmResults.pending(), "the task that succeeded left its result; the failed job dropped it");
      assertEquals(0, PartitionQueue.pending());
    } finally {
      engine.close();
      data.unpersist(false);
    }
  }

  @Test
  void evaluationResultsSurviveThePackingIntoColumns() {
    List<ClientEval> evals = List.of(new ClientEval(4, 10, 2.5, 7, true, 3.5, 6),
        new ClientEval(9, 0, 0, 0, false, 0, 0), new ClientEval(11, 3, 0.25, 3, true, 1e-300, 2),
        new ClientEval(12, 5, 1.5, 4, true, 1.5, 4, false));
    List<ClientEval> back = new ArrayList<>();
    RoundEngine.EvalColumns.pack(evals).unpack(back);
    assertEquals(evals, back);
    assertNotNull(RoundEngine.EvalColumns.pack(List.of()));
  }
}
