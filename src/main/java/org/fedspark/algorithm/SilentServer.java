package org.fedspark.algorithm;

import java.util.Optional;
import org.fedspark.codec.Message;
import org.fedspark.server.RoundAggregate;
import org.fedspark.server.RoundPlan;
import org.fedspark.server.ServerContext;
import org.fedspark.server.ServerStrategy;

/** The server of local-only training: it sends nothing, receives nothing and has no global model. */
public final class SilentServer implements ServerStrategy {
  @Override
  public void initialize(ServerContext ctx) {}

  @Override
  public RoundPlan configureFit(int round, int[] sampledClients) {
    return RoundPlan.broadcast(Message.EMPTY);
  }

  @Override
  public void aggregateFit(int round, RoundAggregate aggregate) {}

  @Override
  public RoundPlan configureEvaluate(int round) {
    return RoundPlan.broadcast(Message.EMPTY);
  }

  @Override
  public Optional<double[]> globalModel() {
    return Optional.empty();
  }
}
