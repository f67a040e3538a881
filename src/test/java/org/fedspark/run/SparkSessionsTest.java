package org.fedspark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.fedspark.testing.LocalSparkTest;
import org.junit.jupiter.api.Test;

/** The embedded Spark a run starts: loopback only, no UI, no Spark SQL until something asks for it. */
class SparkSessionsTest extends LocalSparkTest {
  @Test
  void anEmbeddedSparkIsLoopbackOnlyWithoutUiAndBroadcastsInSmallUncompressedPieces() {
    SparkConf conf = sc.getConf();
    assertEquals("127.0.0.1", conf.get("spark.driver.bindAddress"));
    assertEquals("127.0.0.1", conf.get("spark.driver.host"));
    assertEquals("false", conf.get("spark.ui.enabled"));
    assertTrue(sc.ui().isEmpty(), "no web UI");
    assertEquals("false", conf.get("spark.broadcast.compress"), "local executors read the driver's value");
    assertEquals("256k", conf.get("spark.broadcast.blockSize"), "no 4 MB buffer per job for its task binary");
    assertEquals(ForkFreeLocalFileSystem.class.getName(), sc.hadoopConfiguration().get(ForkFreeLocalFileSystem.KEY),
        "local files without a chmod process per file");
  }

  @Test
  void aLocalContextWithoutUiFeedsNoStatusStore() {
    for (Object l : sc.listenerBus().listeners()) {
      assertFalse(l instanceof org.apache.spark.status.AppStatusListener, "the status listener was taken off the bus");
    }
    assertFalse(SparkSessions.dropUnreadStatusListener(sc), "it is off already");
    SparkConf plain = new SparkConf(false);
    assertTrue(SparkSessions.statusStoreUnread(true, false, plain));
    assertFalse(SparkSessions.statusStoreUnread(false, false, plain), "a cluster master: executors are counted through it");
    assertFalse(SparkSessions.statusStoreUnread(true, true, plain), "the web UI reads it");
    assertFalse(SparkSessions.statusStoreUnread(true, false, plain.clone().set("spark.ui.showConsoleProgress", "true")),
        "so does the progress bar");
    assertFalse(SparkSessions.statusStoreUnread(true, false, plain.clone().set("spark.metrics.appStatusSource.enabled", "true")),
        "and the status metrics");
  }

  @Test
  void sqlReusesTheRunsContext() {
    SparkSession s = SparkSessions.sql(sc);
    assertTrue(s.sparkContext() == sc, "the session is made on the run's context, not a new one");
    assertTrue(SparkSessions.sql(sc) == s, "and made once");
    assertFalse(sc.isStopped());
  }
}
