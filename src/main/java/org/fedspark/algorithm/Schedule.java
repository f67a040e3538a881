package org.fedspark.algorithm;

import java.io.Serializable;
import java.util.Locale;
import org.fedspark.config.ConfigException;

/**
 * A step size as a function of the round t = 1..T, for the clients' local solver and for the server's
 * update. Schedules matter in federated training (Reddi et al., "Adaptive Federated Optimization",
 * ICLR 2021; the FedSLR reference code decays the client step by 0.998 per round):
 *
 * <ul>
 *   <li>constant: {@code η};
 *   <li>exponential: {@code η · decay^(t−1)};
 *   <li>cosine: {@code η_min + (η − η_min)(1 + cos(π (t−1)/(T−1)))/2}, from η at round 1 to η_min at
 *       round T (Loshchilov & Hutter, SGDR, ICLR 2017, without restarts);
 * </ul>
 * each optionally multiplied by a linear warm-up {@code min(1, t/W)} over the first W rounds (Goyal
 * et al. 2017).
 */
public record Schedule(Kind kind, double base, double decay, double min, int warmup, int totalRounds)
    implements Serializable {

  /** The shapes a schedule can take. */
  public enum Kind {
    CONSTANT, EXPONENTIAL, COSINE;

    static Kind parse(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT));
    }
  }

  public Schedule {
    if (!(base >= 0) || Double.isInfinite(base)) {
      throw new IllegalArgumentException("base step size must be finite and >= 0, got " + base);
    }
  }

  /** A step size that never changes. */
  public static Schedule constant(double base) {
    return new Schedule(Kind.CONSTANT, base, 1.0, 0.0, 0, 1);
  }

  /**
   * Parses the configured shape ({@code prefix} is "train.lr" or "server.lr", for messages); a decay
   * other than 1 with a schedule that ignores it is refused, so a setting never silently has no effect.
   */
  public static Schedule of(String prefix, String kind, double base, double decay, double min, int warmup,
      int totalRounds) {
    Kind k = Kind.parse(kind);
    if (k != Kind.EXPONENTIAL && decay != 1.0) {
      throw new ConfigException("key '" + prefix + "-decay' = " + decay + " only applies to the exponential schedule; set "
          + prefix + "-schedule = exponential");
    }
    if (k == Kind.COSINE && min > base) {
      throw new ConfigException("key '" + prefix + "-min' = " + min + " is where the cosine schedule ends; it must not exceed '"
          + prefix + "' = " + base);
    }
    return new Schedule(k, base, decay, min, warmup, totalRounds);
  }

  /** This schedule times {@code factor} at every round (e.g. pFedMe's β times the server step). */
  public Schedule scaled(double factor) {
    return new Schedule(kind, base * factor, decay, min * factor, warmup, totalRounds);
  }

  /** The step size in round {@code round} (from 1). */
  public double at(int round) {
    int t = Math.max(1, round);
    double v = switch (kind) {
      case CONSTANT -> base;
      case EXPONENTIAL -> base * Math.pow(decay, t - 1);
      case COSINE -> totalRounds <= 1 ? base
          : min + (base - min) * (1 + Math.cos(Math.PI * Math.min(t - 1, totalRounds - 1) / (totalRounds - 1))) / 2;
    };
    return warmup > 0 && t < warmup ? v * t / warmup : v;
  }
}
