package org.fedspark.run;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.fedspark.client.ClientContext;
import org.fedspark.client.ClientStrategy;
import org.fedspark.client.FitResult;
import org.fedspark.codec.Message;
import org.fedspark.codec.VectorCodec;
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
final class ClientRuntime<S extends Serializable> implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What every sampled client receives in a round. */
  record RoundBroadcast(int round, byte[] message, int[] sampled) implements Serializable {
    boolean isSampled(int clientId) {
      return Arrays.binarySearch(sampled, clientId) >= 0;
    }
  }

  /** What every client receives for evaluation: the evaluation message and the global model, if any. */
  record EvalBroadcast(int round, byte[] message, double[] global) implements Serializable {}

  private final ClientStrategy<S> client;
  private final Model model;
  private final long seed;
  private final VectorCodec codec;

  ClientRuntime(ClientStrategy<S> client, Model model, long seed, VectorCodec codec) {
    this.client = client;
    this.model = model;
    this.seed = seed;
    this.codec = codec;
  }

  Iterator<ClientSlot<S>> initialStates(Iterator<ClientData> data) {
    List<ClientSlot<S>> out = new ArrayList<>();
    while (data.hasNext()) {
      ClientData c = data.next();
      ClientContext ctx = new ClientContext(c.clientId(), 0, c.train(), model, seed);
      out.add(new ClientSlot<>(c.clientId(), client.initialState(ctx), null));
    }
    return out.iterator();
  }

  Iterator<ClientRoundResult<S>> fit(Iterator<ClientData> data, Iterator<ClientSlot<S>> slots, RoundBroadcast b) {
    Message shared = null;
    List<ClientRoundResult<S>> out = new ArrayList<>();
    while (data.hasNext()) {
      ClientData c = data.next();
      ClientSlot<S> slot = next(slots, c);
      if (!b.isSampled(c.clientId())) {
        if (client.stateful()) {
          out.add(new ClientRoundResult<>(c.clientId(), false, slot.state(), new byte[0], 0, 0));
        }
        continue;
      }
      if (shared == null) {
        shared = WireFormat.decode(b.message(), codec);
      }
      Message in = slot.inbox() == null ? shared : merge(shared, WireFormat.decode(slot.inbox(), codec));
      ClientContext ctx = new ClientContext(c.clientId(), b.round(), c.train(), model, seed);
      FitResult<S> r = client.fit(ctx, slot.state(), in);
      byte[] up = WireFormat.encode(r.update(), codec);
      double lossSum = r.stats().examples() > 0 ? r.stats().meanLoss() * r.stats().examples() : 0;
      out.add(new ClientRoundResult<>(c.clientId(), true, r.state(), up, lossSum, r.stats().examples()));
    }
    if (slots.hasNext()) {
      throw new IllegalStateException("state partition has more clients than the data partition");
    }
    return out.iterator();
  }

  Iterator<ClientEval> evaluate(Iterator<ClientData> data, Iterator<ClientSlot<S>> slots, EvalBroadcast b) {
    Message msg = WireFormat.decode(b.message(), codec);
    List<ClientEval> out = new ArrayList<>();
    while (data.hasNext()) {
      ClientData c = data.next();
      ClientSlot<S> slot = next(slots, c);
      Message in = slot.inbox() == null ? msg : merge(msg, WireFormat.decode(slot.inbox(), codec));
      ClientContext ctx = new ClientContext(c.clientId(), b.round(), c.train(), model, seed);
      double[] personal = client.personalModel(ctx, slot.state(), in);
      EvalStats p = model.evaluate(personal, c.test());
      EvalStats g = EvalStats.EMPTY;
      if (b.global() != null) {
        g = Arrays.equals(personal, b.global()) ? p : model.evaluate(b.global(), c.test());
      }
      out.add(new ClientEval(c.clientId(), p.count(), p.lossSum(), p.correct(), b.global() != null, g.lossSum(),
          g.correct()));
    }
    return out.iterator();
  }

  private static <S extends Serializable> ClientSlot<S> next(Iterator<ClientSlot<S>> slots, ClientData c) {
    if (!slots.hasNext()) {
      throw new IllegalStateException("no state for client " + c.clientId() + ": partitions are misaligned");
    }
    ClientSlot<S> s = slots.next();
    if (s.clientId() != c.clientId()) {
      throw new IllegalStateException("state of client " + s.clientId() + " met data of client " + c.clientId());
    }
    return s;
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
