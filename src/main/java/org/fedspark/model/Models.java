package org.fedspark.model;

import java.util.List;
import java.util.Locale;

/** Builds a {@link Model} from the model name used in configuration files and on the command line. */
public final class Models {
  /** The accepted {@code type} names. */
  public static final List<String> TYPES = List.of("logistic", "softmax", "mlp");

  private Models() {}

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
    switch (t) {
      case "logistic":
        if (numClasses != 2) {
          throw new IllegalArgumentException(
              "logistic needs 2 classes, data has " + numClasses + "; use softmax");
        }
        return new LogisticRegression(numFeatures, weightDecay);
      case "softmax":
        return new SoftmaxRegression(numFeatures, numClasses, weightDecay);
      case "mlp":
        return new Mlp(numFeatures, hidden, numClasses, weightDecay);
      default:
        throw new IllegalArgumentException("unknown model type '" + type + "'; valid choices: " + String.join(", ", TYPES));
    }
  }
}
