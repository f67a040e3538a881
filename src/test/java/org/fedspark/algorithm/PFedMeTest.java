package org.fedspark.algorithm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.fedspark.client.ClientContext;
import org.fedspark.client.ClientState;
import org.fedspark.client.FitResult;
import org.fedspark.codec.Message;
import org.fedspark.config.FedConfig;
import org.fedspark.data.LocalDataset;
import org.fedspark.model.Model;
import org.fedspark.model.SoftmaxRegression;
import org.fedspark.server.ServerContext;
import org.fedspark.server.UpdateAccumulator;
import org.junit.jupiter.api.Test;

/**
 * One round of pFedMe by hand: softmax regression with one feature and two classes (W = (W₀, W₁),
 * b = (b₀, b₁), logits z_k = W_k + b_k for the one example x = 1 of class 1), batch 1, one epoch (one
 * outer step), K = 2 inner steps with η_p = 0.1, λ = 2, outer step η = 0.05, from w = 0. The loss
 * gradient at logits z is (p₀, p₁ − 1) for W and for b.
 */
class PFedMeTest {
  private static final double LAMBDA = 2;
  private static final double ETA_P = 0.1;
  private static final double ETA = 0.05;
  private final Model model = new SoftmaxRegression(1, 2, 0.0);
  private final ClientContext ctx = new ClientContext(0, 1, new LocalDataset(new double[] {1}, new int[] {1}, 1), model, 7);

  private static double p1(double z0, double z1) {
    return 1 / (1 + Math.exp(z0 - z1));
  }

  @Test
  void innerStepsSolveTheMoreauProblemThenTheLocalModelMovesTowardTheirResult() {
    PFedMeClient c = new PFedMeClient(new LocalTraining(1, 1, ETA), LAMBDA, ETA_P, 2);
    FitResult r = c.fit(ctx, ClientState.of(PFedMeClient.PERSONAL_MODEL, new double[] {9, 9, 9, 9}),
        Message.builder().vector(FedAvgServer.PARAMS, new double[4]).build());
    // inner step 1 at θ = w_local = 0: g = (½, −½, ½, −½), θ₁ = −0.1 g
    double[] t1 = {-0.05, 0.05, -0.05, 0.05};
    // inner step 2: logits (−0.1, 0.1); g = ∇F(θ₁) + λ(θ₁ − 0)
    double q = p1(-0.1, 0.1);
    double[] g = {1 - q, q - 1, 1 - q, q - 1};
    double[] t2 = new double[4];
    double[] local = new double[4];
    for (int i = 0; i < 4; i++) {
      t2[i] = t1[i] - ETA_P * (g[i] + LAMBDA * t1[i]);
      // w_local ← w_local − ηλ(w_local − θ) = 0.1 θ₂
      local[i] = 0 - ETA * LAMBDA * (0 - t2[i]);
    }
    assertArrayEquals(t2, r.state().vector(PFedMeClient.PERSONAL_MODEL), 1e-15);
    assertArrayEquals(local, r.update().vector(FedAvgServer.DELTA), 1e-15);
    assertFalse(r.update().scalars().containsKey(FedAvgServer.WEIGHT), "the server mean is uniform");
    assertArrayEquals(t2, c.personalModel(ctx, r.state(), Message.EMPTY), 0.0);
    // mean loss over the two inner steps, without the pull
    assertEquals((Math.log(2) - Math.log(q)) / 2, r.stats().meanLoss(), 1e-15);
  }

  @Test
  void serverMixesTheOldModelAndTheUniformMeanOfTheLocalModelsByBeta() {
    Model m = new SoftmaxRegression(1, 2, 0.0);
    FederatedAlgorithm a = Algorithms.create(FedConfig.parse("algorithm.name = pfedme\npfedme.beta = 0.5", "t", List.of()), m);
    a.server().initialize(new ServerContext(m, null, null, 7));
    double[] x = new double[4]; // softmax starts at 0
    UpdateAccumulator acc = new UpdateAccumulator(a.server().aggregation());
    double[] l1 = {1, 2, 3, 4};
    double[] l2 = {3, 0, -1, 8};
    acc.add(0, Message.builder().vector(FedAvgServer.DELTA, l1).build());
    acc.add(1, Message.builder().vector(FedAvgServer.DELTA, l2).build());
    a.server().aggregateFit(1, acc.result());
    // w ← (1 − β) w + β (l1 + l2)/2 with w = 0, β = 0.5
    double[] expected = new double[4];
    for (int i = 0; i < 4; i++) {
      expected[i] = 0.5 * x[i] + 0.5 * (l1[i] + l2[i]) / 2;
    }
    assertArrayEquals(expected, a.server().configureFit(2, new int[0]).broadcast().vector(FedAvgServer.PARAMS), 1e-15);
    assertEquals(0.5, a.server().metrics().get("server_lr"));
  }
}
