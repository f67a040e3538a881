package org.fedspark.run;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fedspark.algorithm.Algorithms;
import org.fedspark.config.ConfigException;
import org.fedspark.config.FedConfig;
import org.fedspark.config.Keys;
import org.fedspark.data.DataException;
import org.fedspark.data.DataSpec;
import org.fedspark.data.FederatedDataLoader;
import org.fedspark.model.Model;
import org.fedspark.model.Models;
import org.fedspark.report.RunReport;

/**
 * Everything about a run that can be checked before Spark starts and before the output directory is
 * written: the data source's path, the model against the data's shape where the configuration fixes it
 * (and its size against the driver's heap), the algorithm, codecs and stragglers settings, and the
 * output directory itself (a directory, writable, not holding an earlier run's results). A mistake then
 * costs milliseconds instead of a Spark start-up, and leaves no half-made run directory behind.
 */
public final class Preflight {
  /**
   * Vectors of the model's size the driver holds at once: the global model, the aggregate's fixed-point
   * sums (two longs per value), up to two adaptive-optimizer moments, the broadcast copy and its
   * serialized bytes, and an evaluation copy. An estimate, used only to refuse what cannot fit.
   */
  static final int DRIVER_MODEL_COPIES = 10;

  private Preflight() {}

  /** The configuration checks; {@code hadoop} is used only to look at data paths. */
  public static void checkConfig(FedConfig cfg, Configuration hadoop) {
    if (!SparkSessions.submitted()) {
      SparkSessions.checkMaster(cfg.getString(Keys.MASTER));
    }
    DataSpec spec = DataSpecs.from(cfg);
    Integer[] shape;
    try {
      shape = FederatedDataLoader.checkInputs(spec, hadoop);
    } catch (RuntimeException e) {
      if (ConfigException.isMissingFileSystem(e)) {
        throw ConfigException.noFileSystem("data.path", spec.path(), e);
      }
      throw e;
    }
    boolean known = shape[0] != null && shape[1] != null;
    // Unknown dimensions: a stand-in shape still lets the algorithm check its keys (block roles depend
    // on the model's block names, not on its size).
    int features = shape[0] != null ? shape[0] : 1;
    int classes = shape[1] != null ? shape[1] : 2;
    Model model = model(cfg, features, classes, known ? describe(spec) : null);
    Transport.from(cfg, Simulation.vectorBlocks(Algorithms.create(cfg, model), model));
    Stragglers.from(cfg);
  }

  private static String describe(DataSpec spec) {
    return "data.source = " + spec.source().name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The configured model for data of this shape, checked: at least two classes, logistic regression
   * only on two, a parameter count that fits a Java array (exact arithmetic), and a size the driver's
   * heap can hold.
   *
   * @param data what the shape comes from, for messages; null when the shape is a stand-in (only the
   *     checks that do not depend on it are made)
   */
  static Model model(FedConfig cfg, int numFeatures, int numClasses, String data) {
    Models.Type type = cfg.getEnum(Keys.MODEL, Models.Type.class);
    int hidden = cfg.getInt(Keys.HIDDEN);
    if (data != null) {
      if (numClasses < 2) {
        throw new DataException(data + " has " + numClasses + " class (every label is " + (numClasses - 1)
            + "): a classifier needs examples of at least 2 classes; check the labels (data.label-column), or set "
            + Keys.NUM_CLASSES.path() + " if the other classes are absent on purpose");
      }
      if (type == Models.Type.LOGISTIC && numClasses != 2) {
        throw new ConfigException("key '" + Keys.MODEL.path() + "' = logistic is binary, but " + data + " has "
            + numClasses + " classes; use " + Keys.MODEL.path() + " = softmax (or mlp)");
      }
      long params = Models.parameterCount(type, numFeatures, numClasses, hidden);
      String shape = numFeatures + " features, " + numClasses + " classes"
          + (type == Models.Type.MLP ? " and " + Keys.HIDDEN.path() + " = " + hidden : "");
      String lower = type == Models.Type.MLP ? "lower " + Keys.HIDDEN.path() : "use fewer features";
      if (params > Models.MAX_PARAMETERS) {
        throw new ConfigException("key '" + Keys.MODEL.path() + "' = " + type.label() + " with " + shape + " (" + data
            + ") has " + params + " parameters, more than the " + Models.MAX_PARAMETERS
            + " one Java array holds; " + lower);
      }
      long heap = Runtime.getRuntime().maxMemory();
      long need = params * 8L * DRIVER_MODEL_COPIES;
      if (need > heap) {
        throw new ConfigException("key '" + Keys.MODEL.path() + "' = " + type.label() + " with " + shape + " (" + data
            + ") has " + params + " parameters; the driver holds about " + DRIVER_MODEL_COPIES + " copies of them ("
            + mb(need) + "), more than its " + mb(heap) + " heap; " + lower
            + ", or raise FEDSPARK_MEMORY (spark-submit: --driver-memory)");
      }
    }
    try {
      return Models.create(type.label(), numFeatures, numClasses, hidden, cfg.getDouble(Keys.WEIGHT_DECAY));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("key '" + Keys.MODEL.path() + "' = " + type.label() + ": " + e.getMessage());
    }
  }

  static String mb(long bytes) {
    return bytes >= 10L << 30 ? String.format(Locale.ROOT, "%.0f GB", bytes / (double) (1L << 30))
        : String.format(Locale.ROOT, "%d MB", bytes >> 20);
  }

  /**
   * The output directory can be used: it is a directory or can be made one, fedspark can write in it,
   * and it holds no earlier run's results unless {@code overwrite}. Makes the directory if it does not
   * exist (and leaves nothing else in it).
   *
   * @param names the result files whose presence means "an earlier run is here"
   */
  public static void checkOutputDir(String dir, Configuration hadoop, boolean overwrite, List<String> names) {
    String what = "output directory " + dir + " (--out / " + Keys.OUT.path() + ")";
    Path path = new Path(dir);
    FileSystem fs;
    try {
      fs = path.getFileSystem(hadoop);
    } catch (IOException | RuntimeException e) {
      if (ConfigException.isMissingFileSystem(e)) {
        throw ConfigException.noFileSystem("output directory (--out)", dir, e);
      }
      throw new ConfigException("cannot use " + what + ": " + e.getMessage());
    }
    try {
      FileStatus status = fs.exists(path) ? fs.getFileStatus(path) : null;
      if (status != null && !status.isDirectory()) {
        throw new ConfigException(what + " is a file, not a directory; choose a directory (it is created if needed)");
      }
      if (status == null) {
        for (Path p = path.getParent(); p != null; p = p.getParent()) {
          if (fs.exists(p)) {
            if (!fs.getFileStatus(p).isDirectory()) {
              throw new ConfigException(what + " is inside " + fs.makeQualified(p) + ", which is a file; choose another --out");
            }
            break;
          }
        }
      } else {
        List<String> found = names.stream().filter(n -> exists(fs, new Path(path, n))).toList();
        if (!found.isEmpty() && !overwrite) {
          String runStatus = status(fs, new Path(path, "summary.json"));
          boolean unfinished = runStatus != null && !runStatus.equals(RunStatus.COMPLETED.label());
          throw new ConfigException(what + " already holds the results of a run (" + String.join(", ", found)
              + (runStatus == null ? "" : "; status " + runStatus) + "); choose another --out, "
              + (unfinished ? "continue it with 'fedspark resume " + dir + "', " : "")
              + "or pass --overwrite (run.overwrite = true) to replace them");
        }
      }
      probe(fs, path, what);
    } catch (IOException e) {
      throw new ConfigException("cannot use " + what + ": " + e.getMessage() + "; choose a directory you can write to");
    }
  }

  /** Makes the directory if needed and writes and removes a hidden file in it. */
  private static void probe(FileSystem fs, Path dir, String what) {
    Path probe = new Path(dir, ".fedspark-probe-" + UUID.randomUUID());
    try {
      if (!fs.mkdirs(dir)) {
        throw new IOException("cannot create it");
      }
      fs.create(probe, false).close();
      fs.delete(probe, false);
    } catch (IOException | RuntimeException | org.apache.hadoop.fs.FSError e) {
      String reason = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
      throw new ConfigException("cannot write to " + what + ": " + reason + "; choose a directory you can write to");
    }
  }

  /** The status in a summary.json, or null. */
  private static String status(FileSystem fs, Path summary) {
    try (java.io.InputStream in = fs.open(summary)) {
      com.fasterxml.jackson.databind.JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
      return n != null && n.hasNonNull("status") ? n.get("status").asText() : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static boolean exists(FileSystem fs, Path p) {
    try {
      return fs.exists(p);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The Hadoop configuration Spark will use for this config's files, without starting Spark: the
   * defaults plus the config's {@code spark.conf."spark.hadoop.*"} properties, as Spark applies them.
   */
  public static Configuration hadoopConf(FedConfig cfg) {
    Configuration conf = ForkFreeLocalFileSystem.configuration();
    cfg.sparkConf().forEach((k, v) -> {
      if (k.startsWith("spark.hadoop.")) {
        conf.set(k.substring("spark.hadoop.".length()), v);
      }
    });
    return conf;
  }

  /** Both checks, for {@code fedspark run}. */
  public static void check(FedConfig cfg, String outDir, Configuration hadoop) {
    checkConfig(cfg, hadoop);
    checkOutputDir(outDir, hadoop, cfg.getBoolean(Keys.OVERWRITE), RunReport.OUTPUTS);
  }
}
