package org.fedspark.run;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Starts the Spark a run uses, secure by default: a {@link SparkContext}, and a SparkSession only for
 * what needs Spark SQL ({@link #sql}).
 *
 * <p>A run is RDD jobs; Spark SQL (catalyst, its function registry, Scala reflection, ICU collations)
 * costs about 2 s of start-up without a class archive and over 1 s with one, so a run that reads no
 * table and saves its models with {@link ParquetRows} never starts it.
 *
 * <p>Under {@code spark-submit} the master and cluster settings come from spark-submit and are left
 * alone: a property given to spark-submit ({@code --conf}, {@code --master}) wins over the config's
 * {@code spark.ui} and {@code spark.conf} entries, which only fill in what spark-submit left unset. Otherwise fedspark starts an embedded Spark ({@code local[*]} unless configured) that binds
 * only to the loopback interface, with the web UI off unless asked for: a laptop simulation should open
 * no port to the network. Spark 4.0 binds the web UI to the {@code SPARK_LOCAL_IP} environment variable,
 * or to every interface when it is unset ({@code WebUI.bind}; no configuration key chooses it), so
 * {@code bin/fedspark} sets {@code SPARK_LOCAL_IP=127.0.0.1} unless the user set it.
 */
public final class SparkSessions {
  private SparkSessions() {}

  /**
   * @param master master URL to use when not launched by spark-submit (e.g. {@code local[*]})
   * @param ui whether to start the Spark web UI
   * @param extra further Spark properties: applied last in an embedded run, only where unset under
   *     spark-submit
   */
  public static SparkContext start(String appName, String master, boolean ui, Map<String, String> extra) {
    SparkConf conf = new SparkConf(true).setAppName(appName);
    boolean submitted = conf.contains("spark.master");
    if (!submitted) {
      conf.setMaster(master);
    }
    String effectiveMaster = conf.get("spark.master");
    if (effectiveMaster.startsWith("local")) {
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
    } else if (System.getenv("FEDSPARK_LOOPBACK_DEFAULT") != null) {
      // bin/fedspark set SPARK_LOCAL_IP=127.0.0.1 to keep the web UI local; a cluster's executors must
      // still reach the driver, so it advertises this host's name rather than the loopback address.
      try {
        conf.setIfMissing("spark.driver.host", java.net.InetAddress.getLocalHost().getCanonicalHostName());
      } catch (java.net.UnknownHostException e) {
        // leave Spark's own choice
      }
    }
    if (submitted) {
      conf.setIfMissing("spark.ui.enabled", Boolean.toString(ui));
    } else {
      conf.set("spark.ui.enabled", Boolean.toString(ui));
    }
    conf.setIfMissing("spark.ui.showConsoleProgress", "false");
    // Applied by SparkContext as it starts: under spark-submit, where Spark's own log settings are in
    // force, its start-up then prints warnings only (fedspark's settings follow, see useOwnLogSettings).
    conf.setIfMissing("spark.log.level", "WARN");
    conf.setIfMissing("spark.sql.shuffle.partitions", "8");
    // Java serialization (Spark's default) on purpose: fedspark ships few, large objects (arrays of a
    // client's data, model vectors), where Kryo gains little, and Kryo 4 cannot serialize Java records.
    if (submitted) {
      extra.forEach(conf::setIfMissing);
    } else {
      extra.forEach(conf::set);
    }
    if (isLocal(effectiveMaster)) {
      // Outputs and data through Hadoop's local file system without a chmod process per file. Only
      // where the executors are this JVM: another JVM may open its local file system before it has
      // fedspark's jar (the driver's own configurations use the class on any master).
      ForkFreeLocalFileSystem.useIn(conf);
      // Executors share the driver's JVM and read a broadcast's value from the driver's memory: the
      // compressed pieces Spark makes for other JVMs are read only if that value was evicted, and
      // compressing them cost ~0.1 s of the data's 55 MB broadcast (fmnist-fedavg.conf).
      conf.setIfMissing("spark.broadcast.compress", "false");
      // Every job broadcasts its task binary (~70 KB on fmnist-fedavg.conf), and Spark serializes a
      // broadcast into buffers of this size: 4 MB by default, allocated and zeroed on the scheduler's
      // thread once per job. Measured with bench --pairs 400 --warmup 200, two invocations each:
      // steady Spark round / floor 1.51-1.55x against 1.60-1.71x.
      conf.setIfMissing("spark.broadcast.blockSize", LOCAL_BROADCAST_BLOCK);
    } else {
      if (!submitted) {
        shipJar(conf, effectiveMaster);
      }
      // After an executor is lost its cached partitions are recomputed on the survivors, and with Spark's
      // 3 s locality wait every later task prefers them: a replacement executor would stay idle for the rest
      // of the run. A short wait lets it take work (README: Running on a cluster, with the measured effect).
      conf.setIfMissing("spark.locality.wait", CLUSTER_LOCALITY_WAIT);
    }
    SparkContext sc;
    try {
      sc = SparkContext.getOrCreate(conf);
    } catch (Exception e) { // SparkException is checked in Java's eyes but thrown from Scala code
      String message = String.valueOf(e.getMessage());
      if (message.contains("Master URL") || message.contains("master URL")) {
        throw new org.fedspark.config.ConfigException("key 'spark.master' = " + effectiveMaster + ": Spark cannot use this"
            + " master (" + message.lines().findFirst().orElse("") + "); use local[*], local[N], spark://HOST:PORT, yarn"
            + " or k8s://HOST:PORT" + (submitted ? " (it came from spark-submit's --master)" : ""), e);
      }
      throw e instanceof RuntimeException re ? re : new IllegalStateException("Spark did not start: " + message, e);
    }
    if (submitted) {
      useOwnLogSettings();
    }
    sc.setLogLevel("WARN");
    // Garbage broadcasts (every job's task binary) removed directly instead of through Spark's messages.
    LocalContextCleaner.install(sc);
    dropUnreadStatusListener(sc);
    return sc;
  }

  /**
   * The SparkSession on {@code sc}, made the first time something needs Spark SQL (a CSV, LIBSVM or
   * Parquet source, reading saved models) and shared after that.
   */
  public static SparkSession sql(SparkContext sc) {
    return SparkSession.builder().sparkContext(sc).getOrCreate();
  }

  /**
   * Stops feeding Spark's status store where nothing reads it, and says whether it did. Spark's
   * {@code AppStatusListener} turns every job, stage and task event into the live objects of the web UI
   * and its REST API (on a thread of its own: about 0.3 s of CPU in a 100-round run of
   * {@code fmnist-fedavg.conf}, on the two cores the rounds need). Its only other readers are the status
   * tracker (which fedspark reads on cluster masters only, to count executors), the console progress bar
   * and the status metrics source. So on a local master with none of those, the listener is taken off the
   * bus right after start-up; anything else keeps it.
   */
  static boolean dropUnreadStatusListener(SparkContext sc) {
    if (!statusStoreUnread(sc.isLocal(), sc.ui().isDefined(), sc.getConf())) {
      return false;
    }
    try {
      scala.Option<org.apache.spark.status.AppStatusListener> listener = sc.statusStore().listener();
      if (listener.isEmpty() || !sc.listenerBus().listeners().contains(listener.get())) {
        return false;
      }
      sc.listenerBus().removeListener(listener.get());
      return true;
    } catch (LinkageError e) { // another Spark than the one fedspark is built with: leave it as it is
      return false;
    }
  }

  /** Whether nothing will read the status store of a context with these settings (see {@link #dropUnreadStatusListener}). */
  static boolean statusStoreUnread(boolean localMaster, boolean ui, SparkConf conf) {
    return localMaster && !ui && !conf.getBoolean("spark.ui.showConsoleProgress", false)
        && !conf.getBoolean("spark.metrics.appStatusSource.enabled", false);
  }

  /** {@code spark.locality.wait} on a cluster master unless set: see {@link #create}. */
  public static final String CLUSTER_LOCALITY_WAIT = "100ms";
  /** {@code spark.broadcast.blockSize} on a local master (see {@link #start}). */
  static final String LOCAL_BROADCAST_BLOCK = "256k";

  /** System property naming the jar that holds fedspark's classes (bin/fedspark sets it to the -all jar). */
  public static final String JAR_PROPERTY = "fedspark.jar";

  /** Whether executors run inside this JVM ({@code local}, {@code local[N]}, {@code local[N,F]}). */
  static boolean isLocal(String master) {
    return master.equals("local") || master.startsWith("local[");
  }

  /**
   * Adds fedspark's jar to {@code spark.jars}, so that executors in other JVMs ({@code spark://},
   * {@code local-cluster[…]}, YARN, Kubernetes) can load its classes: the jar named by
   * {@code -Dfedspark.jar}, else the jar this class was loaded from. Launched from the build's class
   * directory without either, the executors could not run a task, so this stops with what to do.
   */
  static void shipJar(SparkConf conf, String master) {
    String jar = System.getProperty(JAR_PROPERTY);
    if (jar == null) {
      java.security.CodeSource source = SparkSessions.class.getProtectionDomain().getCodeSource();
      String location = source == null ? null : source.getLocation().getPath();
      jar = location != null && location.endsWith(".jar") ? location : null;
    }
    if (jar == null || !new java.io.File(jar).isFile()) {
      throw new org.fedspark.config.ConfigException("key 'spark.master' = " + master + " runs executors in other JVMs,"
          + " which need fedspark's jar" + (jar == null ? "" : " (" + jar + " does not exist)")
          + "; build it with 'mvn -B package -DskipTests' (target/fedspark-*-all.jar) and start fedspark with bin/fedspark,"
          + " or use spark-submit");
    }
    String uri = new java.io.File(jar).getAbsoluteFile().toURI().toString();
    String jars = conf.get("spark.jars", "");
    conf.set("spark.jars", jars.isBlank() ? uri : jars + "," + uri);
  }

  /**
   * Puts fedspark's {@code log4j2.properties} in force under spark-submit. There the jar is not on the
   * class path log4j2 configures itself from, and Spark installs its own defaults when its context
   * starts (every INFO line, a stack trace per failed task), replacing anything set before; so this
   * runs once the context is up. A {@code log4j2.configurationFile} given to the JVM (a cluster's own
   * logging set-up) is left alone.
   */
  static void useOwnLogSettings() {
    java.net.URL ours = SparkSessions.class.getResource("/log4j2.properties");
    if (ours == null || System.getProperty("log4j2.configurationFile") != null) {
      return;
    }
    try {
      if (org.apache.logging.log4j.LogManager.getContext(org.apache.spark.SparkContext.class.getClassLoader(), false)
          instanceof org.apache.logging.log4j.core.LoggerContext ctx) {
        ctx.setConfigLocation(ours.toURI());
      }
    } catch (java.net.URISyntaxException | RuntimeException e) {
      // Spark's log settings are still log settings: never fail a run over the console's format.
    }
  }

  /**
   * Refuses a master URL Spark would reject, before Spark starts (Spark would log its own stack trace
   * first): the built-in forms {@code local}, {@code local[N]}, {@code local[N,F]},
   * {@code local-cluster[N,C,M]}, {@code spark://...}, or one a cluster manager on the class path
   * accepts (yarn, k8s:// when their modules are present). Under spark-submit the master is
   * spark-submit's, already checked, and this is not called.
   */
  public static void checkMaster(String master) {
    String m = master.trim();
    if (m.matches("local(\\[(\\*|[1-9][0-9]*)(,\\s*[0-9]+)?])?|local-cluster\\[[0-9]+,\\s*[0-9]+,\\s*[0-9]+]|spark://.+")) {
      return;
    }
    for (org.apache.spark.scheduler.ExternalClusterManager cm
        : java.util.ServiceLoader.load(org.apache.spark.scheduler.ExternalClusterManager.class,
            SparkSessions.class.getClassLoader())) {
      if (cm.canCreate(m)) {
        return;
      }
    }
    throw new org.fedspark.config.ConfigException("key 'spark.master' = " + master + " is not a master Spark knows; use"
        + " local[*], local[N], spark://HOST:PORT, or yarn / k8s://HOST:PORT with Spark's cluster modules on the class path"
        + " (or launch with spark-submit --master)");
  }

  /** Whether this JVM was launched by spark-submit (which passes the master as a system property). */
  public static boolean submitted() {
    return new SparkConf(true).contains("spark.master");
  }

  /** A loopback-only local session with {@code cores} threads and no UI, as the tests use. */
  public static SparkSession local(int cores) {
    return sql(start("fedspark-test", "local[" + cores + "]", false, Map.of()));
  }
}
