package org.fedspark.notebooks;

import org.apache.spark.sql.SparkSession;

/**
 * Hands {@link ScalaRepl} the objects a note's paragraphs see as {@code spark} and {@code z}: the REPL's
 * own code reads them from here (public, since that code lives in the REPL's packages).
 */
public final class ReplBindings {
  private static SparkSession spark;
  private static StandInZeppelinContext z;

  private ReplBindings() {}

  static synchronized void set(SparkSession s, StandInZeppelinContext context) {
    spark = s;
    z = context;
  }

  public static synchronized SparkSession spark() {
    return spark;
  }

  public static synchronized StandInZeppelinContext z() {
    return z;
  }
}
