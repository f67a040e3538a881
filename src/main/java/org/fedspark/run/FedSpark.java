package org.fedspark.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.fedspark.config.ConfigException;
import org.fedspark.config.FedConfig;
import org.fedspark.config.Keys;
import org.fedspark.report.OutputDir;

/**
 * The entry point for programs and notebooks (Zeppelin, spark-shell) that already have a SparkSession:
 * {@code FedSpark.run(spark, "conf/quickstart.conf", List.of("train.lr=0.1"), null)} runs the same
 * simulation as {@code fedspark run}, in that session's context. The {@link SparkContext} forms are
 * what {@code fedspark run} uses: a run is RDD jobs and starts no Spark SQL of its own.
 */
public final class FedSpark {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FedSpark.class);
  private FedSpark() {}

  /**
   * Reads a config file (any Hadoop path; {@code include}s are resolved next to it), applies the
   * overrides and validates everything.
   */
  public static FedConfig loadConfig(String configPath, List<String> overrides) {
    return loadConfig(configPath, overrides, List.of());
  }

  /**
   * As {@link #loadConfig(String, List)}; {@code shared} are overrides that apply to several configs at
   * once ({@code compare}'s {@code --set}): one of them that has no effect on this config is a warning,
   * not an error ({@link org.fedspark.config.KeyScope}).
   */
  public static FedConfig loadConfig(String givenPath, List<String> overrides, List<String> shared) {
    String configPath = locateConfig(givenPath);
    Path parent = new Path(configPath).getParent();
    FedConfig.Includes includes = new FedConfig.Includes() {
      @Override
      public String locate(String name) {
        return parent == null || new Path(name).isAbsolute() ? name : new Path(parent, name).toString();
      }

      @Override
      public String read(String location) {
        return readText(location);
      }
    };
    List<String> all = new java.util.ArrayList<>(shared);
    all.addAll(overrides);
    String text = readText(configPath);
    FedConfig cfg = FedConfig.parse(text, configPath, all, includes);
    org.fedspark.config.KeyScope.check(cfg, configPath, text.startsWith(FedConfig.RESOLVED_HEADER),
        shared.stream().map(kv -> kv.substring(0, Math.max(0, kv.indexOf('='))).trim()).toList(),
        warning -> LOG.warn(warning));
    return cfg;
  }

  /**
   * The configuration a run wrote into its output directory ({@code config.conf}), with overrides:
   * what {@code fedspark resume} and {@code fedspark evaluate} start from.
   */
  public static FedConfig loadRunConfig(String runDir, List<String> overrides) {
    Path conf = new Path(runDir, "config.conf");
    try {
      if (!conf.getFileSystem(ForkFreeLocalFileSystem.configuration()).exists(conf)) {
        throw new ConfigException(runDir + " is not a fedspark run directory (it has no config.conf); give the "
            + "output directory of a run (its --out)");
      }
    } catch (IOException e) {
      throw new ConfigException("cannot read " + conf + ": " + e.getMessage());
    }
    return loadConfig(conf.toString(), overrides);
  }

  /** The output directory: {@code out} if given, else {@code run.out}, else runs/NAME-TIMESTAMP. */
  public static String outputDir(FedConfig cfg, String out) {
    if (out != null && !out.isEmpty()) {
      return out;
    }
    String configured = cfg.getString(Keys.OUT);
    if (!configured.isEmpty()) {
      return configured;
    }
    return "runs/" + cfg.getString(Keys.RUN_NAME) + "-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
  }

  /** Runs a simulation on {@code sc}; progress goes to {@code console}. */
  public static SimulationResult run(SparkContext sc, FedConfig cfg, String out, PrintStream console) {
    OutputDir dir = new OutputDir(outputDir(cfg, out), sc.hadoopConfiguration());
    return new Simulation(sc, cfg, dir, console).run();
  }

  /** Runs a simulation in {@code spark}'s context; progress goes to {@code console}. */
  public static SimulationResult run(SparkSession spark, FedConfig cfg, String out, PrintStream console) {
    return run(spark.sparkContext(), cfg, out, console);
  }

  /** Reads the config file and runs it; for notebooks. */
  public static SimulationResult run(SparkSession spark, String configPath, List<String> overrides, String out) {
    return run(spark.sparkContext(), loadConfig(configPath, overrides), out, System.out);
  }

  /** The Spark properties that list the files shipped with {@code spark-submit --files}. */
  static final List<String> SHIPPED_FILES = List.of("spark.files", "spark.yarn.dist.files");

  /**
   * Where to read a config file given on the command line. In cluster deploy mode the driver runs in a
   * directory of the cluster's choosing, where a relative path such as {@code conf/x.conf} does not
   * exist. When the given path exists it is used as it is; otherwise, if a file of the same name was
   * shipped with {@code --files} (listed in {@code spark.files} or {@code spark.yarn.dist.files}), the
   * copy the cluster manager placed in the working directory (YARN) is read, else the shipped URI
   * itself (standalone, where it is a path the driver's host can read: {@code file:} on a shared or the
   * same machine, {@code hdfs://}). {@code include}s are then resolved next to the file read, so ship
   * them too.
   */
  static String locateConfig(String given) {
    Path path = new Path(given);
    try {
      if (path.toUri().getScheme() != null || path.getFileSystem(ForkFreeLocalFileSystem.configuration()).exists(path)) {
        return given;
      }
    } catch (IOException | RuntimeException e) {
      return given; // readText reports it
    }
    for (String key : SHIPPED_FILES) {
      for (String uri : System.getProperty(key, "").split(",")) {
        if (!uri.isBlank() && new Path(uri.trim()).getName().equals(path.getName())) {
          java.io.File here = new java.io.File(path.getName());
          return here.isFile() ? here.getAbsolutePath() : uri.trim();
        }
      }
    }
    return given;
  }

  /** Reads a text file through the Hadoop FileSystem API, so local, hdfs:// and s3a:// paths work. */
  static String readText(String pathText) {
    try {
      Path path = new Path(pathText);
      FileSystem fs = path.getFileSystem(ForkFreeLocalFileSystem.configuration());
      if (!fs.exists(path)) {
        throw new ConfigException("config file " + pathText + " does not exist; " + (SparkSessions.submitted()
            ? "under spark-submit give a Hadoop path (hdfs://…) or ship the file with --files (fedspark finds it by"
                + " its name), as the driver may run on another host or directory"
            : "the ready configs are in conf/"));
      }
      try (InputStream in = fs.open(path)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof ConfigException ce) {
        throw ce;
      }
      if (ConfigException.isMissingFileSystem(e)) {
        throw ConfigException.noFileSystem("config file", pathText, e);
      }
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new ConfigException("cannot read config file " + pathText + ": " + e.getMessage());
    }
  }
}
