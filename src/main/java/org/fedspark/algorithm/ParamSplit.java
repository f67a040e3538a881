package org.fedspark.algorithm;

import java.io.Serializable;
import org.fedspark.client.ClientState;
import org.fedspark.client.InitialParams;
import org.fedspark.client.Objective;
import org.fedspark.model.BlockRoles;
import org.fedspark.model.BlockRoles.Role;
import org.fedspark.model.BlockSet;
import org.fedspark.model.Model;
import org.fedspark.model.ParamLayout;

/**
 * A client's stored parameters θ divided by {@link BlockRoles}, shared by the client half and the
 * server half of an algorithm so both agree on what travels: the server sends and averages the
 * values of the {@link #shared()} blocks only, a client keeps its {@link #personal()} blocks in its
 * {@link ClientState} under {@link #PERSONAL}, and {@link #frozen()} blocks keep the run's initial
 * values everywhere.
 */
public final class ParamSplit implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The state vector that holds a client's personal blocks. */
  public static final String PERSONAL = "personal";

  private final Model model;
  private final BlockRoles roles;
  private final BlockSet shared;
  private final BlockSet personal;
  private final BlockSet frozen;
  /** The initial parameters, derived once per deserialized copy (they depend on the seed only). */
  private transient double[] initialCache;
  private transient long initialSeed;

  private ParamSplit(Model model, BlockRoles roles) {
    this.model = model;
    this.roles = roles;
    ParamLayout layout = model.layout();
    if (roles.has(Role.ADDITIVE)) {
      throw new IllegalArgumentException("the additive role is not available for this algorithm");
    }
    this.shared = roles.blocks(layout, Role.SHARED);
    this.personal = roles.blocks(layout, Role.PERSONAL);
    this.frozen = roles.blocks(layout, Role.FROZEN);
  }

  /** The split {@code roles} defines over the model's blocks. */
  public static ParamSplit of(Model model, BlockRoles roles) {
    return new ParamSplit(model, roles);
  }

  /** Every block shared: plain federated averaging. */
  public static ParamSplit allShared(Model model) {
    return new ParamSplit(model, BlockRoles.allShared(model.layout()));
  }

  public Model model() {
    return model;
  }

  public BlockRoles roles() {
    return roles;
  }

  /** Layout of the stored parameters. */
  public ParamLayout layout() {
    return model.layout();
  }

  /** The client's loss as a function of its stored parameters. */
  public Objective objective() {
    return Objective.of(model);
  }

  public BlockSet shared() {
    return shared;
  }

  public BlockSet personal() {
    return personal;
  }

  public BlockSet frozen() {
    return frozen;
  }

  /** The blocks a client trains: all but the frozen ones. */
  public BlockSet trainable() {
    return frozen.complement();
  }

  public boolean hasPersonal() {
    return !personal.isEmpty();
  }

  /** The run's common initial stored parameters (the server and every client derive the same ones). */
  public double[] initial(long seed) {
    if (initialCache == null || initialSeed != seed) {
      initialCache = InitialParams.of(model, seed);
      initialSeed = seed;
    }
    return initialCache.clone();
  }

  /** A client's starting state: its personal blocks at their initial values (empty when it has none). */
  public ClientState initialState(long seed) {
    return hasPersonal() ? ClientState.of(PERSONAL, personal.gather(initial(seed))) : ClientState.EMPTY;
  }

  /**
   * A client's full stored parameters: the server's shared values, its own personal blocks, and the
   * initial values of the frozen blocks.
   */
  public double[] assemble(double[] sharedValues, ClientState state, long seed) {
    double[] theta = shared.isAll() ? new double[layout().size()] : initial(seed);
    shared.scatter(sharedValues, theta);
    if (hasPersonal()) {
      personal.scatter(state.vector(PERSONAL), theta);
    }
    return theta;
  }

  /** What a client keeps of {@code theta}: its personal blocks. */
  public ClientState keep(double[] theta, ClientState state) {
    return hasPersonal() ? state.with(PERSONAL, personal.gather(theta)) : state;
  }

  /** The weights the model uses for stored parameters {@code theta}. */
  public double[] effective(double[] theta) {
    return theta;
  }

  /** Whether one model serves every client (no personal blocks), so a global accuracy is defined. */
  public boolean hasGlobalModel() {
    return !hasPersonal();
  }
}
