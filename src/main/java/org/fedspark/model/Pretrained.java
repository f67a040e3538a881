package org.fedspark.model;

import java.util.Objects;
import java.util.SplittableRandom;
import org.fedspark.data.LocalDataset;

/**
 * A model that starts from given parameters instead of a random draw: {@link #initialParams} returns
 * the pretrained values (e.g. the global model an earlier run saved, {@code model.base}), and every
 * other method is the wrapped model's. Because fedspark's common starting point is the model's initial
 * parameters, the server, every client and every frozen block then start from the pretrained model with
 * no other change, which is what federated fine-tuning needs.
 *
 * <p>The values travel inside the model, which Spark ships once per stage to each executor in the task
 * binary; they are never part of a message, so they do not count as traffic (a deployed client holds
 * the pretrained model before fine-tuning starts).
 */
public final class Pretrained implements Model {
  private static final long serialVersionUID = 1L;

  private final Model inner;
  private final double[] base;

  /**
   * @param inner the model the values belong to
   * @param base its parameters, laid out by {@code inner.layout()}; copied
   * @throws IllegalArgumentException if the length does not match or a value is not finite
   */
  public Pretrained(Model inner, double[] base) {
    this.inner = Objects.requireNonNull(inner, "inner");
    Objects.requireNonNull(base, "base");
    if (base.length != inner.layout().size()) {
      throw new IllegalArgumentException("pretrained parameters have " + base.length + " values; the model "
          + inner.layout() + " has " + inner.layout().size());
    }
    for (int i = 0; i < base.length; i++) {
      if (!Double.isFinite(base[i])) {
        throw new IllegalArgumentException("pretrained parameter " + i + " is " + base[i]);
      }
    }
    this.base = base.clone();
  }

  /** The wrapped model. */
  public Model inner() {
    return inner;
  }

  /** A copy of the pretrained values. */
  public double[] base() {
    return base.clone();
  }

  @Override
  public ParamLayout layout() {
    return inner.layout();
  }

  @Override
  public int numFeatures() {
    return inner.numFeatures();
  }

  @Override
  public int numClasses() {
    return inner.numClasses();
  }

  /** The pretrained values (a fresh copy); {@code rng} is not used. */
  @Override
  public double[] initialParams(SplittableRandom rng) {
    return base.clone();
  }

  @Override
  public double lossAndGradient(double[] params, double[] x, int[] y, int n, double[] grad) {
    return inner.lossAndGradient(params, x, y, n, grad);
  }

  @Override
  public EvalStats evaluate(double[] params, LocalDataset data) {
    return inner.evaluate(params, data);
  }

  @Override
  public double weightDecay() {
    return inner.weightDecay();
  }

  @Override
  public String toString() {
    return "pretrained " + inner;
  }
}
