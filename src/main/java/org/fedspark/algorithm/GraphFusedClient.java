package org.fedspark.algorithm;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.fedspark.client.ClientContext;
import org.fedspark.client.ClientState;
import org.fedspark.client.ClientStrategy;
import org.fedspark.client.FitResult;
import org.fedspark.client.LocalProblem;
import org.fedspark.client.LocalSolver;
import org.fedspark.client.SgdOptions;
import org.fedspark.client.TrainStats;
import org.fedspark.codec.Message;
import org.fedspark.data.LocalDataset;

/**
 * Client of the graph-fused personalized method: personalized federated learning whose personal parts
 * are coupled by a Network Lasso penalty over a similarity network of the clients (Hallac, Leskovec
 * and Boyd, "Network Lasso: Clustering and Optimization in Large Graphs", KDD 2015). Client n's model
 * is {@code y(n) = M x + N z(n)}: the shared part x (the {@code shared} blocks, and the shared half of
 * {@code additive} blocks) and its personal part z(n) (the {@code personal} blocks, or the personal half
 * {@code b.personal} of an additive block b, whose effective weight is {@code x_b + z_b(n)};
 * {@link ParamSplit}). The server half ({@link GraphFusedServer}) owns every z(n), because the penalty
 * couples them all; the client keeps nothing between rounds.
 *
 * <p><b>What a sampled client does (the local stochastic gradient step of the method, generalized to
 * several steps).</b> It receives the shared values x (broadcast, {@code params}) and its own z(n)
 * (a per-client message, {@code personal}), sets {@code y = (x, z(n))} and takes K =
 * {@code graph-fused.local-steps} plain SGD steps of size η (the round's {@code train.lr}) with the
 * common {@link LocalSolver}, each on a fresh minibatch of {@code train.batch-size} rows drawn without
 * replacement (rows are reshuffled when a pass is used up), or on all its rows with
 * {@code graph-fused.full-batch = true}. Frozen blocks do not move. It uploads, separately,
 *
 * <pre>
 *   g_x = (x − x_K)/η        (vector "gx": the shared values;  the server sums these)
 *   g_z = (z(n) − z_K)/η     (vector "gz": the personal values; the server collects it per client)
 *   loss = f_n(y) on the first step's batch   (scalar "loss": for the server's objective column)
 * </pre>
 *
 * With K = 1 the displacement over η is exactly the (minibatch) gradient at y, {@code g = ∇f_B(y)}
 * split into its shared and personal coordinates (for an additive block both halves receive the same
 * gradient {@code ∇_w f}, since {@code ∂f(x + z)/∂x = ∂f(x + z)/∂z}); with K > 1 it is a
 * pseudo-gradient, the sum of the K minibatch gradients along the local path, so the server's step
 * {@code x − η·g_x} is the FedAvg step {@code x + mean(x_K − x)} (McMahan et al., AISTATS 2017). The loss
 * costs one more value on the uplink; with full-batch steps it is the exact data term
 * {@code f_n(y(n))} of the objective at the model the round started from. No "weight" scalar is sent:
 * every upload counts once (the server normalizes by the number of uploads, {@link GraphFusedServer}).
 * {@code train.momentum} and {@code train.local-epochs} do not apply.
 *
 * <p><b>Personalized model:</b> the effective weights of {@code (x, z(n))} with the x and z(n) of the
 * server's evaluation message, which gives every client its own z(n).
 */
public final class GraphFusedClient implements ClientStrategy {
  private static final long serialVersionUID = 1L;

  /** Broadcast: the shared values x. */
  static final String PARAMS = "params";
  /** Per-client message: the client's personal values z(n). */
  static final String PERSONAL = "personal";
  /** Upload: (x − x_K)/η over the shared values. */
  static final String GX = "gx";
  /** Upload: (z(n) − z_K)/η over the personal values. */
  static final String GZ = "gz";
  /** Upload: the loss at y on the first step's batch. */
  static final String LOSS = "loss";

  private final ParamSplit split;
  private final Schedule lr;
  private final int localSteps;
  private final int batchSize;
  private final boolean fullBatch;

  /**
   * @param split block roles; it must have personal values
   * @param lr the local step size η per round (the server's step on x uses the same)
   * @param localSteps K ≥ 1
   * @param batchSize rows per minibatch (ignored with {@code fullBatch})
   * @param fullBatch whether every step uses all the client's training rows
   */
  public GraphFusedClient(ParamSplit split, Schedule lr, int localSteps, int batchSize, boolean fullBatch) {
    if (!split.hasPersonal()) {
      throw new IllegalArgumentException("graph-fused needs personal values: set model.blocks to e.g. 'additive all'"
          + " or 'personal head'");
    }
    if (localSteps < 1 || batchSize < 1) {
      throw new IllegalArgumentException("need local steps >= 1 and batch size >= 1, got " + localSteps + " and " + batchSize);
    }
    this.split = split;
    this.lr = lr;
    this.localSteps = localSteps;
    this.batchSize = batchSize;
    this.fullBatch = fullBatch;
  }

  /** The personal parts live on the server: nothing is kept between rounds. */
  @Override
  public boolean stateful() {
    return false;
  }

  @Override
  public ClientState initialState(ClientContext ctx) {
    return ClientState.EMPTY;
  }

  @Override
  public FitResult fit(ClientContext ctx, ClientState state, Message fromServer) {
    LocalDataset data = ctx.train();
    if (data.size() == 0) {
      return new FitResult(ClientState.EMPTY, Message.EMPTY, TrainStats.NONE);
    }
    double eta = lr.at(ctx.round());
    if (!(eta > 0)) {
      throw new IllegalStateException("graph-fused uploads (displacement)/η and needs η > 0; round " + ctx.round()
          + " has train.lr = " + eta);
    }
    double[] x = fromServer.vector(PARAMS);
    double[] z = fromServer.vector(PERSONAL);
    double[] theta = start(x, z, ctx.seed());
    LocalProblem problem = LocalProblem.of(split.objective()).trainable(split.trainable());
    SplittableRandom rng = ctx.rng("sgd");
    int b = fullBatch ? data.size() : Math.min(batchSize, data.size());
    int[] order = identity(data.size());
    int at = order.length; // forces a shuffle before the first minibatch
    double firstLoss = Double.NaN;
    double lossSum = 0;
    long examples = 0;
    for (int k = 0; k < localSteps; k++) {
      LocalDataset batch;
      if (fullBatch) {
        batch = data;
      } else {
        if (at + b > order.length) {
          shuffle(order, rng);
          at = 0;
        }
        batch = data.select(Arrays.copyOfRange(order, at, at + b));
        at += b;
      }
      // One epoch over a batch of its own size is exactly one SGD step on it.
      TrainStats s = LocalSolver.train(problem, theta, batch, new SgdOptions(1, batch.size(), eta, 0.0), rng);
      if (k == 0) {
        firstLoss = s.meanLoss();
      }
      lossSum += s.meanLoss() * s.examples();
      examples += s.examples();
    }
    double[] gx = scaledChange(x, split.shared().gather(theta), eta);
    double[] gz = scaledChange(z, split.personal().gather(theta), eta);
    Message up = Message.builder().vector(GX, gx).vector(GZ, gz).scalar(LOSS, firstLoss).build();
    return new FitResult(ClientState.EMPTY, up, new TrainStats(lossSum / examples, localSteps, examples));
  }

  /** The stored parameters at y = (x, z): shared and personal values scattered, frozen blocks initial. */
  double[] start(double[] x, double[] z, long seed) {
    if (x.length != split.shared().size() || z.length != split.personal().size()) {
      throw new IllegalArgumentException("received " + x.length + " shared and " + z.length + " personal values; the"
          + " split has " + split.shared().size() + " and " + split.personal().size());
    }
    return split.assemble(x, ClientState.of(ParamSplit.PERSONAL, z), seed);
  }

  /** {@code (before − after)/η}. */
  private static double[] scaledChange(double[] before, double[] after, double eta) {
    double[] g = new double[before.length];
    for (int i = 0; i < g.length; i++) {
      g[i] = (before[i] - after[i]) / eta;
    }
    return g;
  }

  private static int[] identity(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  /** Fisher–Yates. */
  private static void shuffle(int[] a, SplittableRandom rng) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  @Override
  public double[] personalModel(ClientContext ctx, ClientState state, Message fromServer) {
    return split.effective(start(fromServer.vector(PARAMS), fromServer.vector(PERSONAL), ctx.seed()));
  }
}
