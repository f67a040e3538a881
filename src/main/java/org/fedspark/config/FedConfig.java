package org.fedspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A validated configuration: HOCON from a file, then {@code key=value} overrides, over the defaults of
 * {@link Keys}. Every key the user set must exist and hold a valid value, or construction fails with a
 * {@link ConfigException} that lists each bad key with its valid values, so a typo never silently
 * falls back to a default.
 */
public final class FedConfig {
  /** First line of {@link #render()}: marks a run's written {@code config.conf}, which spells out every key. */
  public static final String RESOLVED_HEADER = "# fedspark resolved configuration (defaults included)";

  private final Config config;

  private FedConfig(Config config) {
    this.config = config;
  }

  /**
   * @param fileText HOCON text of the config file (may be empty)
   * @param origin a name for the text in error messages (the file's path)
   * @param overrides {@code key=value} pairs applied over the file; values are taken literally as
   *     strings (so paths like {@code hdfs://nn/x} need no quoting) and converted to the key's type
   */
  public static FedConfig parse(String fileText, String origin, List<String> overrides) {
    return parse(fileText, origin, overrides, name -> {
      throw new ConfigException(origin + " includes \"" + name + "\", but includes are only read from config files");
    });
  }

  /**
   * As {@link #parse(String, String, List)}, reading {@code include "name"} statements with
   * {@code includes} (names are their own locations).
   */
  public static FedConfig parse(String fileText, String origin, List<String> overrides,
      Function<String, String> includes) {
    return parse(fileText, origin, overrides, new Includes() {
      @Override
      public String locate(String name) {
        return name;
      }

      @Override
      public String read(String location) {
        return includes.apply(location);
      }
    });
  }

  /** Where {@code include "name"} statements are read from (the CLI: next to the config file, through Hadoop). */
  public interface Includes {
    /** The location {@code name} refers to, the same string for the same file (used to detect cycles). */
    String locate(String name);

    /** The text at a location returned by {@link #locate}. */
    String read(String location);
  }

  /**
   * As {@link #parse(String, String, List)}, with {@code include}s; {@code origin} should be the
   * config file's location as {@link Includes#locate} spells it, so that a file including itself is
   * caught.
   */
  public static FedConfig parse(String fileText, String origin, List<String> overrides, Includes includes) {
    return new FedConfig(parseMerged(fileText, origin, overrides, includes).withFallback(defaults()));
  }

  /** The file and the overrides, validated, without the defaults. */
  static Config parseMerged(String fileText, String origin, List<String> overrides, Includes includes) {
    Config file;
    try {
      ConfigParseOptions opts = ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setOriginDescription(origin);
      file = ConfigFactory.parseString(fileText, opts.setIncluder(new Includer(includes, opts, List.of(origin))));
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException("cannot parse " + origin + ": " + e.getMessage());
    }
    Config over = ConfigFactory.empty();
    List<String> problems = new ArrayList<>();
    for (String kv : overrides) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        problems.add("--set '" + kv + "' is not key=value");
        continue;
      }
      String key = kv.substring(0, eq).trim();
      String value = kv.substring(eq + 1).trim();
      try {
        over = over.withValue(key, ConfigValueFactory.fromAnyRef(value, "--set " + key));
      } catch (com.typesafe.config.ConfigException e) {
        problems.add("--set '" + kv + "': " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    Config merged;
    try {
      merged = over.withFallback(file).resolve();
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException("cannot resolve " + origin + ": " + e.getMessage());
    }
    validate(merged);
    return merged;
  }

  /**
   * Resolves {@code include "file"} through a caller-supplied reader. {@code chain} is the list of files
   * being read, outermost first: a file that is already on it would be read forever (Typesafe Config
   * itself recurses until the stack overflows), so it is refused with the cycle spelled out.
   */
  private record Includer(Includes reader, ConfigParseOptions opts, List<String> chain) implements ConfigIncluder {
    @Override
    public ConfigIncluder withFallback(ConfigIncluder fallback) {
      return this;
    }

    @Override
    public ConfigObject include(ConfigIncludeContext context, String what) {
      String location = reader.locate(what);
      if (chain.contains(location)) {
        List<String> cycle = new ArrayList<>(chain.subList(chain.indexOf(location), chain.size()));
        cycle.add(location);
        throw new ConfigException("include cycle: " + String.join(" includes ", cycle)
            + "; remove one of these include lines");
      }
      List<String> longer = new ArrayList<>(chain);
      longer.add(location);
      Includer inner = new Includer(reader, opts, List.copyOf(longer));
      return ConfigFactory.parseString(reader.read(location), opts.setOriginDescription(what).setIncluder(inner)).root();
    }
  }

  /** The defaults alone. */
  public static FedConfig defaultsOnly() {
    return parse("", "defaults", List.of());
  }

  /** Returns a copy with more overrides applied (validated). */
  public FedConfig with(List<String> overrides) {
    return parse(config.root().render(ConfigRenderOptions.concise()), "config", overrides);
  }

  private static Config defaults() {
    Config c = ConfigFactory.empty();
    for (ConfigKey k : Keys.ALL) {
      c = c.withValue(k.path(), ConfigValueFactory.fromAnyRef(k.defaultValue(), "default"));
    }
    return c;
  }

  private static void validate(Config c) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
      String path = e.getKey();
      if (path.startsWith(Keys.SPARK_CONF_PREFIX + ".")) {
        continue;
      }
      ConfigKey key = Keys.byPath(path);
      String where = " (" + e.getValue().origin().description() + ")";
      if (key == null) {
        problems.add("unknown key '" + path + "'" + where + suggestion(path)
            + "; run 'fedspark keys' for the list of keys");
        continue;
      }
      String bad = checkValue(c, key);
      if (bad != null) {
        problems.add("key '" + path + "'" + where + ": " + bad + "; expected " + key.validValues());
      }
    }
    for (ConfigKey key : Keys.ALL) {
      if (c.hasPathOrNull(key.path()) && c.getIsNull(key.path())) {
        problems.add("key '" + key.path() + "' is null; expected " + key.validValues()
            + " (remove the line to use the default, " + key.defaultValue() + ")");
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  private static String checkValue(Config c, ConfigKey key) {
    String p = key.path();
    try {
      switch (key.type()) {
        case INT -> {
          String whole = wholeNumber(c, p);
          if (whole != null) {
            return whole;
          }
          double v = c.getDouble(p);
          if (v < key.min() || v > key.max()) {
            return c.getValue(p).unwrapped() + " is out of range";
          }
        }
        case LONG -> {
          String whole = wholeNumber(c, p);
          if (whole != null) {
            return whole;
          }
          c.getLong(p);
        }
        case DOUBLE -> {
          double v = c.getDouble(p);
          if (!(v >= key.min() && v <= key.max())) {
            return v + " is out of range";
          }
        }
        case BOOLEAN -> c.getBoolean(p);
        case STRING -> c.getString(p);
        case CHOICE -> {
          String v = c.getString(p);
          if (!key.choices().contains(v)) {
            return "'" + v + "' is not a valid choice";
          }
        }
        default -> throw new IllegalStateException(key.type().toString());
      }
    } catch (com.typesafe.config.ConfigException.WrongType e) {
      return "'" + c.getValue(p).unwrapped() + "' has the wrong type";
    }
    return null;
  }

  /** Typesafe Config truncates 1.5 to 1 for an int; a count or seed must be written as a whole number. */
  private static String wholeNumber(Config c, String p) {
    double d = c.getDouble(p);
    if (d != Math.rint(d)) {
      return "'" + c.getValue(p).unwrapped() + "' is not a whole number";
    }
    return Math.abs(d) < 0x1p63 ? null : "'" + c.getValue(p).unwrapped() + "' is out of range";
  }

  private static String suggestion(String path) {
    String best = Keys.ALL.stream().map(ConfigKey::path)
        .min(Comparator.comparingInt(k -> editDistance(k, path))).orElse(null);
    if (best != null && editDistance(best, path) <= Math.max(2, path.length() / 4)) {
      return "; did you mean '" + best + "'?";
    }
    String section = path.contains(".") ? path.substring(0, path.indexOf('.') + 1) : "";
    List<String> same = Keys.ALL.stream().map(ConfigKey::path).filter(k -> k.startsWith(section)).toList();
    if (!section.isEmpty() && !same.isEmpty()) {
      return "; keys under '" + section + "' are " + String.join(", ", same);
    }
    return "";
  }

  static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  public int getInt(ConfigKey k) {
    return config.getInt(k.path());
  }

  public long getLong(ConfigKey k) {
    return config.getLong(k.path());
  }

  public double getDouble(ConfigKey k) {
    return config.getDouble(k.path());
  }

  public boolean getBoolean(ConfigKey k) {
    return config.getBoolean(k.path());
  }

  public String getString(ConfigKey k) {
    return config.getString(k.path());
  }

  /** A choice key's value as an enum constant: "fashion-mnist" → FASHION_MNIST. */
  public <E extends Enum<E>> E getEnum(ConfigKey k, Class<E> type) {
    return Enum.valueOf(type, config.getString(k.path()).replace('-', '_').toUpperCase(Locale.ROOT));
  }

  /**
   * Where each key that is not at its default came from, by path: the origin description Typesafe
   * Config keeps ({@code "--set KEY"}, {@code "FILE: LINE"}, or an included file's name).
   */
  public Map<String, String> origins() {
    Map<String, String> out = new LinkedHashMap<>();
    for (ConfigKey k : Keys.ALL) {
      if (config.hasPath(k.path())) {
        String d = config.getValue(k.path()).origin().description();
        if (!"default".equals(d)) {
          out.put(k.path(), d);
        }
      }
    }
    return out;
  }

  /** The Spark properties under {@code spark.conf}, passed to Spark verbatim. */
  public Map<String, String> sparkConf() {
    Map<String, String> out = new LinkedHashMap<>();
    if (config.hasPath(Keys.SPARK_CONF_PREFIX)) {
      // Both spark.conf."spark.x.y" = v (one quoted key) and spark.conf.spark.x.y = v (nested
      // objects, as --set writes it) name the Spark property spark.x.y.
      config.getConfig(Keys.SPARK_CONF_PREFIX).entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(e -> out.put(String.join(".", ConfigUtil.splitPath(e.getKey())), String.valueOf(e.getValue().unwrapped())));
    }
    return out;
  }

  /** A key's value as HOCON of its type: numbers and booleans bare (even when given as --set text). */
  private String renderValue(ConfigKey k) {
    Object v = switch (k.type()) {
      case INT -> config.getInt(k.path());
      case LONG -> config.getLong(k.path());
      case DOUBLE -> config.getDouble(k.path());
      case BOOLEAN -> config.getBoolean(k.path());
      case STRING, CHOICE -> config.getString(k.path());
    };
    return ConfigValueFactory.fromAnyRef(v).render(ConfigRenderOptions.concise());
  }

  /**
   * Every key's value as {@link #render()} writes it, then the Spark properties as
   * {@code spark.conf."name"}: what two configurations are compared by (a resumed run must have its
   * original one).
   */
  public Map<String, String> values() {
    Map<String, String> out = new LinkedHashMap<>();
    for (ConfigKey k : Keys.ALL) {
      out.put(k.path(), renderValue(k));
    }
    sparkConf().forEach((k, v) -> out.put(Keys.SPARK_CONF_PREFIX + ".\"" + k + "\"", v));
    return out;
  }

  /** The full resolved configuration as HOCON, every key with its documentation line above it. */
  public String render() {
    StringBuilder sb = new StringBuilder(RESOLVED_HEADER + "\n");
    String section = "";
    for (ConfigKey k : Keys.ALL) {
      String s = k.path().substring(0, k.path().indexOf('.'));
      if (!s.equals(section)) {
        sb.append('\n');
        section = s;
      }
      sb.append("# ").append(k.doc()).append('\n');
      sb.append(k.path()).append(" = ").append(renderValue(k)).append('\n');
    }
    Map<String, String> spark = sparkConf();
    if (!spark.isEmpty()) {
      sb.append("\n# Spark properties passed verbatim\n");
      spark.forEach((k, v) -> sb.append(Keys.SPARK_CONF_PREFIX).append(".\"").append(k).append("\" = \"")
          .append(v).append("\"\n"));
    }
    return sb.toString();
  }
}
