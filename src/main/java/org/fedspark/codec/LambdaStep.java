package org.fedspark.codec;

import java.io.Serializable;
import org.fedspark.codec.tv.LambdaUpdate;
import org.fedspark.codec.tv.TvAdmm;

/**
 * The Λ-regularized client update as a step between a client's local training and its upload: the
 * uploaded delta Δ (local model minus received model, after local steps of size η) is replaced by
 * −η∇, with ∇ = argmin_w ½‖w − g‖² + γ‖Λw‖₁ and g := −Δ/η ({@link LambdaUpdate#fromDelta}). ∇ is
 * piecewise constant in the chosen coordinate order, so the upload has few runs and few distinct
 * values, which the piecewise-constant and k-means codecs turn into few bytes. γ = 0 is off: Δ is sent
 * as it is, bit for bit. Since (x_t − v)/η = ∇ for the client problem's minimizer v, −η∇ = v − x_t is
 * again a model change, so the server averages it exactly as it averages Δ.
 *
 * <p>The order: the penalty couples consecutive coordinates, so which coordinates are neighbours
 * matters. It is the {@link CoordinateOrder} both sides already know (natural, a permutation from the
 * run seed, or the coordinates sorted by the current shared model); the step runs in that order, and
 * the codec sends the vector in the same order.
 *
 * <p>Works on the vector named {@link #DELTA} (the name every averaging algorithm uploads under).
 * Not thread-safe inside one call; a new solver is made per call.
 */
public final class LambdaStep implements Serializable {
  private static final long serialVersionUID = 1L;
  /** The uploaded model change. */
  public static final String DELTA = "delta";
  /** The broadcast shared model, from which the {@code by-model} order is taken. */
  public static final String PARAMS = "params";

  private final double gamma;
  private final TvAdmm.Options admm;
  private final double[] lrByRound;

  /**
   * @param admm null for the exact solver
   * @param lrByRound the clients' local step size η in round t at index t − 1
   */
  public LambdaStep(double gamma, TvAdmm.Options admm, double[] lrByRound) {
    if (!(gamma >= 0) || Double.isInfinite(gamma)) {
      throw new IllegalArgumentException("gamma must be finite and >= 0, got " + gamma);
    }
    this.gamma = gamma;
    this.admm = admm;
    this.lrByRound = lrByRound.clone();
  }

  public double gamma() {
    return gamma;
  }

  public boolean active() {
    return gamma > 0;
  }

  /** The vector to upload in place of {@code delta} in round {@code round}; delta itself when γ = 0. */
  public double[] apply(double[] delta, int round, CoordinateOrder order) {
    if (!active()) {
      return delta;
    }
    double eta = lrByRound[round - 1];
    double[] d = order == null ? delta : order.toWire(delta);
    LambdaUpdate solver = admm == null ? LambdaUpdate.exact() : LambdaUpdate.admm(admm);
    double[] u = solver.fromDelta(d, eta, gamma, new double[d.length]);
    for (int i = 0; i < u.length; i++) {
      u[i] *= -eta;
    }
    return order == null ? u : order.fromWire(u);
  }
}
