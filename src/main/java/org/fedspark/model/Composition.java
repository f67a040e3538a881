package org.fedspark.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.fedspark.model.CompositionStep.Place;
import org.fedspark.model.CompositionStep.Slot;

/**
 * Effective model weights composed from stored blocks: a map {@code w = C(θ)} from the stored
 * parameters θ (laid out by {@link #stored()}) to the parameters the model uses (laid out by
 * {@link #effective()}, the model's own layout), with its exact vector–Jacobian product
 * {@code ∇_θ L = J_C(θ)ᵀ ∇_w L}. Training {@code L(θ) = F(C(θ))} then needs only the model's
 * {@code lossAndGradient} at {@code w} and one {@link #backward} call.
 *
 * <p>Personalized-FL methods differ in how a layer's weight is built, and each form is one builder call:
 * <ul>
 *   <li>{@link Builder#additive}: {@code w = x + z}, a shared part plus a personal part (Network Lasso,
 *       Hallac et al., KDD 2015, applied to model parameters), or FedSLR's global low-rank plus personal
 *       sparse part {@code W + P} (Huang et al. 2023) — the same algebra under another name;</li>
 *   <li>{@link Builder#lora}: {@code W = W₀ + (α/r)·B·A} (Hu et al., ICLR 2022);</li>
 *   <li>{@link Builder#magnitudeDirection}: {@code X = m·V/‖V‖} per row or column (DoRA, Liu et al.,
 *       ICML 2024).</li>
 * </ul>
 * Every call replaces one <em>current stored block</em> by its parts, so the forms nest: a LoRA factor
 * can itself be split into magnitude and direction, and a block can be made additive and then have its
 * shared part low-rank adapted. The stored layout keeps the model's block order, with each block's
 * stored parts in its place; blocks no call touches are stored as they are and copied both ways.
 * Derivations: {@code docs/composed-weights.md}.
 *
 * <p>Internally the composition is an ordered list of {@link CompositionStep}s, each producing one block
 * from its inputs: forward runs them in order, backward in reverse, adding into the inputs' gradients.
 * Instances are immutable and thread-safe; the per-call scratch lives in a {@link Workspace}, one per
 * thread, allocated once per training call so that SGD steps allocate nothing.
 *
 * <p>The model's weight decay acts on {@code w}, so through the chain rule it regularizes the composed
 * weight, not each stored part.
 */
public final class Composition implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Which units a magnitude–direction split normalizes, for a row-major {@code rows × cols} block. */
  public enum Axis {
    /** One magnitude per row: per output unit of a weight whose rows are output units (DoRA). */
    ROWS,
    /** One magnitude per column. */
    COLS
  }

  private final ParamLayout stored;
  private final ParamLayout effective;
  private final List<CompositionStep> steps;
  /** Untouched blocks: {@code w[to[i], to[i] + len[i]) = θ[from[i], from[i] + len[i])}. */
  private final int[] copyFrom;
  private final int[] copyTo;
  private final int[] copyLen;
  private final int intermediateSize;
  private final int normSize;

  private Composition(ParamLayout stored, ParamLayout effective, List<CompositionStep> steps, int[] copyFrom,
      int[] copyTo, int[] copyLen, int intermediateSize, int normSize) {
    this.stored = stored;
    this.effective = effective;
    this.steps = List.copyOf(steps);
    this.copyFrom = copyFrom;
    this.copyTo = copyTo;
    this.copyLen = copyLen;
    this.intermediateSize = intermediateSize;
    this.normSize = normSize;
  }

  /** Starts a composition over the model layout {@code model}; with no calls it is the identity. */
  public static Builder builder(ParamLayout model) {
    return new Builder(model);
  }

  /** Stored parameters are the model's parameters: forward and backward copy. */
  public static Composition identity(ParamLayout model) {
    return builder(model).build();
  }

  /** Layout of θ. */
  public ParamLayout stored() {
    return stored;
  }

  /** Layout of w: the model's layout. */
  public ParamLayout effective() {
    return effective;
  }

  /** Whether {@code C} is the identity (no block is composed). */
  public boolean isIdentity() {
    return steps.isEmpty();
  }

  /** Fresh scratch for one thread: intermediate blocks, their gradients, and the norms of each split. */
  public Workspace workspace() {
    return new Workspace(this);
  }

  /** {@code w = C(θ)}; keeps the intermediates in {@code ws} for a following {@link #backward}. */
  public void forward(double[] theta, double[] w, Workspace ws) {
    check(theta, stored, "theta");
    check(w, effective, "w");
    checkWorkspace(ws);
    ws.bind(theta, w, null, null);
    try {
      for (int i = 0; i < copyLen.length; i++) {
        System.arraycopy(theta, copyFrom[i], w, copyTo[i], copyLen[i]);
      }
      for (CompositionStep s : steps) {
        s.forward(ws);
      }
      ws.forwardDone = true;
    } finally {
      ws.unbind();
    }
  }

  /**
   * Overwrites {@code gradTheta} with {@code J_C(θ)ᵀ·gradW}. Uses the intermediates that the last
   * {@link #forward} on {@code ws} computed, which must have been for this same {@code theta}.
   */
  public void backward(double[] theta, double[] gradW, double[] gradTheta, Workspace ws) {
    check(theta, stored, "theta");
    check(gradW, effective, "gradW");
    check(gradTheta, stored, "gradTheta");
    checkWorkspace(ws);
    if (!steps.isEmpty() && !ws.forwardDone) {
      throw new IllegalStateException("backward needs a forward call on the same workspace first");
    }
    ws.bind(theta, null, gradTheta, gradW);
    try {
      Arrays.fill(gradTheta, 0.0);
      Arrays.fill(ws.grads, 0.0);
      for (int i = 0; i < copyLen.length; i++) {
        System.arraycopy(gradW, copyTo[i], gradTheta, copyFrom[i], copyLen[i]);
      }
      for (int i = steps.size() - 1; i >= 0; i--) {
        steps.get(i).backward(ws);
      }
    } finally {
      ws.unbind();
    }
  }

  /**
   * Stored parameters whose composition is {@code modelParams}: untouched blocks copied; additive
   * {@code x = w, z = 0}; LoRA {@code base = W}, {@code B = 0}, {@code A ~ N(0, 1/cols)}; magnitude–direction
   * {@code m = ‖X_u‖}, {@code V = X}, with a random unit direction for a unit of norm 0. So
   * {@code forward(initialStored(p)) == p} bit for bit whenever {@code p} has no {@code −0.0} entry in a
   * composed block (a sum with {@code +0.0} returns {@code +0.0}). The random draws come from {@code rng}
   * only, in a fixed order, so equal seeds give equal θ.
   */
  public double[] initialStored(double[] modelParams, SplittableRandom rng) {
    check(modelParams, effective, "modelParams");
    Objects.requireNonNull(rng, "rng");
    double[] theta = new double[stored.size()];
    Workspace ws = workspace();
    ws.bind(theta, modelParams, null, null);
    for (int i = 0; i < copyLen.length; i++) {
      System.arraycopy(modelParams, copyTo[i], theta, copyFrom[i], copyLen[i]);
    }
    // Reverse order visits each block before the steps that produce its inputs.
    for (int i = steps.size() - 1; i >= 0; i--) {
      steps.get(i).initInputs(ws, rng);
    }
    return theta;
  }

  private static void check(double[] a, ParamLayout layout, String what) {
    Objects.requireNonNull(a, what);
    if (a.length != layout.size()) {
      throw new IllegalArgumentException(what + " has length " + a.length + ", expected " + layout.size()
          + " for " + layout);
    }
  }

  private void checkWorkspace(Workspace ws) {
    Objects.requireNonNull(ws, "ws");
    if (ws.owner != this) {
      throw new IllegalArgumentException("workspace belongs to another Composition; use this one's workspace()");
    }
  }

  @Override
  public String toString() {
    return "Composition[" + steps.size() + " steps, stored " + stored + "]";
  }

  /**
   * Per-thread scratch of one composition: values and gradients of the intermediate blocks and the unit
   * norms of each magnitude–direction split, plus the caller's arrays while a call runs. Not thread-safe
   * and not serializable: make one per task thread with {@link Composition#workspace()}.
   */
  public static final class Workspace {
    private final Composition owner;
    final double[] values;
    final double[] grads;
    final double[] norms;
    private double[] theta;
    private double[] w;
    private double[] gradTheta;
    private double[] gradW;
    private boolean forwardDone;

    private Workspace(Composition owner) {
      this.owner = owner;
      this.values = new double[owner.intermediateSize];
      this.grads = new double[owner.intermediateSize];
      this.norms = new double[owner.normSize];
    }

    private void bind(double[] theta, double[] w, double[] gradTheta, double[] gradW) {
      this.theta = theta;
      this.w = w;
      this.gradTheta = gradTheta;
      this.gradW = gradW;
    }

    private void unbind() {
      bind(null, null, null, null);
    }

    /** The array holding the value of {@code s}. */
    double[] value(Slot s) {
      return switch (s.place()) {
        case STORED -> theta;
        case EFFECTIVE -> w;
        case INTERMEDIATE -> values;
      };
    }

    /** The array holding the gradient of {@code s}. */
    double[] grad(Slot s) {
      return switch (s.place()) {
        case STORED -> gradTheta;
        case EFFECTIVE -> gradW;
        case INTERMEDIATE -> grads;
      };
    }
  }

  /**
   * Collects the composition as one expression tree per model block, whose leaves are the current stored
   * blocks; each call replaces a leaf by a step over new leaves. Errors name the block.
   */
  public static final class Builder {
    private final ParamLayout model;
    private final List<Node> roots = new ArrayList<>();
    /** Current stored blocks by name. */
    private final Map<String, Node> leaves = new LinkedHashMap<>();
    /** Stored names that a call replaced by parts, with that call, for error messages. */
    private final Map<String, String> replaced = new LinkedHashMap<>();

    private Builder(ParamLayout model) {
      this.model = Objects.requireNonNull(model, "model");
      for (ParamBlock b : model.blocks()) {
        Node n = new Node(b.name(), b.rows(), b.cols(), b.isBias());
        roots.add(n);
        leaves.put(b.name(), n);
      }
    }

    /**
     * Stored block {@code block} becomes {@code x + z}: {@code x} keeps the name {@code block} and
     * {@code z} is stored as {@code block + "." + suffix}, of the same shape.
     */
    public Builder additive(String block, String suffix) {
      Objects.requireNonNull(suffix, "suffix");
      if (suffix.isEmpty()) {
        throw new IllegalArgumentException("additive '" + block + "': suffix must not be empty");
      }
      Node n = leaf(block);
      Node shared = new Node(block, n.rows, n.cols, n.vector);
      Node personal = newLeaf(block + "." + suffix, n.rows, n.cols, n.vector, "additive '" + block + "'");
      leaves.remove(block);
      n.kind = Kind.SUM;
      n.inputs = new Node[] {shared, personal};
      leaves.put(block, shared);
      leaves.put(personal.name, personal);
      return this;
    }

    /**
     * Stored block {@code block} ({@code rows × cols}) becomes {@code base + (alpha/rank)·B·A}, stored as
     * {@code block.base} ({@code rows × cols}), {@code block.lora_A} ({@code rank × cols}) and
     * {@code block.lora_B} ({@code rows × rank}).
     */
    public Builder lora(String block, int rank, double alpha) {
      String what = "lora '" + block + "'";
      Node n = matrixLeaf(block, what);
      if (rank <= 0) {
        throw new IllegalArgumentException(what + ": rank must be positive, got " + rank);
      }
      if (!Double.isFinite(alpha) || alpha == 0) {
        throw new IllegalArgumentException(what + ": alpha must be finite and nonzero, got " + alpha);
      }
      Node base = newLeaf(block + ".base", n.rows, n.cols, false, what);
      Node a = newLeaf(block + ".lora_A", rank, n.cols, false, what);
      Node b = newLeaf(block + ".lora_B", n.rows, rank, false, what);
      replace(n, what, Kind.LOW_RANK, base, a, b);
      n.scale = alpha / rank;
      return this;
    }

    /**
     * Stored block {@code block} becomes {@code m·V/‖V‖} per unit along {@code axis}, stored as
     * {@code block.mag} (a vector of one magnitude per unit) and {@code block.dir} (the block's shape).
     */
    public Builder magnitudeDirection(String block, Axis axis) {
      Objects.requireNonNull(axis, "axis");
      String what = "magnitudeDirection '" + block + "'";
      Node n = matrixLeaf(block, what);
      int units = axis == Axis.ROWS ? n.rows : n.cols;
      Node mag = newLeaf(block + ".mag", units, 1, true, what);
      Node dir = newLeaf(block + ".dir", n.rows, n.cols, false, what);
      replace(n, what, Kind.MAGNITUDE_DIRECTION, mag, dir);
      n.axis = axis;
      return this;
    }

    public Composition build() {
      ParamLayout.Builder sl = ParamLayout.builder();
      List<Node> order = new ArrayList<>();
      for (Node r : roots) {
        collectLeaves(r, order);
      }
      for (Node leaf : order) {
        if (leaf.vector) {
          sl.bias(leaf.name, leaf.rows * leaf.cols);
        } else {
          sl.matrix(leaf.name, leaf.rows, leaf.cols);
        }
      }
      ParamLayout storedLayout = sl.build();

      Map<Node, Slot> slots = new IdentityHashMap<>();
      for (Node leaf : order) {
        slots.put(leaf, new Slot(Place.STORED, storedLayout.block(leaf.name).offset(), leaf.rows, leaf.cols));
      }
      List<CompositionStep> steps = new ArrayList<>();
      List<int[]> copies = new ArrayList<>();
      int[] sizes = new int[2]; // running intermediate and norm sizes
      for (int i = 0; i < roots.size(); i++) {
        Node r = roots.get(i);
        ParamBlock b = model.blocks().get(i);
        if (r.kind == null) {
          copies.add(new int[] {slots.get(r).offset(), b.offset(), b.size()});
        } else {
          slots.put(r, new Slot(Place.EFFECTIVE, b.offset(), b.rows(), b.cols()));
          emit(r, slots, steps, sizes);
        }
      }
      int[] from = new int[copies.size()];
      int[] to = new int[copies.size()];
      int[] len = new int[copies.size()];
      for (int i = 0; i < copies.size(); i++) {
        from[i] = copies.get(i)[0];
        to[i] = copies.get(i)[1];
        len[i] = copies.get(i)[2];
      }
      return new Composition(storedLayout, model, steps, from, to, len, sizes[0], sizes[1]);
    }

    /** Post-order: the steps producing a node's inputs come before the node's own step. */
    private static void emit(Node n, Map<Node, Slot> slots, List<CompositionStep> steps, int[] sizes) {
      for (Node in : n.inputs) {
        if (in.kind != null) {
          slots.put(in, new Slot(Place.INTERMEDIATE, sizes[0], in.rows, in.cols));
          sizes[0] += in.rows * in.cols;
          emit(in, slots, steps, sizes);
        }
      }
      Slot out = slots.get(n);
      Node[] in = n.inputs;
      switch (n.kind) {
        case SUM -> steps.add(new CompositionStep.Sum(slots.get(in[0]), slots.get(in[1]), out));
        case LOW_RANK -> steps.add(
            new CompositionStep.LowRank(slots.get(in[0]), slots.get(in[1]), slots.get(in[2]), out, n.scale));
        case MAGNITUDE_DIRECTION -> {
          steps.add(new CompositionStep.MagnitudeDirection(slots.get(in[0]), slots.get(in[1]), out, n.axis, sizes[1]));
          sizes[1] += in[0].rows;
        }
      }
    }

    private static void collectLeaves(Node n, List<Node> out) {
      if (n.kind == null) {
        out.add(n);
      } else {
        for (Node in : n.inputs) {
          collectLeaves(in, out);
        }
      }
    }

    private Node leaf(String name) {
      Objects.requireNonNull(name, "block");
      Node n = leaves.get(name);
      if (n != null) {
        return n;
      }
      String by = replaced.get(name);
      if (by != null) {
        throw new IllegalArgumentException("block '" + name + "' is already composed by " + by
            + "; compose one of its stored parts instead; stored blocks are " + leaves.keySet());
      }
      throw new IllegalArgumentException("no stored block '" + name + "'; stored blocks are " + leaves.keySet());
    }

    private Node matrixLeaf(String name, String what) {
      Node n = leaf(name);
      if (n.vector) {
        throw new IllegalArgumentException(what + ": '" + name + "' is a vector block, not a weight matrix");
      }
      return n;
    }

    private Node newLeaf(String name, int rows, int cols, boolean vector, String what) {
      if (leaves.containsKey(name) || replaced.containsKey(name)) {
        throw new IllegalArgumentException(what + ": stored block name '" + name + "' is already in use");
      }
      return new Node(name, rows, cols, vector);
    }

    private void replace(Node n, String what, Kind kind, Node... inputs) {
      leaves.remove(n.name);
      replaced.put(n.name, what);
      n.kind = kind;
      n.inputs = inputs;
      for (Node in : inputs) {
        leaves.put(in.name, in);
      }
    }
  }

  private enum Kind { SUM, LOW_RANK, MAGNITUDE_DIRECTION }

  /** A block of the expression tree: a stored leaf ({@code kind == null}) or a step's output. */
  private static final class Node {
    final String name;
    final int rows;
    final int cols;
    final boolean vector;
    Kind kind;
    Node[] inputs;
    double scale;
    Axis axis;

    Node(String name, int rows, int cols, boolean vector) {
      this.name = name;
      this.rows = rows;
      this.cols = cols;
      this.vector = vector;
    }
  }
}
