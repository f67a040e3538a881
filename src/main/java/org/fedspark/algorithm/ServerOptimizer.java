package org.fedspark.algorithm;

import java.util.Locale;

/**
 * How a server moves its shared parameters {@code x} by the round's mean client update Δ_t, treating
 * −Δ_t as a pseudo-gradient: the adaptive federated optimizers of Reddi, Charles, Zaheer, Garrett,
 * Rush, Konečný, Kumar &amp; McMahan, "Adaptive Federated Optimization", ICLR 2021, Algorithm 2
 * (FedAdagrad, FedAdam, FedYogi), plus plain server SGD. Per coordinate, with the server step η_s(t):
 *
 * <pre>
 *   sgd:      x ← x + η_s Δ
 *   m_t = β₁ m_{t−1} + (1 − β₁) Δ                         (adaptive variants)
 *   adagrad:  v_t = v_{t−1} + Δ²
 *   adam:     v_t = β₂ v_{t−1} + (1 − β₂) Δ²
 *   yogi:     v_t = v_{t−1} − (1 − β₂) Δ² sign(v_{t−1} − Δ²)
 *             x ← x + η_s m_t / (√v_t + τ)
 * </pre>
 *
 * starting from m_{−1} = 0 and v_{−1} = τ² (the algorithm requires v_{−1} ≥ τ²; there is no bias
 * correction). Why adaptivity helps: client drift and heterogeneous data make the mean update badly
 * scaled across coordinates; dividing by √v_t gives each coordinate its own step, and τ bounds that
 * step by η_s/τ where v is tiny. Yogi (Zaheer et al., NeurIPS 2018) grows v additively, so a sudden
 * large Δ² raises the denominator more slowly than Adam's exponential average would lower it.
 *
 * <p>Plain SGD does exactly the arithmetic of {@code x[i] += η_s·Δ[i]}, so η_s = 1 is plain averaging
 * bit for bit. The optimizer keeps its moments between rounds on the driver.
 */
public final class ServerOptimizer implements java.io.Serializable {

  /** The update rules. */
  public enum Kind {
    SGD, ADAGRAD, ADAM, YOGI;

    static Kind parse(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT));
    }
  }

  private final Kind kind;
  private final double beta1;
  private final double beta2;
  private final double tau;
  private double[] m;
  private double[] v;

  public ServerOptimizer(Kind kind, double beta1, double beta2, double tau) {
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("server betas must be in [0, 1), got " + beta1 + ", " + beta2);
    }
    if (kind != Kind.SGD && !(tau > 0 && Double.isFinite(tau))) {
      throw new IllegalArgumentException("server tau must be finite and > 0, got " + tau);
    }
    this.kind = kind;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.tau = tau;
  }

  /** The configured rule ({@code sgd}, {@code adagrad}, {@code adam}, {@code yogi}). */
  public static ServerOptimizer of(String kind, double beta1, double beta2, double tau) {
    return new ServerOptimizer(Kind.parse(kind), beta1, beta2, tau);
  }

  /** Plain server SGD: {@code x ← x + η_s Δ}. */
  public static ServerOptimizer sgd() {
    return new ServerOptimizer(Kind.SGD, 0, 0, 0);
  }

  public Kind kind() {
    return kind;
  }

  /** Moves {@code x} in place by the mean update {@code delta} with step {@code lr}. */
  public void step(double[] x, double[] delta, double lr) {
    if (delta.length != x.length) {
      throw new IllegalArgumentException("update has length " + delta.length + ", parameters " + x.length);
    }
    if (kind == Kind.SGD) {
      for (int i = 0; i < x.length; i++) {
        x[i] += lr * delta[i];
      }
      return;
    }
    if (m == null) {
      m = new double[x.length];
      v = new double[x.length];
      java.util.Arrays.fill(v, tau * tau);
    }
    for (int i = 0; i < x.length; i++) {
      double d = delta[i];
      double d2 = d * d;
      m[i] = beta1 * m[i] + (1 - beta1) * d;
      v[i] = switch (kind) {
        case ADAGRAD -> v[i] + d2;
        case ADAM -> beta2 * v[i] + (1 - beta2) * d2;
        case YOGI -> v[i] - (1 - beta2) * d2 * Math.signum(v[i] - d2);
        case SGD -> throw new AssertionError();
      };
      x[i] += lr * m[i] / (Math.sqrt(v[i]) + tau);
    }
  }
}
