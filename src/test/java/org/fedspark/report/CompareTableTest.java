package org.fedspark.report;

import static org.fedspark.testing.FakeRunDir.round;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.fedspark.config.ConfigException;
import org.fedspark.testing.FakeRunDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading run directories into comparison rows, and rendering those rows as CSV and Markdown. */
class CompareTableTest {
  @TempDir
  Path tmp;

  private final Configuration hadoop = new Configuration();

  /** FedAvg whose best round (5) is not its last (10). */
  private static final List<RoundMetrics> FEDAVG = List.of(
      round(5, 0.7, 0.2, 0.55, 1_000_000, 2_500_000),
      round(10, 0.65432109, 0.3, 0.6, 2_345_678, 5_000_000));
  /** Local training: no global model, nothing sent. */
  private static final List<RoundMetrics> LOCAL = List.of(round(3, 0.8, 0.5, Double.NaN, 0, 0));

  private List<Comparison.Row> threeRows() throws Exception {
    Path a = FakeRunDir.write(tmp.resolve("a"), "completed", "", "fedavg", FEDAVG, 105, null, 12.345);
    Path b = FakeRunDir.write(tmp.resolve("b"), "diverged", "diverged in round 3: NaN", "local", LOCAL, 105, 210L, 3.0);
    return List.of(Comparison.readRunDir("fedavg", a.toString(), hadoop), Comparison.readRunDir("local", b.toString(), hadoop),
        Comparison.failed("mlp", "no such file", "/runs/x/mlp"));
  }

  /** How Hadoop's local file system names a directory. */
  private static String qualified(Path p) {
    return "file:" + p.toAbsolutePath();
  }

  @Test
  void metricsCsvReadsBackExactlyWhatWasWritten() {
    List<RoundMetrics> rows = List.of(round(1, 0.1 + 0.2, 1.0 / 3, Double.NaN, 7, 9),
        new RoundMetrics(2, 0.5, 0.25, 0.1, 0.0, 1.5, 0.4, 2.5, 0.75, 3, 100, 200, 300, 400, 1.0, 0.5, 2.0));
    assertEquals(rows, MetricsCsv.read(MetricsCsv.render(rows), "metrics.csv"));
  }

  @Test
  void metricsCsvWithAMissingColumnIsRefusedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MetricsCsv.read("round,personalized_acc_mean\n1,0.5\n", "x/metrics.csv"));
    assertTrue(e.getMessage().contains("x/metrics.csv has no column 'personalized_acc_weighted'"), e.getMessage());
  }

  @Test
  void aRunDirectoryGivesItsLastAndBestRoundsAndItsParameters() throws Exception {
    List<Comparison.Row> rows = threeRows();
    Comparison.Row fedavg = rows.get(0);
    assertEquals("completed", fedavg.status());
    assertEquals("fedavg", fedavg.algorithm());
    assertEquals("softmax", fedavg.model());
    assertEquals(FEDAVG, fedavg.metrics());
    assertEquals(FEDAVG.get(1), fedavg.last());
    assertEquals(FEDAVG.get(0), fedavg.best());
    assertEquals(105, fedavg.paramsPerClient(), "without params_per_client, the model's parameter count");
    assertEquals(12.345, fedavg.wallSeconds());
    assertEquals(qualified(tmp.resolve("a")), fedavg.runDir());

    Comparison.Row local = rows.get(1);
    assertEquals("diverged", local.status());
    assertEquals("diverged in round 3: NaN", local.message());
    assertEquals(210, local.paramsPerClient(), "params_per_client wins over parameters when present");
  }

  @Test
  void aDirectoryWithoutSummaryIsRefusedWithWhatToPassInstead() throws Exception {
    Files.createDirectories(tmp.resolve("empty"));
    ConfigException e = assertThrows(ConfigException.class,
        () -> Comparison.readRunDir("x", tmp.resolve("empty").toString(), hadoop));
    assertTrue(e.getMessage().contains("has no summary.json; pass a config file or the output directory"), e.getMessage());
  }

  @Test
  void aCompletedRunWithoutMetricsIsRefused() throws Exception {
    Path d = FakeRunDir.write(tmp.resolve("d"), "completed", "", "fedavg", List.of(), 105, null, 1.0);
    ConfigException e = assertThrows(ConfigException.class, () -> Comparison.readRunDir("d", d.toString(), hadoop));
    assertTrue(e.getMessage().contains("has a summary.json but no metrics.csv"), e.getMessage());
  }

  @Test
  void csvKeepsFullPrecisionAndRawBytesWithEmptyCellsForUndefined() throws Exception {
    String[] lines = Comparison.csv(threeRows()).split("\n");
    assertEquals(4, lines.length);
    assertEquals("label,status,algorithm,model,rounds,personalized_acc_mean,personalized_acc_worst10,global_acc,"
        + "best_personalized_acc_mean,best_round,total_uplink_bytes,total_downlink_bytes,params_per_client,trainable_params,"
        + "uplink_values,downlink_values,wall_seconds,"
        + "run_dir,message", lines[0]);
    String a = qualified(tmp.resolve("a"));
    String b = qualified(tmp.resolve("b"));
    assertEquals("fedavg,completed,fedavg,softmax,10,0.65432109,0.3,0.6,0.7,5,2345678,5000000,105,,,,12.345," + a + ",", lines[1]);
    assertEquals("local,diverged,local,softmax,3,0.8,0.5,,0.8,3,0,0,210,,,,3.0," + b + ",diverged in round 3: NaN", lines[2]);
    assertEquals("mlp,failed,,,,,,,,,,,,,,,,/runs/x/mlp,no such file", lines[3]);
  }

  @Test
  void markdownIsAlignedRoundedAndShowsADashForUndefined() throws Exception {
    String md = Comparison.markdown(threeRows());
    assertEquals(String.join("\n",
        "| run    | status    | algorithm | model   | rounds | pers. acc mean | pers. acc worst 10% | global acc | best pers. acc mean | best at round | uplink (MB) | downlink (MB) | params / client | trainable / client | values up / round | values down / round | wall (s) |",
        "| :----- | :-------- | :-------- | :------ | -----: | -------------: | ------------------: | ---------: | ------------------: | ------------: | ----------: | ------------: | --------------: | -----------------: | ----------------: | ------------------: | -------: |",
        "| fedavg | completed | fedavg    | softmax |     10 |         0.6543 |              0.3000 |     0.6000 |              0.7000 |             5 |        2.35 |          5.00 |             105 |                  — |                 — |                   — |     12.3 |",
        "| local  | diverged  | local     | softmax |      3 |         0.8000 |              0.5000 |          — |              0.8000 |             3 |        0.00 |          0.00 |             210 |                  — |                 — |                   — |      3.0 |",
        "| mlp    | failed    | —         | —       |      — |              — |                   — |          — |                   — |             — |           — |             — |               — |                  — |                 — |                   — |        — |",
        ""), md);
  }

  @Test
  void megabytesKeepTwoDecimalsAndSmallTrafficStaysVisible() {
    assertEquals("0.00", Comparison.megabytes(0));
    assertEquals("0.0032", Comparison.megabytes(3_168));
    assertEquals("0.000050", Comparison.megabytes(50));
    assertEquals("0.01", Comparison.megabytes(10_000));
    assertEquals("1234.57", Comparison.megabytes(1_234_567_890));
  }

  @Test
  void writeProducesEveryOutputWithOneChartLinePerRunThatHasMetrics() throws Exception {
    OutputDir out = new OutputDir(tmp.resolve("cmp").toString(), hadoop);
    Comparison.write(out, threeRows());
    for (String f : Comparison.OUTPUTS) {
      assertTrue(Files.size(tmp.resolve("cmp").resolve(f)) > 0, f);
    }
    assertEquals(Comparison.markdown(threeRows()), Files.readString(tmp.resolve("cmp/comparison.md")));
    String html = Files.readString(tmp.resolve("cmp/comparison.html"));
    assertTrue(html.contains("<td>fedavg</td>") && html.contains("<img src=\"accuracy_vs_uplink.png\""), html);
  }

  private static RoundMetrics adapterRound(int round, double aDir, double aMag, double bDir, double bMag) {
    java.util.Map<String, Double> extra = new java.util.LinkedHashMap<>();
    extra.put("uplink_values", 145.0);
    extra.put("downlink_values", 144.0);
    extra.put("lora_A_dir_change", aDir);
    extra.put("lora_A_mag_change", aMag);
    extra.put("lora_B_dir_change", bDir);
    extra.put("lora_B_mag_change", bMag);
    return new RoundMetrics(round, 0.5, 0.5, 0.1, 0.2, 1.0, 0.4, 1.2, 0.9, 3, 100, 200, 100 * round, 200 * round, 1, 1, 1,
        extra);
  }

  /**
   * Adapter runs get a second table: each change averaged over the evaluated rounds where it is defined
   * (B's direction is undefined in round 1, where B starts at 0), and the two ratios.
   */
  @Test
  void adapterRunsGetTheFactorChangeTableWithTheRatios() {
    List<RoundMetrics> m = List.of(adapterRound(1, 0.02, 0.001, Double.NaN, 0.05),
        adapterRound(2, 0.04, 0.003, 0.01, 0.15));
    Comparison.Row lora = new Comparison.Row("fedit", "completed", "", "fedit", "mlp", m, 50_000, 228, 9.0, "/r");
    String md = Comparison.markdown(List.of(lora));
    assertTrue(md.contains("|                228 |               145 |                 144 |"), md);
    String second = md.substring(md.indexOf("\n\n", md.indexOf("LoRA factor changes")) + 2);
    assertEquals(String.join("\n",
        "| run   | algorithm | A dir change | B dir change | A/B dir | A mag change | B mag change | B/A mag |",
        "| :---- | :-------- | -----------: | -----------: | ------: | -----------: | -----------: | ------: |",
        // A dir (0.02 + 0.04)/2 = 0.03, B dir 0.01 (round 2 only), A mag 0.002, B mag 0.1
        "| fedit | fedit     |       0.0300 |       0.0100 |   3.00× |      0.00200 |        0.100 |   50.0× |",
        ""), second);
    assertEquals(-1, Comparison.markdown(threeRowsUnchecked()).indexOf("LoRA factor changes"), "no adapters, no table");
  }

  private List<Comparison.Row> threeRowsUnchecked() {
    try {
      return threeRows();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void theUplinkAxisIsLogarithmicWhenTheRunsUplinkDiffersByMoreThanTwentyTimes() throws Exception {
    List<RoundMetrics> compressed = List.of(round(5, 0.6, 0.2, 0.5, 10_000, 2_500_000), round(10, 0.62, 0.2, 0.52, 20_000, 5_000_000));
    List<RoundMetrics> half = List.of(round(5, 0.6, 0.2, 0.5, 500_000, 2_500_000), round(10, 0.62, 0.2, 0.52, 1_172_839, 5_000_000));
    assertTrue(Charts.logUplinkAxis(java.util.Map.of("float64", FEDAVG, "compressed", compressed)), "117x apart");
    assertTrue(!Charts.logUplinkAxis(java.util.Map.of("float64", FEDAVG, "float32", half)), "2x apart");
    assertTrue(!Charts.logUplinkAxis(java.util.Map.of("float64", FEDAVG, "local", LOCAL)), "a run that sends nothing does not count");
    // on a log axis, a run's points without uplink (local training) are left out instead of failing the chart
    OutputDir out = new OutputDir(tmp.resolve("log").toString(), hadoop);
    java.util.Map<String, List<RoundMetrics>> runs = new java.util.LinkedHashMap<>();
    runs.put("float64", FEDAVG);
    runs.put("compressed", compressed);
    runs.put("local", LOCAL);
    runs.put("starts at zero", List.of(round(1, 0.1, 0.1, 0.1, 0, 0), round(10, 0.5, 0.2, 0.5, 30_000, 1)));
    Charts.writeComparison(out, runs);
    assertEquals(900, javax.imageio.ImageIO.read(tmp.resolve("log/accuracy_vs_uplink.png").toFile()).getWidth());
  }
}
