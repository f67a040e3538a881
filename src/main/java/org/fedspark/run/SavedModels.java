package org.fedspark.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.fedspark.config.ConfigException;
import org.fedspark.data.ClientData;
import org.fedspark.data.FederatedData;
import org.fedspark.model.EvalStats;
import org.fedspark.model.Model;
import org.fedspark.model.ParamBlock;
import org.fedspark.model.ParamLayout;
import org.fedspark.report.OutputDir;
import scala.Tuple2;

/**
 * The models a run produced, saved in its output directory as {@code models/}: a Parquet dataset
 * that Spark reads from Scala, Python, R or SQL ({@code spark.read.parquet("OUT/models")}) and that
 * {@code fedspark evaluate} loads. One row per (model, block):
 *
 * <pre>
 *   round        int            the round the models are from (the run's last evaluated round)
 *   kind         string         "global" or "personal"
 *   client       int            client id (null for the global model)
 *   client_name  string         the client's name in the source (LEAF user, split value), or null
 *   block        string         parameter block, e.g. W1, b1 (the model's layout)
 *   shape        array&lt;int&gt;     [rows, cols] of a weight matrix, [n] of a bias
 *   values       array&lt;double&gt;  the block's values, row-major
 * </pre>
 *
 * A client's personalized model is exactly what its evaluation used: the one its algorithm builds
 * ({@link org.fedspark.client.ClientStrategy#personalModel}) from its state and the server's messages
 * as it decoded them. A client has personal rows only when that model differs from the global one; a
 * client without personal rows uses the global model. Written by the clients' partitions (the driver
 * never holds every client's model), to a temporary directory renamed into place at the end.
 */
public final class SavedModels {
  /** The directory's name in a run's output directory. */
  public static final String DIR = "models";
  public static final String GLOBAL = "global";
  public static final String PERSONAL = "personal";

  /**
   * The rows' Spark SQL schema, as {@link #read} reads them ({@link ModelsParquet#SCHEMA} is the same in
   * Parquet's terms). A method, not a constant: a run that only writes models never loads Spark SQL.
   */
  public static StructType schema() {
    return new StructType(new StructField[] {
        DataTypes.createStructField("round", DataTypes.IntegerType, false),
        DataTypes.createStructField("kind", DataTypes.StringType, false),
        DataTypes.createStructField("client", DataTypes.IntegerType, true),
        DataTypes.createStructField("client_name", DataTypes.StringType, true),
        DataTypes.createStructField("block", DataTypes.StringType, false),
        DataTypes.createStructField("shape", DataTypes.createArrayType(DataTypes.IntegerType, false), false),
        DataTypes.createStructField("values", DataTypes.createArrayType(DataTypes.DoubleType, false), false)});
  }

  private SavedModels() {}

  /**
   * Writes {@code models/} for round {@code round}, replacing an older one: each partition writes its
   * clients' personal models as one file, the driver the global model, all into a temporary directory
   * that is renamed into place when every file is there. {@code personal} null means that no client has
   * a model of its own (known from the round's evaluation): then only the global model is written, and
   * no Spark job runs.
   */
  static void write(SparkContext sc, OutputDir out, int round, ParamLayout layout,
      JavaRDD<ClientRuntime.ClientModel> personal, double[] global, String[] clientNames) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    FileSystem fs = out.fileSystem();
    Path target = out.path(DIR);
    Path tmp = out.path("." + DIR + ".tmp-" + UUID.randomUUID());
    Broadcast<String[]> names = personal == null ? null : jsc.broadcast(clientNames);
    Broadcast<SerializableConfiguration> conf = personal == null ? null
        : jsc.broadcast(new SerializableConfiguration(sc.hadoopConfiguration()));
    String dir = tmp.toString();
    try {
      if (!fs.mkdirs(tmp)) {
        throw new IOException("cannot create " + tmp);
      }
      if (global != null) {
        ModelsParquet.write(sc.hadoopConfiguration(), new Path(tmp, "part-global.parquet"), layout,
            List.of(new ModelsParquet.Model(round, GLOBAL, null, null, global)));
      }
      if (personal != null) {
        jsc.setCallSite("fedspark save models");
        try {
          writePersonal(personal, names, conf, dir, round, layout);
        } finally {
          jsc.setCallSite(null);
        }
      }
      fs.create(new Path(tmp, "_SUCCESS"), true).close();
      Path old = out.path("." + DIR + ".old-" + UUID.randomUUID());
      if (fs.exists(target) && !fs.rename(target, old)) {
        throw new IOException("cannot move the older " + target + " aside");
      }
      if (!fs.rename(tmp, target)) {
        throw new IOException("cannot rename " + tmp + " to " + target);
      }
      fs.delete(old, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the models in " + out.path(DIR) + ": " + e.getMessage(), e);
    } finally {
      if (names != null) {
        names.destroy();
        conf.destroy();
      }
    }
  }

  /** The job that has each partition write its clients' own models (if any) as one file in {@code dir}. */
  private static void writePersonal(JavaRDD<ClientRuntime.ClientModel> personal, Broadcast<String[]> names,
      Broadcast<SerializableConfiguration> conf, String dir, int round, ParamLayout layout) {
    personal.foreachPartition(it -> {
      List<ModelsParquet.Model> mine = new ArrayList<>();
      String[] n = names.value();
      it.forEachRemaining(m -> {
        if (m.params() != null) {
          mine.add(new ModelsParquet.Model(round, PERSONAL, m.clientId(), n == null ? null : n[m.clientId()], m.params()));
        }
      });
      if (!mine.isEmpty()) {
        ModelsParquet.write(conf.value().value(), new Path(dir, String.format(java.util.Locale.ROOT,
            "part-%05d.parquet", org.apache.spark.TaskContext.getPartitionId())), layout, mine);
      }
    });
  }

  /** The saved models read back: the global model (or null) and every client's personal one, keyed by client id. */
  public record Loaded(int round, double[] global, JavaPairRDD<Integer, double[]> personal) {}

  /**
   * Reads {@code models/} from a run directory, checking every block against {@code layout} (the
   * model the run's config builds): a block missing, extra or of another shape is an error naming it.
   */
  public static Loaded read(SparkContext sc, OutputDir out, ParamLayout layout) {
    if (!out.exists(DIR)) {
      throw new ConfigException("no saved models in " + out.uri() + " (it has no " + DIR + "/ directory): the run "
          + "saves them when it completes and with each resume point; run it to the end, or resume it");
    }
    Dataset<Row> df = SparkSessions.sql(sc).read().schema(schema()).parquet(out.path(DIR).toString());
    Map<String, ParamBlock> blocks = new HashMap<>();
    layout.blocks().forEach(b -> blocks.put(b.name(), b));
    List<Row> globalRows = df.filter("kind = '" + GLOBAL + "'").collectAsList();
    double[] global = globalRows.isEmpty() ? null : new double[layout.size()];
    int round = -1;
    for (Row r : globalRows) {
      round = r.getInt(0);
      place(global, r, blocks, "the global model");
    }
    if (global != null && globalRows.size() != layout.blocks().size()) {
      throw new ConfigException("the global model in " + out.path(DIR) + " has " + globalRows.size() + " blocks; the "
          + "configured model has " + layout.blocks().size() + " (" + layout + ")");
    }
    int size = layout.size();
    int nBlocks = layout.blocks().size();
    JavaPairRDD<Integer, double[]> personal = df.filter("kind = '" + PERSONAL + "'").javaRDD()
        .mapToPair(r -> new Tuple2<>(r.getInt(2), r))
        .aggregateByKey(new Partial(size), (p, r) -> p.add(r, blocks), Partial::merge)
        .mapValues(p -> p.complete(nBlocks));
    return new Loaded(round, global, personal);
  }

  /** A client's blocks as they arrive. */
  private static final class Partial implements java.io.Serializable {
    private double[] params;
    private int blocks;
    private int client = -1;

    Partial(int size) {
      this.params = new double[size];
    }

    Partial add(Row r, Map<String, ParamBlock> layout) {
      client = r.getInt(2);
      place(params, r, layout, "client " + client + "'s model");
      blocks++;
      return this;
    }

    Partial merge(Partial o) {
      for (int i = 0; i < params.length; i++) {
        params[i] += o.params[i]; // blocks are disjoint: each coordinate is set in one of the two
      }
      blocks += o.blocks;
      client = Math.max(client, o.client);
      return this;
    }

    double[] complete(int expected) {
      if (blocks != expected) {
        throw new ConfigException("client " + client + "'s saved model has " + blocks + " blocks; the configured "
            + "model has " + expected);
      }
      return params;
    }
  }

  private static void place(double[] params, Row r, Map<String, ParamBlock> layout, String what) {
    String name = r.getString(4);
    ParamBlock b = layout.get(name);
    if (b == null) {
      throw new ConfigException(what + " has a block '" + name + "' that the configured model does not have "
          + "(blocks: " + layout.keySet() + "); evaluate with the run's model settings");
    }
    List<Double> v = r.getList(6);
    List<Integer> shape = r.getList(5);
    int expected = b.isBias() ? 1 : 2;
    if (v.size() != b.size() || shape.size() != expected
        || (expected == 2 ? shape.get(0) != b.rows() || shape.get(1) != b.cols() : shape.get(0) != b.size())) {
      throw new ConfigException(what + ": block '" + name + "' has shape " + shape + " and " + v.size()
          + " values; the configured model's block is " + (b.isBias() ? "[" + b.size() + "]" : "[" + b.rows() + ", " + b.cols() + "]"));
    }
    for (int i = 0; i < v.size(); i++) {
      params[b.offset() + i] = v.get(i);
    }
  }

  /**
   * Evaluates saved models on {@code fed}'s test splits exactly as a run evaluates: a client's
   * personal model where it has one, else the global model; the global model on every client.
   */
  public static List<ClientEval> evaluate(FederatedData fed, Model model, Loaded models) {
    double[] global = models.global();
    JavaPairRDD<Integer, double[]> personal = models.personal().partitionBy(fed.partitioner());
    JavaRDD<ClientData> data = fed.clients();
    return data.zipPartitions(personal.rdd().toJavaRDD(), (Iterator<ClientData> d, Iterator<Tuple2<Integer, double[]>> p) -> {
      Map<Integer, double[]> mine = new HashMap<>();
      p.forEachRemaining(t -> mine.put(t._1(), t._2()));
      List<ClientEval> out = new ArrayList<>();
      while (d.hasNext()) {
        ClientData c = d.next();
        double[] own = mine.remove(c.clientId());
        double[] params = own != null ? own : global;
        if (params == null) {
          throw new ConfigException("client " + c.clientId() + " has no saved personal model and the run has no global model");
        }
        EvalStats pe = model.evaluate(params, c.test());
        EvalStats ge = EvalStats.EMPTY;
        if (global != null) {
          ge = own == null ? pe : model.evaluate(global, c.test());
        }
        out.add(new ClientEval(c.clientId(), pe.count(), pe.lossSum(), pe.correct(), global != null, ge.lossSum(),
            ge.correct()));
      }
      if (!mine.isEmpty()) {
        throw new ConfigException("saved models of clients " + mine.keySet() + " have no client in the data; evaluate "
            + "on the federation the run used (same data.* settings), or one with as many clients");
      }
      return out.iterator();
    }).collect();
  }
}
