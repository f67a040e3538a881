package org.fedspark.client;

import java.io.Serializable;
import org.fedspark.model.Composition;
import org.fedspark.model.Model;
import org.fedspark.model.ParamLayout;

/**
 * The smooth part of a client's local objective as a function of the parameters the client stores:
 * the model's minibatch loss {@code F(w)} (MLlib's {@code Gradient}), or {@code F(C(θ))} when the
 * effective weights are composed from several stored blocks.
 */
public interface Objective extends Serializable {

  /** Layout of the stored parameters θ the solver updates. */
  ParamLayout layout();

  /** Input width the data must have. */
  int numFeatures();

  /** A fresh evaluator for one training call; it may keep scratch buffers, so one per thread. */
  Evaluator evaluator();

  /** Computes the minibatch loss and its gradient with respect to θ. */
  interface Evaluator {
    /**
     * @param theta stored parameters (read-only)
     * @param x row-major batch
     * @param y labels
     * @param n rows in the batch
     * @param grad output, overwritten with the gradient (length {@code layout().size()})
     * @return the loss
     */
    double lossAndGradient(double[] theta, double[] x, int[] y, int n, double[] grad);
  }

  /** The model's own loss over its own parameters (stored = effective). */
  static Objective of(Model model) {
    return new Objective() {
      private static final long serialVersionUID = 1L;

      @Override
      public ParamLayout layout() {
        return model.layout();
      }

      @Override
      public int numFeatures() {
        return model.numFeatures();
      }

      @Override
      public Evaluator evaluator() {
        return model::lossAndGradient;
      }
    };
  }

  /**
   * {@code F(C(θ))}: the model's loss at the effective weights {@code w = C(θ)} composed from the stored
   * blocks, with the chain rule {@code ∇_θ = J_C(θ)ᵀ ∇_w F} ({@link Composition#backward}).
   */
  static Objective composed(Model model, Composition c) {
    if (!c.effective().equals(model.layout()) && c.effective().size() != model.layout().size()) {
      throw new IllegalArgumentException("composition of " + c.effective() + " does not produce " + model.layout());
    }
    if (c.isIdentity()) {
      return of(model);
    }
    return new Objective() {
      private static final long serialVersionUID = 1L;

      @Override
      public ParamLayout layout() {
        return c.stored();
      }

      @Override
      public int numFeatures() {
        return model.numFeatures();
      }

      @Override
      public Evaluator evaluator() {
        Composition.Workspace ws = c.workspace();
        double[] w = new double[model.layout().size()];
        double[] gw = new double[w.length];
        return (theta, x, y, n, grad) -> {
          c.forward(theta, w, ws);
          double loss = model.lossAndGradient(w, x, y, n, gw);
          c.backward(theta, gw, grad, ws);
          return loss;
        };
      }
    };
  }
}
