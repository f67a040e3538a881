package org.fedspark.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.fedspark.codec.Message;
import org.junit.jupiter.api.Test;

class UpdateAccumulatorTest {

  private static Message upd(double w, double... delta) {
    return Message.builder().vector("delta", delta).vector("z", new double[] {w}).scalar("weight", w).build();
  }

  @Test
  void weightedMeanAndCollectedVectors() {
    AggregationSpec spec = new AggregationSpec("weight", Set.of("z"));
    UpdateAccumulator a = new UpdateAccumulator(spec).add(0, upd(1, 1, 2)).add(3, upd(3, 5, -2));
    UpdateAccumulator b = new UpdateAccumulator(spec).add(7, Message.EMPTY);
    RoundAggregate r = a.merge(b).result();
    assertEquals(2, r.numUpdates());
    assertEquals(4.0, r.totalWeight());
    assertArrayEquals(new double[] {4.0, -1.0}, r.weightedMean("delta"), 1e-15);
    assertEquals(Set.of(0, 3), r.collected().keySet());
    assertArrayEquals(new double[] {3}, r.collected().get(3).vector("z"));
    assertEquals(4.0, r.scalarSums().get("weight"));
  }

  @Test
  void missingWeightCountsAsOne() {
    UpdateAccumulator a = new UpdateAccumulator(AggregationSpec.weightedSums());
    a.add(0, Message.builder().vector("w", new double[] {2}).build());
    a.add(1, Message.builder().vector("w", new double[] {4}).build());
    assertArrayEquals(new double[] {3}, a.result().weightedMean("w"));
  }
}
