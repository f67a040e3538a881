package org.fedspark.run;

import java.io.Serializable;
import org.fedspark.codec.VectorCodec;
import org.fedspark.codec.WireFormat;
import org.fedspark.server.AggregationSpec;
import org.fedspark.server.ReproducibleSum;
import org.fedspark.server.UpdateAccumulator;

/**
 * What the engine folds over a round's {@link ClientRoundResult}s in one {@code treeAggregate}: the
 * decoded uploads (for the server), the exact count of uploaded bytes, and the training loss. All parts
 * are order-independent, so the round's numbers do not depend on the partitioning.
 */
final class RoundAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;

  final UpdateAccumulator updates;
  final ReproducibleSum lossSum = new ReproducibleSum(1);
  long examples;
  long uplinkBytes;
  int participants;

  RoundAccumulator(AggregationSpec spec) {
    updates = new UpdateAccumulator(spec);
  }

  RoundAccumulator add(ClientRoundResult<?> r, VectorCodec codec) {
    if (!r.sampled()) {
      return this;
    }
    participants++;
    uplinkBytes += r.update().length;
    updates.add(r.clientId(), WireFormat.decode(r.update(), codec));
    if (r.examples() > 0) {
      lossSum.addAt(0, r.lossSum());
      examples += r.examples();
    }
    return this;
  }

  RoundAccumulator merge(RoundAccumulator o) {
    updates.merge(o.updates);
    lossSum.merge(o.lossSum);
    examples += o.examples;
    uplinkBytes += o.uplinkBytes;
    participants += o.participants;
    return this;
  }

  double trainLoss() {
    return examples == 0 ? Double.NaN : lossSum.get(0) / examples;
  }
}
