package org.fedspark.run;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Creates the SparkSession a run uses, secure by default.
 *
 * <p>Under {@code spark-submit} the master and cluster settings come from spark-submit and are left
 * alone: a property given to spark-submit ({@code --conf}, {@code --master}) wins over the config's
 * {@code spark.ui} and {@code spark.conf} entries, which only fill in what spark-submit left unset. Otherwise fedspark starts an embedded Spark ({@code local[*]} unless configured) that binds
 * only to the loopback interface, with the web UI off unless asked for: a laptop simulation should open
 * no port to the network.
 */
public final class SparkSessions {
  private SparkSessions() {}

  /**
   * @param master master URL to use when not launched by spark-submit (e.g. {@code local[*]})
   * @param ui whether to start the Spark web UI
   * @param extra further Spark properties: applied last in an embedded run, only where unset under
   *     spark-submit
   */
  public static SparkSession create(String appName, String master, boolean ui, Map<String, String> extra) {
    SparkConf conf = new SparkConf(true).setAppName(appName);
    boolean submitted = conf.contains("spark.master");
    if (!submitted) {
      conf.setMaster(master);
    }
    String effectiveMaster = conf.get("spark.master");
    if (effectiveMaster.startsWith("local")) {
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
    }
    if (submitted) {
      conf.setIfMissing("spark.ui.enabled", Boolean.toString(ui));
    } else {
      conf.set("spark.ui.enabled", Boolean.toString(ui));
    }
    conf.setIfMissing("spark.ui.showConsoleProgress", "false");
    conf.setIfMissing("spark.sql.shuffle.partitions", "8");
    // Java serialization (Spark's default) on purpose: fedspark ships few, large objects (arrays of a
    // client's data, model vectors), where Kryo gains little, and Kryo 4 cannot serialize Java records.
    if (submitted) {
      extra.forEach(conf::setIfMissing);
    } else {
      extra.forEach(conf::set);
    }
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }

  /** A loopback-only local session with {@code cores} threads and no UI, as the tests use. */
  public static SparkSession local(int cores) {
    return create("fedspark-test", "local[" + cores + "]", false, Map.of());
  }
}
