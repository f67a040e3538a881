package org.fedspark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.fedspark.config.ConfigException;
import org.fedspark.data.DataException;
import org.junit.jupiter.api.Test;

/** Issue 11, item 11: summary.json gets the console's one-line message, never a stack trace. */
class FailureMessageTest {
  @Test
  void summaryMessageIsTheOneLineTheConsoleShows() {
    RuntimeException spark = new RuntimeException("Job aborted due to stage failure: Task 3 failed\n"
        + "\tat org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages(DAGScheduler.scala:2856)\n"
        + "\tat org.apache.spark.scheduler.DAGScheduler.$anonfun$abortStage$2(DAGScheduler.scala:2792)");
    assertEquals("Job aborted due to stage failure: Task 3 failed", Simulation.firstLine(spark));
    DataException data = new DataException("x.csv, line 4: 'abc' is not a number", spark);
    assertEquals("x.csv, line 4: 'abc' is not a number", Simulation.firstLine(new IllegalStateException("wrapped", data)));
    ConfigException two = new ConfigException(java.util.List.of("a is bad", "b is bad"));
    assertEquals(two.getMessage(), Simulation.firstLine(two), "a configuration error keeps all its problems");
    assertEquals("java.lang.NullPointerException", Simulation.firstLine(new NullPointerException()));
  }
}
