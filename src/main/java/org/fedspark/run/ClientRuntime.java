package org.fedspark.run;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.fedspark.client.ClientContext;
import org.fedspark.client.ClientMetric;
import org.fedspark.client.ClientState;
import org.fedspark.client.ClientStrategy;
import org.fedspark.client.FitResult;
import org.fedspark.codec.CodecContext;
import org.fedspark.codec.CoordinateOrder;
import org.fedspark.codec.LambdaStep;
import org.fedspark.codec.Message;
import org.fedspark.codec.WireFormat;
import org.fedspark.data.ClientData;
import org.fedspark.model.EvalStats;
import org.fedspark.model.Model;

/**
 * The executor side of the engine: walks the clients of one partition, in client order, and calls the
 * algorithm's client half once per client with only that client's data, state and messages. It is the
 * client boundary: the one place where a partition's records are handed to client code, one client at
 * a time.
 */
final class ClientRuntime implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * What every sampled client receives in a round; {@code order} is the coordinate order of the
   * uploaded delta, which every client derives from what it received (carried here so it is computed
   * once, not sent: it is not counted as traffic). Also the engine's straggler draw: a straggler gets
   * its epoch budget through its {@link ClientContext} ({@code partial}), or does not run ({@code drop}).
   * {@code uploadStats}: whether the clients measure their uploads' shape ({@link UploadStats}: a sort
   * of every upload), which only a round whose metrics row is written reports.
   */
  record RoundBroadcast(int round, byte[] message, int[] sampled, CoordinateOrder order, Stragglers.Draw stragglers,
      boolean dropStragglers, boolean uploadStats) implements Serializable {
    boolean isSampled(int clientId) {
      return Arrays.binarySearch(sampled, clientId) >= 0;
    }
  }

  /**
   * What every client receives for evaluation: the evaluation message and the global model as a
   * message of its own ({@link #GLOBAL}), both encoded with the downlink codec; {@code global} is
   * empty when the algorithm has no global model.
   */
  record EvalBroadcast(int round, byte[] message, byte[] global) implements Serializable {}

  static final String GLOBAL = "global";

  private final ClientStrategy client;
  private final List<ClientMetric> metrics;
  private final Model model;
  private final long seed;
  private final Transport transport;

  ClientRuntime(ClientStrategy client, Model model, long seed, Transport transport) {
    this.client = client;
    this.metrics = List.copyOf(client.clientMetrics());
    this.model = model;
    this.seed = seed;
    this.transport = transport;
  }

  /** The codecs of the uplink, to decode what the clients uploaded. */
  org.fedspark.codec.Codebook uplinkCodebook() {
    return transport.uplink();
  }

  /** Whether clients keep state between rounds: the algorithm's own, or error-feedback residuals. */
  boolean keepsState() {
    return client.stateful() || transport.errorFeedback();
  }

  Iterator<ClientSlot> initialStates(Iterator<ClientData> data) {
    List<ClientSlot> out = new ArrayList<>();
    while (data.hasNext()) {
      ClientData c = data.next();
      ClientContext ctx = new ClientContext(c.clientId(), 0, c.train(), model, seed);
      out.add(new ClientSlot(c.clientId(), client.initialState(ctx), null));
    }
    return out.iterator();
  }

  Iterator<ClientRoundResult> fit(Iterator<ClientData> data, Iterator<ClientSlot> slots, RoundBroadcast b) {
    Message shared = null;
    List<ClientRoundResult> out = new ArrayList<>();
    while (data.hasNext()) {
      ClientData c = data.next();
      ClientSlot slot = next(slots, c);
      boolean dropped = b.dropStragglers() && b.stragglers().isStraggler(c.clientId());
      if (!b.isSampled(c.clientId()) || dropped) {
        if (keepsState()) {
          out.add(ClientRoundResult.idle(c.clientId(), slot.state()));
        }
        continue;
      }
      if (shared == null) {
        shared = WireFormat.decode(b.message(), transport.downlink());
      }
      Message in = slot.inbox() == null ? shared : merge(shared, WireFormat.decode(slot.inbox(), transport.downlink()));
      ClientContext ctx = new ClientContext(c.clientId(), b.round(), c.train(), model, seed,
          b.stragglers().budgetOf(c.clientId()));
      ClientState kept = slot.state();
      FitResult r = client.fit(ctx, ErrorFeedback.algorithmPart(kept), in);
      Message meant = lambdaStep(r.update(), b);
      if (transport.errorFeedback()) {
        meant = ErrorFeedback.corrected(meant, kept);
      }
      byte[] up = WireFormat.encode(meant, transport.uplink(),
          Transport.context(seed, b.round(), c.clientId(), CodecContext.Direction.UPLINK), b.order());
      // What the server will decode, needed here only to measure the upload's shape or to carry the
      // compression error into the next round (error feedback); the fold decodes the upload itself
      // (RoundAccumulator.add).
      Message arrived = b.uploadStats() || transport.errorFeedback() ? WireFormat.decode(up, transport.uplink(), b.order())
          : null;
      double lossSum = r.stats().examples() > 0 ? r.stats().meanLoss() * r.stats().examples() : 0;
      double[] values = new double[metrics.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = r.metrics().getOrDefault(metrics.get(i).name(), Double.NaN);
      }
      ClientState next = client.stateful() ? r.state() : ClientState.EMPTY;
      if (transport.errorFeedback()) {
        next = ErrorFeedback.withResiduals(carryResiduals(next, kept), meant, arrived);
      }
      long held = next.size() + valueCount(in);
      out.add(new ClientRoundResult(c.clientId(), true, next, up, lossSum, r.stats().examples(), values, held,
          b.uploadStats() ? UploadStats.of(arrived, b.order()) : UploadStats.NONE, next.firstNonFinite()));
    }
    if (slots.hasNext()) {
      throw new IllegalStateException("state partition has more clients than the data partition");
    }
    return out.iterator();
  }

  /** The upload with its delta replaced by the Λ-regularized update (unchanged when γ = 0). */
  private Message lambdaStep(Message update, RoundBroadcast b) {
    double[] delta = update.vectors().get(LambdaStep.DELTA);
    if (!transport.lambda().active() || delta == null) {
      return update;
    }
    Message.Builder m = Message.builder();
    update.scalars().forEach(m::scalar);
    update.vectors().forEach((name, v) -> m.vector(name, name.equals(LambdaStep.DELTA)
        ? transport.lambda().apply(v, b.round(), b.order()) : v));
    return m.build();
  }

  /** Residuals of vectors not uploaded this round stay for when they are. */
  private static ClientState carryResiduals(ClientState next, ClientState kept) {
    ClientState out = next;
    for (var e : kept.vectors().entrySet()) {
      if (e.getKey().startsWith(ErrorFeedback.PREFIX) && !out.has(e.getKey())) {
        out = out.with(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  Iterator<ClientEval> evaluate(Iterator<ClientData> data, Iterator<ClientSlot> slots, EvalBroadcast b) {
    OwnModel owns = new OwnModel();
    return eachPersonalModel(data, slots, b, (c, personal, global) -> {
      EvalStats p = model.evaluate(personal, c.test());
      EvalStats g = EvalStats.EMPTY;
      boolean own = owns.test(personal, global);
      if (global != null) {
        g = own ? model.evaluate(global, c.test()) : p;
      }
      return new ClientEval(c.clientId(), p.count(), p.lossSum(), p.correct(), global != null, g.lossSum(),
          g.correct(), own);
    });
  }

  /**
   * Every client's personalized model exactly as {@link #evaluate} builds it; {@code null} params for
   * a client whose personalized model is the global model (nothing personal to save).
   */
  Iterator<ClientModel> personalModels(Iterator<ClientData> data, Iterator<ClientSlot> slots, EvalBroadcast b) {
    OwnModel owns = new OwnModel();
    return eachPersonalModel(data, slots, b, (c, personal, global) ->
        new ClientModel(c.clientId(), owns.test(personal, global) ? personal : null));
  }

  /**
   * Whether a personalized model differs from the global one (every model is its own when there is no
   * global one), remembered for the last array asked about: clients that evaluate one shared array
   * (FedAvg's received model, uncopied) are compared with the global model once, not once each, which
   * on 10,000 clients was a full pass over the model per client.
   */
  private static final class OwnModel {
    private double[] last;
    private boolean lastOwn;

    boolean test(double[] personal, double[] global) {
      if (personal != last) {
        last = personal;
        lastOwn = global == null || !Arrays.equals(personal, global);
      }
      return lastOwn;
    }
  }

  /** What {@link #eachPersonalModel} does with a client's personalized model and the decoded global one (or null). */
  @FunctionalInterface
  private interface PersonalModelUse<T> {
    T apply(ClientData client, double[] personal, double[] global);
  }

  /** The global model as clients decode an evaluation's bytes of it (null for none: no bytes). */
  double[] decodeGlobal(byte[] bytes) {
    return bytes.length == 0 ? null : WireFormat.decode(bytes, transport.downlink()).vector(GLOBAL);
  }

  /**
   * The one place that builds a client's personalized model for evaluation: the evaluation message
   * (merged with the client's own, if any) decoded through the downlink codec, then the algorithm's
   * {@link ClientStrategy#personalModel}; evaluation and saved models both go through it, so a saved
   * model is exactly the evaluated one.
   */
  private <T> Iterator<T> eachPersonalModel(Iterator<ClientData> data, Iterator<ClientSlot> slots, EvalBroadcast b,
      PersonalModelUse<T> use) {
    Message msg = WireFormat.decode(b.message(), transport.downlink());
    double[] global = decodeGlobal(b.global());
    List<T> out = new ArrayList<>();
    while (data.hasNext()) {
      ClientData c = data.next();
      ClientSlot slot = next(slots, c);
      Message in = slot.inbox() == null ? msg : merge(msg, WireFormat.decode(slot.inbox(), transport.downlink()));
      ClientContext ctx = new ClientContext(c.clientId(), b.round(), c.train(), model, seed);
      out.add(use.apply(c, client.personalModel(ctx, ErrorFeedback.algorithmPart(slot.state()), in), global));
    }
    return out.iterator();
  }

  /** A client's personalized parameters; null when they equal the global model's. */
  record ClientModel(int clientId, double[] params) implements Serializable {}

  private static ClientSlot next(Iterator<ClientSlot> slots, ClientData c) {
    if (!slots.hasNext()) {
      throw new IllegalStateException("no state for client " + c.clientId() + ": partitions are misaligned");
    }
    ClientSlot s = slots.next();
    if (s.clientId() != c.clientId()) {
      throw new IllegalStateException("state of client " + s.clientId() + " met data of client " + c.clientId());
    }
    return s;
  }

  /** Numbers a message carries: its scalars and the entries of its vectors. */
  static long valueCount(Message m) {
    long n = m.scalars().size();
    for (double[] v : m.vectors().values()) {
      n += v.length;
    }
    return n;
  }

  private static Message merge(Message shared, Message own) {
    Message.Builder b = Message.builder();
    shared.scalars().forEach(b::scalar);
    shared.vectors().forEach(b::vector);
    own.scalars().forEach(b::scalar);
    own.vectors().forEach(b::vector);
    return b.build();
  }
}
