package org.fedspark.client;

import java.util.SplittableRandom;
import org.fedspark.data.LocalDataset;
import org.fedspark.model.Model;
import org.fedspark.data.Seeds;

/**
 * What a client's code may use in one call: its id, the round, its own training data, the model
 * definition and its own random streams. It deliberately holds no test data (evaluation is done by the
 * engine) and nothing of other clients; anything else comes from the server's message.
 */
public final class ClientContext {
  private final int clientId;
  private final int round;
  private final LocalDataset train;
  private final Model model;
  private final long seed;
  private final int epochBudget;

  public ClientContext(int clientId, int round, LocalDataset train, Model model, long seed) {
    this(clientId, round, train, model, seed, 0);
  }

  /**
   * @param epochBudget the local epochs this client can afford this round when it straggles
   *     ({@code stragglers.mode = partial}), or 0 for no limit
   */
  public ClientContext(int clientId, int round, LocalDataset train, Model model, long seed, int epochBudget) {
    this.epochBudget = epochBudget;
    this.clientId = clientId;
    this.round = round;
    this.train = train;
    this.model = model;
    this.seed = seed;
  }

  public int clientId() {
    return clientId;
  }

  /** The current round, starting at 1 (0 while the initial state is built). */
  public int round() {
    return round;
  }

  public LocalDataset train() {
    return train;
  }

  public Model model() {
    return model;
  }

  /**
   * The local epochs this client can afford this round, or 0 for no limit: a straggler of a system
   * with heterogeneous devices does less local work (Li et al., MLSys 2020, section 5).
   */
  public int epochBudget() {
    return epochBudget;
  }

  /** {@code o} with its epochs capped by {@link #epochBudget()}. */
  public SgdOptions budgeted(SgdOptions o) {
    return epochBudget > 0 && epochBudget < o.epochs() ? o.withEpochs(epochBudget) : o;
  }

  /** The run's seed, from which the common initial parameters derive. */
  public long seed() {
    return seed;
  }

  /** A random stream private to this client, round and purpose (e.g. "sgd", "finetune"). */
  public SplittableRandom rng(String purpose) {
    return Seeds.stream(seed, round, clientId, purpose);
  }

  /**
   * The run's common initial parameters, which the server starts from too. Clients can build them
   * without communication because they derive from the run seed only.
   */
  public double[] initialParams() {
    return InitialParams.of(model, seed);
  }
}
