package org.fedspark.client;

import java.util.ArrayList;
import java.util.List;
import org.fedspark.model.BlockSet;
import org.fedspark.model.Model;
import org.fedspark.model.ParamBlock;
import org.fedspark.optim.ProxOperator;

/**
 * A client's local objective over its stored parameters θ, composed per block from small terms (in the
 * spirit of Spark MLlib's {@code Gradient} + {@code Updater}):
 *
 * <pre>
 *   Φ(θ) = F(θ) + Σ_i (μ_i/2)‖θ_{B_i} − c_{B_i}‖² + Σ_j ⟨v_{B_j}, θ_{B_j}⟩ + Σ_k r_k(θ_{B_k})
 * </pre>
 *
 * where F is the smooth {@link Objective} (the model's loss), the quadratic terms are proximal pulls
 * toward per-block centers (FedProx, Li et al. MLSys 2020; Ditto, Li et al. ICML 2021; pFedMe, Dinh et
 * al. NeurIPS 2020), the linear terms carry FedDyn's or SCAFFOLD's corrections (Acar et al. ICLR 2021;
 * Karimireddy et al. ICML 2020), and each r_k is handled by its proximal operator after every step
 * (ℓ1 for FedSLR's sparse part). Only the {@link #trainable} blocks move (FedRep trains the head, then
 * the body). Algorithms declare their problem; {@link LocalSolver} owns the loop.
 */
public final class LocalProblem {
  /** A quadratic pull {@code (μ/2)‖θ_B − c_B‖²}; {@code center} is a full-length vector. */
  record Proximal(BlockSet blocks, double mu, double[] center) {}

  /** A linear term {@code ⟨v_B, θ_B⟩}; {@code v} is a full-length vector. */
  record Linear(BlockSet blocks, double[] v) {}

  /** A proximal operator applied to each block of the set after every step. */
  record ProxStep(BlockSet blocks, ProxOperator op) {}

  final Objective objective;
  final List<Proximal> proximal = new ArrayList<>();
  final List<Linear> linear = new ArrayList<>();
  final List<ProxStep> proxSteps = new ArrayList<>();
  BlockSet trainable;

  private LocalProblem(Objective objective) {
    this.objective = objective;
    this.trainable = BlockSet.all(objective.layout());
  }

  /** F(θ) alone, every block trainable. */
  public static LocalProblem of(Objective objective) {
    return new LocalProblem(objective);
  }

  /** The model's own loss over its own parameters. */
  public static LocalProblem of(Model model) {
    return new LocalProblem(Objective.of(model));
  }

  /** Adds {@code (μ/2)‖θ_B − c_B‖²}; μ = 0 adds nothing. */
  public LocalProblem proximal(BlockSet blocks, double mu, double[] center) {
    checkSet(blocks);
    checkFull(center, "center");
    if (!(mu >= 0) || Double.isInfinite(mu)) {
      throw new IllegalArgumentException("mu must be finite and >= 0, got " + mu);
    }
    if (mu > 0 && !blocks.isEmpty()) {
      proximal.add(new Proximal(blocks, mu, center));
    }
    return this;
  }

  /** Adds {@code ⟨v_B, θ_B⟩}. */
  public LocalProblem linear(BlockSet blocks, double[] v) {
    checkSet(blocks);
    checkFull(v, "linear term");
    if (!blocks.isEmpty()) {
      linear.add(new Linear(blocks, v));
    }
    return this;
  }

  /** Applies {@code op} to every block of {@code blocks} after each step. */
  public LocalProblem prox(BlockSet blocks, ProxOperator op) {
    checkSet(blocks);
    if (!blocks.isEmpty()) {
      proxSteps.add(new ProxStep(blocks, op));
    }
    return this;
  }

  /** Only these blocks move; the others keep their values (their gradient is ignored). */
  public LocalProblem trainable(BlockSet blocks) {
    checkSet(blocks);
    this.trainable = blocks;
    return this;
  }

  /** Φ's non-smooth part Σ_k r_k(θ_{B_k}) at θ. */
  public double regularizer(double[] theta) {
    double s = 0;
    for (ProxStep p : proxSteps) {
      for (ParamBlock b : p.blocks().blocks()) {
        s += p.op().value(theta, b.offset(), b.rows(), b.cols());
      }
    }
    return s;
  }

  public Objective objective() {
    return objective;
  }

  private void checkSet(BlockSet blocks) {
    if (!blocks.layout().equals(objective.layout()) && blocks.layout().size() != objective.layout().size()) {
      throw new IllegalArgumentException("blocks " + blocks + " belong to another layout than the objective's");
    }
  }

  private void checkFull(double[] v, String what) {
    if (v.length != objective.layout().size()) {
      throw new IllegalArgumentException(what + " has length " + v.length + ", parameters have " + objective.layout().size());
    }
  }
}
