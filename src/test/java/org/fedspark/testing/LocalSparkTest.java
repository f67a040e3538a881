package org.fedspark.testing;

import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.fedspark.run.SparkSessions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the test classes that need Spark: one loopback-only {@code local[2]} session per class (two
 * threads, so that partition-order bugs can show), stopped after the class's tests.
 */
public abstract class LocalSparkTest {
  protected static SparkSession spark;
  /** {@code spark}'s context, what fedspark's run, data and model APIs take. */
  protected static SparkContext sc;

  @BeforeAll
  static void startSpark() {
    spark = SparkSessions.local(2);
    sc = spark.sparkContext();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }
}
