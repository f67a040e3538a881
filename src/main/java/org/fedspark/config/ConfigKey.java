package org.fedspark.config;

import java.util.List;
import java.util.Locale;

/**
 * One configuration key: its dotted path, type, default, documentation line and valid values. The list
 * of keys ({@link Keys}) is the single source of truth for defaults, validation, {@code fedspark keys}
 * and the resolved config a run writes.
 */
public final class ConfigKey {
  /** Value types. */
  public enum Type {
    INT, LONG, DOUBLE, BOOLEAN, STRING, CHOICE
  }

  private final String path;
  private final Type type;
  private final Object defaultValue;
  private final String doc;
  private final double min;
  private final double max;
  private final List<String> choices;

  private ConfigKey(String path, Type type, Object defaultValue, String doc, double min, double max,
      List<String> choices) {
    this.path = path;
    this.type = type;
    this.defaultValue = defaultValue;
    this.doc = doc;
    this.min = min;
    this.max = max;
    this.choices = choices;
  }

  public static ConfigKey integer(String path, int def, int min, int max, String doc) {
    return new ConfigKey(path, Type.INT, def, doc, min, max, List.of());
  }

  public static ConfigKey longKey(String path, long def, String doc) {
    return new ConfigKey(path, Type.LONG, def, doc, Long.MIN_VALUE, Long.MAX_VALUE, List.of());
  }

  public static ConfigKey decimal(String path, double def, double min, double max, String doc) {
    return new ConfigKey(path, Type.DOUBLE, def, doc, min, max, List.of());
  }

  public static ConfigKey bool(String path, boolean def, String doc) {
    return new ConfigKey(path, Type.BOOLEAN, def, doc, 0, 0, List.of());
  }

  public static ConfigKey string(String path, String def, String doc) {
    return new ConfigKey(path, Type.STRING, def, doc, 0, 0, List.of());
  }

  public static ConfigKey choice(String path, String def, List<String> choices, String doc) {
    if (!choices.contains(def)) {
      throw new IllegalArgumentException("default " + def + " of " + path + " not among " + choices);
    }
    return new ConfigKey(path, Type.CHOICE, def, doc, 0, 0, List.copyOf(choices));
  }

  /**
   * A choice among the constants of {@code names}, written in lower case with {@code -} for
   * {@code _} (FASHION_MNIST is "fashion-mnist"): the enum is the one list of the names, and
   * {@link FedConfig#getEnum} maps a value back to its constant.
   */
  public static <E extends Enum<E>> ConfigKey choice(String path, E def, Class<E> names, String doc) {
    List<String> labels = java.util.Arrays.stream(names.getEnumConstants()).map(ConfigKey::label).toList();
    return choice(path, label(def), labels, doc);
  }

  /** The config spelling of an enum constant. */
  public static String label(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public String path() {
    return path;
  }

  public Type type() {
    return type;
  }

  public Object defaultValue() {
    return defaultValue;
  }

  public String doc() {
    return doc;
  }

  public double min() {
    return min;
  }

  public double max() {
    return max;
  }

  public List<String> choices() {
    return choices;
  }

  /** A one-line description of the valid values, used in error messages and {@code fedspark keys}. */
  public String validValues() {
    return switch (type) {
      case INT -> "a whole number in [" + fmt(min) + ", " + (max == Integer.MAX_VALUE ? "2147483647 (2³¹ − 1)" : fmt(max)) + "]";
      case DOUBLE -> "a number in [" + fmt(min) + ", " + fmt(max) + "]";
      case LONG -> "an integer";
      case BOOLEAN -> "true or false";
      case STRING -> "a string";
      case CHOICE -> "one of " + String.join(", ", choices);
    };
  }

  private static String fmt(double v) {
    if (v == Double.MAX_VALUE) {
      return "∞";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%s", v);
  }
}
