package org.fedspark.algorithm;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.fedspark.client.ClientState;
import org.fedspark.client.InitialParams;
import org.fedspark.client.Objective;
import org.fedspark.model.Adapters;
import org.fedspark.model.BlockRoles;
import org.fedspark.data.Seeds;
import org.fedspark.model.Composition;
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

  /** The suffix of an additive block's personal part: block b is stored as b (shared) and b.personal. */
  public static final String ADDITIVE_SUFFIX = "personal";

  private final Model model;
  private final Adapters adapters;
  private final BlockRoles roles;
  private final Composition composition;
  private final BlockSet shared;
  private final BlockSet personal;
  private final BlockSet frozen;
  /** The initial parameters, derived once per deserialized copy (they depend on the seed only). */
  private transient double[] initialCache;
  private transient long initialSeed;

  private ParamSplit(Model model, Adapters adapters, BlockRoles roles) {
    this.model = model;
    this.adapters = adapters;
    this.roles = roles;
    Composition.Builder c = adapters.apply(Composition.builder(model.layout()));
    List<String> sharedNames = new ArrayList<>();
    List<String> personalNames = new ArrayList<>();
    List<String> frozenNames = new ArrayList<>();
    roles.asMap().forEach((block, role) -> {
      switch (role) {
        case SHARED -> sharedNames.add(block);
        case PERSONAL -> personalNames.add(block);
        case FROZEN -> frozenNames.add(block);
        case ADDITIVE -> {
          c.additive(block, ADDITIVE_SUFFIX);
          sharedNames.add(block);
          personalNames.add(block + "." + ADDITIVE_SUFFIX);
        }
      }
    });
    this.composition = c.build();
    ParamLayout layout = composition.stored();
    this.shared = BlockSet.of(layout, sharedNames);
    this.personal = BlockSet.of(layout, personalNames);
    this.frozen = BlockSet.of(layout, frozenNames);
  }

  /** The split {@code roles} defines over the model's blocks. */
  public static ParamSplit of(Model model, BlockRoles roles) {
    return new ParamSplit(model, Adapters.NONE, roles);
  }

  /**
   * The split over the blocks the model is stored as once {@code adapters} are in place (e.g.
   * {@code W1.base, W1.lora_A, W1.lora_B, b1, ...}): {@code spec} is a {@link BlockRoles} spec over
   * those blocks.
   *
   * @throws IllegalArgumentException for a spec that does not fit the stored blocks
   */
  public static ParamSplit of(Model model, Adapters adapters, String spec) {
    ParamLayout stored = adapters.apply(Composition.builder(model.layout())).build().stored();
    return new ParamSplit(model, adapters, BlockRoles.parse(spec, stored));
  }

  /** Every block shared: plain federated averaging. */
  public static ParamSplit allShared(Model model) {
    return new ParamSplit(model, Adapters.NONE, BlockRoles.allShared(model.layout()));
  }

  /** The LoRA adapters the stored blocks include ({@link Adapters#NONE} when there are none). */
  public Adapters adapters() {
    return adapters;
  }

  public Model model() {
    return model;
  }

  public BlockRoles roles() {
    return roles;
  }

  /**
   * Layout of the stored parameters: the model's, except that an adapted block W is stored as
   * {@code W.base, W.lora_A, W.lora_B} (each factor possibly as {@code .mag, .dir}) and an additive block b
   * as two blocks, b (the shared part x_b) and {@code b.personal} (the personal part z_b).
   */
  public ParamLayout layout() {
    return composition.stored();
  }

  /** The client's loss as a function of its stored parameters: {@code F(x + z)} on additive blocks. */
  public Objective objective() {
    return Objective.composed(model, composition);
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

  /**
   * Whether a client's model is exactly the server's shared values: every stored block shared, none
   * personal, nothing composed (no adapters). Then {@link #assemble} copies them whole and
   * {@link #effective} returns that copy, so a reader that does not write may use the received vector
   * itself.
   */
  public boolean modelIsShared() {
    return shared.isAll() && !hasPersonal() && composition.isIdentity();
  }

  /** The run's common initial stored parameters (the server and every client derive the same ones). */
  public double[] initial(long seed) {
    if (initialCache == null || initialSeed != seed) {
      // Additive personal parts and LoRA factors B start at 0, so every client starts at the common
      // initial model (the pretrained one with model.base).
      initialCache = composition.initialStored(InitialParams.of(model, seed), Seeds.stream(seed, -1, -1, "compose"));
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

  /** {@code x − x_t}: how the shared values moved from the received ones. */
  public double[] sharedDelta(double[] theta, double[] received) {
    double[] delta = shared.gather(theta);
    for (int i = 0; i < delta.length; i++) {
      delta[i] -= received[i];
    }
    return delta;
  }

  /** What a client keeps of {@code theta}: its personal blocks. */
  public ClientState keep(double[] theta, ClientState state) {
    return hasPersonal() ? state.with(PERSONAL, personal.gather(theta)) : state;
  }

  /** The weights the model uses for stored parameters {@code theta}. */
  public double[] effective(double[] theta) {
    if (composition.isIdentity()) {
      return theta;
    }
    double[] w = new double[model.layout().size()];
    composition.forward(theta, w, composition.workspace());
    return w;
  }

  /** Whether one model serves every client (no personal blocks), so a global accuracy is defined. */
  public boolean hasGlobalModel() {
    return !hasPersonal();
  }
}
