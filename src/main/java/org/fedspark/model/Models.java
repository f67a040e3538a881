package org.fedspark.model;

import java.util.List;
import java.util.Locale;

/** Builds a {@link Model} from the model name used in configuration files and on the command line. */
public final class Models {
  /** The model types, the one list of their names (written in lower case in configs). */
  public enum Type {
    SOFTMAX, LOGISTIC, MLP;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The accepted {@code type} names. */
  public static final List<String> TYPES = java.util.Arrays.stream(Type.values()).map(Type::label).toList();

  private Models() {}

  /** The most values one Java {@code double[]} holds (the JVM's array limit is a little below 2³¹ − 1). */
  public static final long MAX_PARAMETERS = Integer.MAX_VALUE - 8;

  /**
   * The number of parameters, in exact (long) arithmetic so that a too large shape is reported as such
   * rather than wrapping around: logistic d + 1, softmax k·d + k, MLP h·d + h + k·h + k.
   */
  public static long parameterCount(Type type, long numFeatures, long numClasses, long hidden) {
    return switch (type) {
      case LOGISTIC -> numFeatures + 1;
      case SOFTMAX -> numClasses * numFeatures + numClasses;
      case MLP -> hidden * numFeatures + hidden + numClasses * hidden + numClasses;
    };
  }

  /**
   * @param type one of {@link #TYPES} (case-insensitive)
   * @param numFeatures input width of the data
   * @param numClasses number of classes in the data; must be 2 for {@code logistic}
   * @param hidden hidden-layer width, used only by {@code mlp}
   * @param weightDecay L2 coefficient λ on the non-bias blocks
   * @throws IllegalArgumentException for an unknown type, or a shape the model cannot fit
   */
  public static Model create(String type, int numFeatures, int numClasses, int hidden, double weightDecay) {
    String t = type == null ? "" : type.trim().toLowerCase(Locale.ROOT);
    Type kind = null;
    for (Type k : Type.values()) {
      if (k.label().equals(t)) {
        kind = k;
      }
    }
    if (kind == null) {
      throw new IllegalArgumentException("unknown model type '" + type + "'; valid choices: " + String.join(", ", TYPES));
    }
    long params = parameterCount(kind, numFeatures, numClasses, hidden);
    if (params > MAX_PARAMETERS) {
      throw new IllegalArgumentException(kind.label() + " with " + numFeatures + " features, " + numClasses + " classes"
          + (kind == Type.MLP ? " and " + hidden + " hidden units" : "") + " has " + params
          + " parameters, more than the " + MAX_PARAMETERS + " one Java array holds");
    }
    return switch (kind) {
      case LOGISTIC -> {
        if (numClasses != 2) {
          throw new IllegalArgumentException("logistic needs 2 classes, data has " + numClasses + "; use softmax");
        }
        yield new LogisticRegression(numFeatures, weightDecay);
      }
      case SOFTMAX -> new SoftmaxRegression(numFeatures, numClasses, weightDecay);
      case MLP -> new Mlp(numFeatures, hidden, numClasses, weightDecay);
    };
  }
}
