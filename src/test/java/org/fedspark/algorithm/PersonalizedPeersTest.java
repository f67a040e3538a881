package org.fedspark.algorithm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.fedspark.client.ClientContext;
import org.fedspark.client.ClientState;
import org.fedspark.client.FitResult;
import org.fedspark.codec.Message;
import org.fedspark.data.LocalDataset;
import org.fedspark.model.BlockRoles;
import org.fedspark.model.Model;
import org.fedspark.model.SoftmaxRegression;
import org.junit.jupiter.api.Test;

/**
 * One round of each personalized peer on a case small enough to derive by hand: softmax regression with
 * one feature and two classes (parameters W = (W₀, W₁), b = (b₀, b₁), logits z = W·x + b), one training
 * example x = 1 of class 1, batch 1, one epoch, step η = 0.1, no weight decay. The gradient of the
 * cross-entropy at logits z is {@code ∂/∂z_k = p_k − [k = 1]} with p = softmax(z), and
 * ∂/∂W_k = ∂/∂b_k = ∂/∂z_k since x = 1. At the all-zero model p = (½, ½), so one SGD step from 0 is
 * −η·(½, −½, ½, −½) = (−0.05, 0.05, −0.05, 0.05).
 */
class PersonalizedPeersTest {
  private static final double ETA = 0.1;
  private static final double TOL = 1e-15;
  private final Model model = new SoftmaxRegression(1, 2, 0.0);
  private final LocalDataset one = new LocalDataset(new double[] {1}, new int[] {1}, 1);
  private final ClientContext ctx = new ClientContext(0, 1, one, model, 7);
  private final LocalTraining training = new LocalTraining(1, 1, ETA);

  private static Message params(double... v) {
    return Message.builder().vector(FedAvgServer.PARAMS, v).build();
  }

  /** p₁ for logits (z₀, z₁). */
  private static double p1(double z0, double z1) {
    return 1 / (1 + Math.exp(z0 - z1));
  }

  private ParamSplit split(String spec) {
    return ParamSplit.of(model, BlockRoles.parse(spec, model.layout()));
  }

  @Test
  void fedPerTrainsBodyAndHeadTogetherAndUploadsOnlyTheBody() {
    ParamSplit s = split("personal b");
    FedAvgClient c = new FedAvgClient(s, training, 0, 0);
    ClientState st = ClientState.of(ParamSplit.PERSONAL, new double[] {0, 0});
    FitResult r = c.fit(ctx, st, params(0, 0));
    assertArrayEquals(new double[] {-0.05, 0.05}, r.update().vector(FedAvgServer.DELTA), TOL);
    assertEquals(1.0, r.update().scalar(FedAvgServer.WEIGHT));
    assertArrayEquals(new double[] {-0.05, 0.05}, r.state().vector(ParamSplit.PERSONAL), TOL);
    // personalized model: the server's body and the client's own head
    assertArrayEquals(new double[] {0.3, 0.4, -0.05, 0.05}, c.personalModel(ctx, r.state(), params(0.3, 0.4)), TOL);
  }

  @Test
  void fedRepTrainsTheHeadFirstThenTheBodyWithTheNewHead() {
    FedRepClient c = new FedRepClient(split("personal b"), training, 1);
    FitResult r = c.fit(ctx, ClientState.of(ParamSplit.PERSONAL, new double[] {0, 0}), params(0, 0));
    // head step from 0: b = (−0.05, 0.05); body step at W = 0 with that head: logits (−0.05, 0.05)
    double q1 = p1(-0.05, 0.05);
    assertArrayEquals(new double[] {-0.05, 0.05}, r.state().vector(ParamSplit.PERSONAL), TOL);
    assertArrayEquals(new double[] {-ETA * (1 - q1), -ETA * (q1 - 1)}, r.update().vector(FedAvgServer.DELTA), TOL);
    assertEquals(Math.log(2), r.metrics().get(FedRepClient.HEAD_LOSS), 1e-15);
    assertEquals(-Math.log(q1), r.stats().meanLoss(), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> new FedRepClient(split("personal all"), training, 1));
  }

  @Test
  void dittoUploadsTheGlobalStepAndPullsItsOwnModelTowardTheGlobalOne() {
    double lambda = 0.5;
    DittoClient c = new DittoClient(training, lambda, 1);
    ClientState st = ClientState.of(DittoClient.PERSONAL_MODEL, new double[] {1, 0, 0, 0});
    FitResult r = c.fit(ctx, st, params(0, 0, 0, 0));
    assertArrayEquals(new double[] {-0.05, 0.05, -0.05, 0.05}, r.update().vector(FedAvgServer.DELTA), TOL);
    // personal step at v = (1, 0, 0, 0): logits (1, 0); gradient (p₀, p₁ − 1, p₀, p₁ − 1) + λ(v − 0)
    double q1 = p1(1, 0);
    double q0 = 1 - q1;
    double[] v = {1 - ETA * (q0 + lambda), -ETA * (q1 - 1), -ETA * q0, -ETA * (q1 - 1)};
    assertArrayEquals(v, r.state().vector(DittoClient.PERSONAL_MODEL), TOL);
    double norm = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2] + v[3] * v[3]);
    assertEquals(norm, r.metrics().get(DittoClient.DISTANCE), TOL);
    assertArrayEquals(v, c.personalModel(ctx, r.state(), params(9, 9, 9, 9)), 0.0);
  }

  @Test
  void apflUpdatesGlobalCopyLocalModelAndMixingWeightFromTheSameMinibatch() {
    double alpha = 0.25;
    ApflClient c = new ApflClient(training, alpha, true);
    ClientState st = ClientState.of(ApflClient.LOCAL_MODEL, new double[] {0.4, 0, 0, 0}).withScalar(ApflClient.ALPHA, alpha);
    FitResult r = c.fit(ctx, st, params(0, 0, 0, 0));
    assertArrayEquals(new double[] {-0.05, 0.05, -0.05, 0.05}, r.update().vector(FedAvgServer.DELTA), TOL);
    // mixture α v + (1 − α) w = (0.1, 0, 0, 0): logits (0.1, 0)
    double q1 = p1(0.1, 0);
    double q0 = 1 - q1;
    double[] gMix = {q0, q1 - 1, q0, q1 - 1};
    double[] v = {0.4 - ETA * alpha * gMix[0], -ETA * alpha * gMix[1], -ETA * alpha * gMix[2], -ETA * alpha * gMix[3]};
    assertArrayEquals(v, r.state().vector(ApflClient.LOCAL_MODEL), TOL);
    // ∂f/∂α = ⟨v − w, ∇f(mixture)⟩ with v − w = (0.4, 0, 0, 0) before the step
    double a = alpha - ETA * 0.4 * gMix[0];
    assertEquals(a, r.state().scalar(ApflClient.ALPHA), TOL);
    assertEquals(a, r.metrics().get(ApflClient.ALPHA_METRIC), TOL);
    double[] g = {1, 2, 3, 4};
    double[] mix = c.personalModel(ctx, r.state(), params(g));
    for (int i = 0; i < 4; i++) {
      assertEquals(a * v[i] + (1 - a) * g[i], mix[i], 1e-15);
    }
  }

  @Test
  void apflWithAFixedWeightKeepsIt() {
    ApflClient c = new ApflClient(training, 0.25, false);
    ClientState st = ClientState.of(ApflClient.LOCAL_MODEL, new double[] {0.4, 0, 0, 0}).withScalar(ApflClient.ALPHA, 0.25);
    assertEquals(0.25, c.fit(ctx, st, params(0, 0, 0, 0)).state().scalar(ApflClient.ALPHA));
  }

  /**
   * FedAvg's personalized model is the received global model. With every block shared it is that very
   * vector (evaluation reads it; no copy per client); where the client changes it (fine-tuning) or adds
   * its own blocks (FedPer) it is a model of its own, and the message's vector stays as received.
   */
  @Test
  void fedAvgEvaluatesTheReceivedModelItselfAndCopiesOnlyWhatItChanges() {
    Message in = params(0.3, 0.4, 0.5, 0.6);
    double[] received = in.vector(FedAvgServer.PARAMS);
    assertSame(received, new FedAvgClient(ParamSplit.allShared(model), training, 0, 0)
        .personalModel(ctx, ClientState.EMPTY, in));
    assertSame(received, new FedAvgClient(ParamSplit.allShared(model), training, 10.0, 0)
        .personalModel(ctx, ClientState.EMPTY, in), "FedProx's term changes training, not the evaluated model");
    double[] tuned = new FedAvgClient(ParamSplit.allShared(model), training, 0, 1).personalModel(ctx, ClientState.EMPTY, in);
    assertNotSame(received, tuned);
    // one fine-tuning step at logits (0.3 + 0.5, 0.4 + 0.6) = (0.8, 1.0), example of class 1
    double q1 = p1(0.8, 1.0);
    assertArrayEquals(new double[] {0.3 - ETA * (1 - q1), 0.4 + ETA * (1 - q1), 0.5 - ETA * (1 - q1), 0.6 + ETA * (1 - q1)},
        tuned, TOL);
    assertArrayEquals(new double[] {0.3, 0.4, 0.5, 0.6}, received, 0.0, "fine-tuning left the message alone");
    ParamSplit head = split("personal b");
    double[] fedPer = new FedAvgClient(head, training, 0, 0).personalModel(ctx,
        ClientState.of(ParamSplit.PERSONAL, new double[] {-1, 1}), params(0.3, 0.4));
    assertArrayEquals(new double[] {0.3, 0.4, -1, 1}, fedPer, 0.0);
    assertEquals(false, head.modelIsShared());
    assertEquals(true, ParamSplit.allShared(model).modelIsShared());
  }

  @Test
  void fedProxPullsOnlyTheSharedBlocksTowardTheServerValues() {
    // one step from the server's values: the pull μ(w − w_t) is zero at the start, so the step equals FedAvg's
    FedAvgClient prox = new FedAvgClient(ParamSplit.allShared(model), training, 10.0, 0);
    FitResult r = prox.fit(ctx, ClientState.EMPTY, params(0, 0, 0, 0));
    assertArrayEquals(new double[] {-0.05, 0.05, -0.05, 0.05}, r.update().vector(FedAvgServer.DELTA), TOL);
  }

  @Test
  void fedAvgServerAveragesOnlyTheSharedBlocksWithItsStepSize() {
    ParamSplit s = split("personal b");
    FedAvgServer server = new FedAvgServer(s, Schedule.constant(0.5));
    server.initialize(new org.fedspark.server.ServerContext(model, null, null, 7));
    double[] init = s.initial(7);
    assertArrayEquals(new double[] {init[0], init[1]}, server.configureFit(1, new int[] {0}).broadcast().vector(FedAvgServer.PARAMS));
    org.fedspark.server.UpdateAccumulator acc = new org.fedspark.server.UpdateAccumulator(server.aggregation());
    acc.add(0, Message.builder().vector(FedAvgServer.DELTA, new double[] {1, 2}).scalar(FedAvgServer.WEIGHT, 1).build());
    acc.add(1, Message.builder().vector(FedAvgServer.DELTA, new double[] {4, 8}).scalar(FedAvgServer.WEIGHT, 3).build());
    server.aggregateFit(1, acc.result());
    // weighted mean (1·(1,2) + 3·(4,8))/4 = (3.25, 6.5), times η_s = 0.5
    assertArrayEquals(new double[] {init[0] + 1.625, init[1] + 3.25}, server.configureFit(2, new int[] {0}).broadcast()
        .vector(FedAvgServer.PARAMS), 1e-15);
    assertEquals(0.5, server.metrics().get("server_lr"));
    assertEquals(java.util.Optional.empty(), server.globalModel(), "no single global model when the head is personal");
    assertEquals(List.of("server_lr"), server.serverMetrics());
  }

  @Test
  void additiveBlocksTrainTheSharedAndThePersonalPartFromTheSameGradient() {
    ParamSplit s = split("all additive");
    assertEquals(List.of("W", "b"), s.shared().names());
    assertEquals(List.of("W.personal", "b.personal"), s.personal().names());
    FedAvgClient c = new FedAvgClient(s, training, 0, 0);
    // the personal parts start at 0, so the client starts at the server's model
    ClientState st = s.initialState(7);
    assertArrayEquals(new double[4], st.vector(ParamSplit.PERSONAL), 0.0);
    FitResult r = c.fit(ctx, st, params(0, 0, 0, 0));
    // ∂F/∂x = ∂F/∂z = ∂F/∂w at w = x + z = 0: both parts take the same step
    assertArrayEquals(new double[] {-0.05, 0.05, -0.05, 0.05}, r.update().vector(FedAvgServer.DELTA), TOL);
    assertArrayEquals(new double[] {-0.05, 0.05, -0.05, 0.05}, r.state().vector(ParamSplit.PERSONAL), TOL);
    // the personalized model is x_server + z_client
    assertArrayEquals(new double[] {0.95, 2.05, 2.95, 4.05}, c.personalModel(ctx, r.state(), params(1, 2, 3, 4)), TOL);
  }
}
