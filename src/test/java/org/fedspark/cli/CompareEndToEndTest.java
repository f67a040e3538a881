package org.fedspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.fedspark.testing.LocalSparkTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code fedspark compare} on real runs (FedAvg and local-only, 3 rounds of a small synthetic
 * federation, and between them a run that fails) in the test's Spark session: the table must show
 * exactly what each run wrote, and a failed run must not stop the others.
 */
class CompareEndToEndTest extends LocalSparkTest {
  @TempDir
  Path tmp;

  @Test
  void configsRunIntoOneTableThatMatchesEachRunsOwnMetricsAndAFailureDoesNotStopTheOthers() throws Exception {
    Files.writeString(tmp.resolve("fedavg.conf"), String.join("\n",
        "run { name = t, seed = 7, rounds = 20, eval-every = 1, progress = off }",
        "data { source = synthetic, synthetic { alpha = 0.5, beta = 0.5, clients = 8, features = 10, classes = 3 } }",
        "train { client-fraction = 0.5, local-epochs = 1, batch-size = 10, lr = 0.05 }",
        "algorithm.name = fedavg"));
    Files.writeString(tmp.resolve("local.conf"), "include \"fedavg.conf\"\nalgorithm.name = local\n");
    // A checkpoint directory that cannot be made: fails once the (stateful) local run starts checkpointing,
    // not before (what can be checked before Spark starts, such as a model that cannot fit the data, is).
    Files.writeString(tmp.resolve("broken.conf"), "include \"local.conf\"\nspark.checkpoint-dir = \"/proc/fedspark-no-such\"\n");
    Path out = tmp.resolve("cmp");

    int code = new CommandLine(new FedSparkCli()).setExecutionExceptionHandler(new ErrorHandler()).execute("compare",
        tmp.resolve("fedavg.conf").toString(), tmp.resolve("broken.conf").toString(), tmp.resolve("local.conf").toString(),
        "--set", "run.rounds=3", "--out", out.toString());
    assertEquals(3, code, "a run failed");

    List<CSVRecord> all = records(out.resolve("comparison.csv"));
    assertEquals(List.of("fedavg", "broken", "local"), all.stream().map(r -> r.get("label")).toList());
    CSVRecord failed = all.get(1);
    assertEquals("failed", failed.get("status"));
    assertTrue(failed.get("message").contains("/proc/fedspark-no-such"), failed.get("message"));
    assertEquals("", failed.get("personalized_acc_mean"));
    List<CSVRecord> rows = List.of(all.get(0), all.get(2));
    for (CSVRecord row : rows) {
      String label = row.get("label");
      List<CSVRecord> metrics = records(out.resolve(label).resolve("metrics.csv"));
      CSVRecord last = metrics.get(metrics.size() - 1);
      assertEquals("3", last.get("round"), "--set run.rounds=3 applies to every config");
      assertEquals(label, row.get("algorithm"));
      assertEquals("completed", row.get("status"));
      assertEquals("3", row.get("rounds"));
      assertEquals(last.get("personalized_acc_mean"), row.get("personalized_acc_mean"), label);
      assertEquals(last.get("personalized_acc_worst10"), row.get("personalized_acc_worst10"), label);
      assertEquals(last.get("global_acc"), row.get("global_acc"), label);
      assertEquals(last.get("cum_uplink_bytes"), row.get("total_uplink_bytes"), label);
      assertEquals(last.get("cum_downlink_bytes"), row.get("total_downlink_bytes"), label);
      assertEquals("33", row.get("params_per_client"), "softmax on 10 features, 3 classes: 3×10 + 3");
      assertTrue(Double.parseDouble(row.get("personalized_acc_mean")) > 0, label);
    }
    assertEquals("", rows.get(1).get("global_acc"), "local-only training has no global model");
    assertTrue(Long.parseLong(rows.get(0).get("total_uplink_bytes")) > 0, "FedAvg uploads its updates");
    for (String f : List.of("comparison.md", "comparison.html", "accuracy.png", "accuracy_vs_uplink.png")) {
      assertTrue(Files.size(out.resolve(f)) > 0, f);
    }

    // The finished runs read back as run directories give the identical table, without rerunning.
    Path again = tmp.resolve("again");
    int readCode = new CommandLine(new FedSparkCli()).setExecutionExceptionHandler(new ErrorHandler()).execute("compare",
        out.resolve("fedavg").toString(), out.resolve("broken").toString(), out.resolve("local").toString(),
        "--out", again.toString());
    assertEquals(3, readCode);
    assertEquals(Files.readString(out.resolve("comparison.csv")), Files.readString(again.resolve("comparison.csv")));
  }

  private static List<CSVRecord> records(Path csv) throws IOException {
    try (var parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(Files.newBufferedReader(csv))) {
      return parser.getRecords();
    }
  }
}
