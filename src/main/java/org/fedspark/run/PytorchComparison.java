package org.fedspark.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fedspark.config.ConfigException;
import org.fedspark.config.FedConfig;
import org.fedspark.config.Keys;
import org.fedspark.report.MetricsCsv;
import org.fedspark.report.RoundMetrics;

/**
 * {@code fedspark bench --pytorch}: the whole run of a FedAvg configuration through {@code bin/fedspark run}
 * against the same workload in a plain PyTorch loop ({@code bench/pytorch_fedavg.py}, float64, one
 * thread), each as a child process, interleaved (fedspark, PyTorch, fedspark, PyTorch, ...) so that a
 * change in the machine's load hits both sides alike. The workload is exported first, by a child
 * {@code bench --export-only} ({@link WorkloadExport}); the script replays it. Every pair must agree on every accuracy and loss
 * column of every evaluated round to {@value #TOLERANCE} ({@link #firstMismatch}).
 *
 * <p>Figures per side: the process's wall time (JVM or interpreter start included), the time outside
 * the round loop, the loop, the evaluations within it, and the peak resident set size, read as
 * {@code VmHWM} from {@code /proc/PID/status} while the process runs (Linux; the high-water mark, so
 * polling misses only what it allocates in its last few milliseconds).
 */
public final class PytorchComparison {
  /** Largest difference allowed between the two sides' accuracies (absolute) and losses (relative). */
  public static final double TOLERANCE = 1e-6;
  /** The metrics.csv columns both sides must agree on. */
  static final List<String> COLUMNS = List.of("personalized_acc_mean", "personalized_acc_weighted",
      "personalized_acc_std", "personalized_acc_worst10", "global_acc", "personalized_loss", "global_loss");

  /**
   * What to compare and how.
   *
   * @param config the configuration file (as {@code fedspark run} takes it)
   * @param overrides {@code --set} overrides, given to both sides
   * @param runs how many runs of each side
   * @param python the interpreter that runs the script (Debian's {@code /usr/bin/python3} with {@code python3-torch})
   * @param script {@code bench/pytorch_fedavg.py}
   * @param launcher {@code bin/fedspark}
   * @param out the bench's output directory (local)
   */
  public record Options(String config, List<String> overrides, int runs, String python, Path script, Path launcher,
      Path out) {}

  private final Options o;

  public PytorchComparison(Options o) {
    this.o = o;
  }

  /**
   * Fails with one clear line when {@code python} cannot import torch and numpy (or does not run at all).
   *
   * @throws ConfigException naming the interpreter, what it said, and how to install torch
   */
  public static void checkTorch(String python) {
    String said;
    int code;
    try {
      Process p = new ProcessBuilder(python, "-c", "import numpy, torch").redirectErrorStream(true).start();
      if (!p.waitFor(300, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new ConfigException(python + " did not finish 'import torch' within 300 s");
      }
      said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      code = p.exitValue();
    } catch (IOException e) {
      said = e.getMessage();
      code = -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking for torch", e);
    }
    if (code != 0) {
      String last = said.isEmpty() ? "exit code " + code : said.lines().reduce((a, b) -> b).orElse(said);
      throw new ConfigException("the PyTorch comparison needs torch, and " + python + " cannot import it (" + last
          + "); install Debian's python3-torch (bin/setup does: apt-get install python3-torch) or give --python an "
          + "interpreter that has torch and numpy");
    }
  }

  /** Checks torch, exports the workload, runs both sides {@code runs} times interleaved; returns the figures. */
  public Map<String, Object> run(PrintStreamLike console) {
    checkTorch(o.python());
    if (!Files.isRegularFile(o.script())) {
      throw new ConfigException("the PyTorch script " + o.script() + " is missing; give its path with --script");
    }
    if (!Files.isExecutable(o.launcher())) {
      throw new ConfigException("the fedspark launcher " + o.launcher() + " is missing; give its path with --launcher");
    }
    FedConfig cfg = FedSpark.loadConfig(o.config(), o.overrides());
    WorkloadExport.checkSupported(cfg);
    // the launcher builds first when the sources changed: let it do so now, not inside a timed run
    Child.run(List.of(o.launcher().toString(), "--version"), o.out().resolve("launcher-check.log"));
    Path workload = o.out().resolve("workload");
    long e0 = System.nanoTime();
    // The export runs as a child of its own, not in this JVM: having started Spark for it, this JVM kept
    // that memory resident through the timed runs. Next to an idle JVM holding 1.2 GB, an otherwise
    // identical fedspark run reached round 1 0.8-1.3 s later on the development machine (a VM), and
    // bench's fedspark runs went from 8.17 to 7.42 s (medians of 3) once the export moved out.
    List<String> export = new ArrayList<>(List.of(o.launcher().toString(), "bench", "--export-only", o.config()));
    for (String s : o.overrides()) {
      export.add("--set");
      export.add(s);
    }
    export.addAll(List.of("--out", o.out().toString()));
    Child.run(export, o.out().resolve("export.log"));
    console.println(String.format(Locale.ROOT, "exported the workload to %s in %.1f s", workload,
        (System.nanoTime() - e0) / 1e9));

    List<Map<String, Object>> fedRuns = new ArrayList<>();
    List<Map<String, Object>> torchRuns = new ArrayList<>();
    List<List<Map<String, Double>>> fedMetrics = new ArrayList<>();
    List<List<Map<String, Double>>> torchMetrics = new ArrayList<>();
    for (int i = 1; i <= o.runs(); i++) {
      Path runDir = o.out().resolve("fedspark-" + i);
      List<String> cmd = new ArrayList<>(List.of(o.launcher().toString(), "run", o.config()));
      for (String s : o.overrides()) {
        cmd.add("--set");
        cmd.add(s);
      }
      cmd.addAll(List.of("--set", Keys.PROGRESS.path() + "=off", "--out", runDir.toString(), "--overwrite"));
      Child f = Child.run(cmd, o.out().resolve("fedspark-" + i + ".log"));
      Map<String, Object> fr = fedsparkFigures(f, runDir);
      fedRuns.add(fr);
      fedMetrics.add(readMetricsCsv(runDir.resolve("metrics.csv")));
      console.println(String.format(Locale.ROOT, "fedspark run %d: %.2f s wall, peak RSS %s", i, f.wallSeconds,
          mib(f.peakRssBytes)));

      Path result = o.out().resolve("pytorch-" + i + ".json");
      Child p = Child.run(List.of(o.python(), o.script().toString(), workload.toString(), "--out", result.toString()),
          o.out().resolve("pytorch-" + i + ".log"));
      JsonNode pj = readJson(result);
      torchRuns.add(pytorchFigures(p, pj));
      torchMetrics.add(pytorchMetrics(pj));
      console.println(String.format(Locale.ROOT, "PyTorch run %d: %.2f s wall, peak RSS %s", i, p.wallSeconds,
          mib(p.peakRssBytes)));
    }

    Map<String, Object> r = new LinkedHashMap<>();
    r.put("config", o.config());
    r.put("overrides", o.overrides());
    r.put("runs_each", o.runs());
    r.put("order", "interleaved: fedspark 1, PyTorch 1, fedspark 2, PyTorch 2, ...");
    r.put("python", o.python());
    r.put("fedspark", summarize(fedRuns));
    r.put("pytorch", summarize(torchRuns));
    r.put("ratio_wall_fedspark_over_pytorch", median(fedRuns, "wall_seconds") / median(torchRuns, "wall_seconds"));
    r.put("pairs_wall", pairs(fedRuns, torchRuns, "wall_seconds"));
    r.put("fedspark_runs", fedRuns);
    r.put("pytorch_runs", torchRuns);
    String mismatch = null;
    for (int i = 0; i < o.runs() && mismatch == null; i++) {
      mismatch = firstMismatch(fedMetrics.get(i), torchMetrics.get(i), TOLERANCE);
      if (mismatch == null && i > 0) {
        String again = firstMismatch(fedMetrics.get(0), fedMetrics.get(i), 0.0);
        mismatch = again == null ? null : "fedspark run " + (i + 1) + " differs from run 1: " + again;
      } else if (mismatch != null) {
        mismatch = "run " + (i + 1) + ": " + mismatch;
      }
    }
    r.put("max_abs_difference", maxDifference(fedMetrics.get(0), torchMetrics.get(0)));
    r.put("accuracies_match", mismatch == null);
    r.put("first_mismatch", mismatch);
    r.put("accuracies", accuracyTable(fedMetrics.get(0), torchMetrics.get(0)));
    return r;
  }

  /** Readable table of the figures {@link #run} returned. */
  @SuppressWarnings("unchecked")
  public static String table(Map<String, Object> r) {
    List<Map<String, Object>> f = (List<Map<String, Object>>) r.get("fedspark_runs");
    List<Map<String, Object>> p = (List<Map<String, Object>>) r.get("pytorch_runs");
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%s: %s runs each, interleaved; median [min, max]%n%n", r.get("config"),
        r.get("runs_each")));
    sb.append(String.format(Locale.ROOT, "%-32s %-28s %-28s%n", "", "fedspark (bin/fedspark run)",
        "PyTorch (1 thread, float64)"));
    String[][] rows = {{"whole run, wall (s)", "wall_seconds", "1"}, {"outside the round loop (s)", "outside_loop_seconds", "1"},
        {"  before round 1 (s)", "before_round_1_seconds", "1"},
        {"round loop (s)", "loop_seconds", "1"}, {"  evaluations in it (s)", "eval_seconds", "1"},
        {"mean round, training (ms)", "mean_round_seconds", "1000"}, {"one evaluation (ms)", "mean_eval_seconds", "1000"},
        {"peak RSS (MiB)", "peak_rss_bytes", "9.5367431640625e-7"}};
    for (String[] row : rows) {
      double scale = Double.parseDouble(row[2]);
      sb.append(String.format(Locale.ROOT, "%-32s %-28s %-28s%n", row[0], cell(f, row[1], scale), cell(p, row[1], scale)));
    }
    sb.append(String.format(Locale.ROOT, "%nwall, fedspark / PyTorch: %.2f×%n", (Double) r.get("ratio_wall_fedspark_over_pytorch")));
    Map<String, Object> pw = (Map<String, Object>) r.get("pairs_wall");
    sb.append(String.format(Locale.ROOT, "pair by pair (run i against run i): %.2f× [%.2f, %.2f]; fedspark faster in %d of %d pairs%n",
        (Double) pw.get("median_ratio"), (Double) pw.get("min_ratio"), (Double) pw.get("max_ratio"),
        (Integer) pw.get("fedspark_faster"), (Integer) pw.get("pairs")));
    sb.append(String.format(Locale.ROOT, "%n%-6s %-22s %-22s%n", "round", "fedspark acc (mean)", "PyTorch acc (mean)"));
    for (Map<String, Object> a : (List<Map<String, Object>>) r.get("accuracies")) {
      sb.append(String.format(Locale.ROOT, "%-6s %-22s %-22s%n", a.get("round"), a.get("fedspark_acc_mean"),
          a.get("pytorch_acc_mean")));
    }
    sb.append(Boolean.TRUE.equals(r.get("accuracies_match"))
        ? String.format(Locale.ROOT, "%nevery accuracy and loss column agrees to %.0e at every evaluated round in every run "
            + "(largest accuracy difference %.1e)%n", TOLERANCE, (Double) r.get("max_abs_difference"))
        : "\nMISMATCH: " + r.get("first_mismatch") + "\n");
    return sb.toString();
  }

  private static String cell(List<Map<String, Object>> runs, String key, double scale) {
    double[] v = runs.stream().mapToDouble(m -> ((Number) m.get(key)).doubleValue() * scale).sorted().toArray();
    if (v[0] < 0) {
      return "n/a";
    }
    String fmt = v[v.length - 1] >= 100 ? "%.0f" : "%.2f";
    return String.format(Locale.ROOT, fmt + " [" + fmt + ", " + fmt + "]", median(runs, key) * scale, v[0], v[v.length - 1]);
  }

  /** Where the console lines go (a {@link java.io.PrintStream} or picocli's writer). */
  @FunctionalInterface
  public interface PrintStreamLike {
    void println(String line);
  }

  /**
   * The first evaluated round and column where {@code b} differs from {@code a} by more than
   * {@code tol} (absolute for accuracies, relative to the larger magnitude for losses; NaN equals only
   * NaN), or a different set of evaluated rounds; null when they agree everywhere.
   */
  static String firstMismatch(List<Map<String, Double>> a, List<Map<String, Double>> b, double tol) {
    List<Double> ra = a.stream().map(m -> m.get("round")).toList();
    List<Double> rb = b.stream().map(m -> m.get("round")).toList();
    if (!ra.equals(rb)) {
      return "evaluated rounds differ: fedspark " + rounds(ra) + ", PyTorch " + rounds(rb);
    }
    for (int i = 0; i < a.size(); i++) {
      for (String c : COLUMNS) {
        double x = a.get(i).getOrDefault(c, Double.NaN);
        double y = b.get(i).getOrDefault(c, Double.NaN);
        double diff = Math.abs(x - y);
        double allowed = c.endsWith("_loss") ? tol * Math.max(Math.abs(x), Math.abs(y)) : tol;
        boolean same = Double.isNaN(x) && Double.isNaN(y) || diff <= allowed;
        if (!same) {
          return String.format(Locale.ROOT, "round %d, %s: fedspark %s, PyTorch %s (difference %.3g)",
              a.get(i).get("round").intValue(), c, x, y, diff);
        }
      }
    }
    return null;
  }

  private static List<Integer> rounds(List<Double> r) {
    return r.stream().map(Double::intValue).toList();
  }

  private static double maxDifference(List<Map<String, Double>> a, List<Map<String, Double>> b) {
    double max = 0;
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      for (String c : COLUMNS) {
        if (c.endsWith("_acc") || c.contains("_acc_")) {
          double d = Math.abs(a.get(i).getOrDefault(c, Double.NaN) - b.get(i).getOrDefault(c, Double.NaN));
          max = Double.isNaN(d) ? max : Math.max(max, d);
        }
      }
    }
    return max;
  }

  private static List<Map<String, Object>> accuracyTable(List<Map<String, Double>> a, List<Map<String, Double>> b) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("round", a.get(i).get("round").intValue());
      row.put("fedspark_acc_mean", a.get(i).get("personalized_acc_mean"));
      row.put("pytorch_acc_mean", b.get(i).get("personalized_acc_mean"));
      row.put("fedspark_acc_weighted", a.get(i).get("personalized_acc_weighted"));
      row.put("pytorch_acc_weighted", b.get(i).get("personalized_acc_weighted"));
      rows.add(row);
    }
    return rows;
  }

  /** The comparison columns of a run's metrics.csv, one map per evaluated round (with "round"). */
  static List<Map<String, Double>> readMetricsCsv(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("the fedspark run wrote no " + file + ": " + e.getMessage(), e);
    }
    return columns(MetricsCsv.read(text, file.toString()));
  }

  /** The comparison columns of fedspark's metrics, one map per evaluated round (with "round"). */
  static List<Map<String, Double>> columns(List<RoundMetrics> metrics) {
    List<Map<String, Double>> rows = new ArrayList<>();
    for (RoundMetrics m : metrics) {
      Map<String, Object> cols = m.asColumns();
      Map<String, Double> row = new LinkedHashMap<>();
      row.put("round", (double) m.round());
      for (String c : COLUMNS) {
        Object v = cols.get(c);
        row.put(c, v instanceof Number n ? n.doubleValue() : Double.NaN);
      }
      rows.add(row);
    }
    return rows;
  }

  static List<Map<String, Double>> pytorchMetrics(JsonNode result) {
    List<Map<String, Double>> rows = new ArrayList<>();
    for (JsonNode m : result.path("metrics")) {
      Map<String, Double> row = new LinkedHashMap<>();
      row.put("round", m.path("round").asDouble());
      for (String c : COLUMNS) {
        JsonNode v = m.get(c);
        row.put(c, v == null || !v.isNumber() ? Double.NaN : v.asDouble());
      }
      rows.add(row);
    }
    return rows;
  }

  private static JsonNode readJson(Path file) {
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * A fedspark run's figures: its process and, from its own files, the time from the process's start
   * to the run's ({@code summary.json}'s {@code started}: launcher, JVM, Spark session), the time to
   * load the data ({@code dataset.load_seconds}), the round loop up to the end of the last
   * evaluation (the last {@code elapsed_seconds} of metrics.csv) and the evaluations in it (the sum of
   * {@code eval_seconds}).
   */
  private static Map<String, Object> fedsparkFigures(Child c, Path runDir) {
    JsonNode s = readJson(runDir.resolve("summary.json"));
    if (!"completed".equals(s.path("status").asText())) {
      throw new IllegalStateException("the fedspark run in " + runDir + " did not complete: "
          + s.path("status").asText() + " " + s.path("message").asText());
    }
    List<RoundMetrics> rows;
    try {
      rows = MetricsCsv.read(Files.readString(runDir.resolve("metrics.csv")), runDir.resolve("metrics.csv").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    double loop = rows.get(rows.size() - 1).elapsedSeconds();
    double eval = rows.stream().mapToDouble(RoundMetrics::evalSeconds).sum();
    int rounds = s.path("rounds_completed").asInt();
    Map<String, Object> m = new LinkedHashMap<>();
    double runStart = java.time.Duration.between(c.started, java.time.Instant.parse(s.path("started").asText()))
        .toNanos() / 1e9;
    double load = s.path("dataset").path("load_seconds").asDouble();
    m.put("wall_seconds", c.wallSeconds);
    m.put("outside_loop_seconds", c.wallSeconds - loop);
    m.put("start_seconds", runStart);
    m.put("load_seconds", load);
    m.put("before_round_1_seconds", runStart + load);
    m.put("after_loop_seconds", c.wallSeconds - runStart - load - loop);
    m.put("loop_seconds", loop);
    m.put("eval_seconds", eval);
    m.put("mean_round_seconds", (loop - eval) / rounds);
    m.put("mean_eval_seconds", eval / rows.size());
    m.put("peak_rss_bytes", c.peakRssBytes);
    return m;
  }

  private static Map<String, Object> pytorchFigures(Child c, JsonNode j) {
    double loop = j.path("loop_seconds").asDouble();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("wall_seconds", c.wallSeconds);
    m.put("outside_loop_seconds", c.wallSeconds - loop);
    m.put("import_seconds", j.path("import_seconds").asDouble());
    m.put("load_seconds", j.path("load_seconds").asDouble());
    m.put("before_round_1_seconds", j.path("before_loop_seconds").asDouble());
    m.put("loop_seconds", loop);
    m.put("eval_seconds", j.path("eval_seconds").asDouble());
    m.put("mean_round_seconds", j.path("mean_round_seconds").asDouble());
    m.put("mean_eval_seconds", j.path("mean_eval_seconds").asDouble());
    m.put("peak_rss_bytes", c.peakRssBytes);
    m.put("peak_rss_bytes_self_reported", j.path("peak_rss_bytes").asLong());
    return m;
  }

  /** The median of every numeric figure over the runs. */
  private static Map<String, Object> summarize(List<Map<String, Object>> runs) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (String k : runs.get(0).keySet()) {
      if (runs.get(0).get(k) instanceof Number) {
        m.put(k + "_median", median(runs, k));
      }
    }
    return m;
  }

  /**
   * The interleaved runs compared pair by pair (fedspark run i against PyTorch run i, which ran right
   * after it): the ratios, their median and range, and in how many pairs fedspark was faster. On a
   * machine whose load comes and goes, a pair shares its moment, so these say more than the ratio of
   * the two medians, which may come from different moments.
   */
  static Map<String, Object> pairs(List<Map<String, Object>> fed, List<Map<String, Object>> torch, String key) {
    if (fed.size() != torch.size() || fed.isEmpty()) {
      throw new IllegalArgumentException("pairs need as many fedspark runs as PyTorch runs, at least one: "
          + fed.size() + " and " + torch.size());
    }
    double[] ratios = new double[fed.size()];
    int faster = 0;
    for (int i = 0; i < ratios.length; i++) {
      double a = ((Number) fed.get(i).get(key)).doubleValue();
      double b = ((Number) torch.get(i).get(key)).doubleValue();
      ratios[i] = a / b;
      if (a < b) {
        faster++;
      }
    }
    double[] sorted = ratios.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ratios", Arrays.stream(ratios).boxed().toList());
    m.put("median_ratio", n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2);
    m.put("min_ratio", sorted[0]);
    m.put("max_ratio", sorted[n - 1]);
    m.put("fedspark_faster", faster);
    m.put("pairs", n);
    return m;
  }

  static double median(List<Map<String, Object>> runs, String key) {
    double[] v = runs.stream().mapToDouble(r -> ((Number) r.get(key)).doubleValue()).toArray();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  static String mib(long bytes) {
    return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
  }

  /** A finished child process: wall time and peak RSS ({@code -1} where /proc does not tell). */
  static final class Child {
    final java.time.Instant started;
    final double wallSeconds;
    final long peakRssBytes;

    private Child(java.time.Instant started, double wallSeconds, long peakRssBytes) {
      this.started = started;
      this.wallSeconds = wallSeconds;
      this.peakRssBytes = peakRssBytes;
    }

    /**
     * Takes out of a child's environment what {@code bin/fedspark} set for its own JVM only (the
     * variables {@code FEDSPARK_LAUNCHER_DEFAULTS} names, e.g. {@code MALLOC_ARENA_MAX}): the PyTorch
     * script then runs in the environment the user gave, and a fedspark child's launcher sets them again.
     */
    static void withoutLauncherDefaults(Map<String, String> env) {
      String names = env.remove("FEDSPARK_LAUNCHER_DEFAULTS");
      if (names != null) {
        for (String name : names.trim().split("\\s+")) {
          env.remove(name);
        }
      }
    }

    /** Runs {@code cmd} with stdout and stderr to {@code log}; fails, naming the log, unless it exits with 0. */
    static Child run(List<String> cmd, Path log) {
      try {
        java.time.Instant started = java.time.Instant.now();
        long t0 = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        withoutLauncherDefaults(builder.environment());
        Process p = builder.start();
        File status = new File("/proc/" + p.pid() + "/status");
        long peak = -1;
        while (!p.waitFor(10, TimeUnit.MILLISECONDS)) {
          peak = Math.max(peak, vmHwm(status));
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        if (p.exitValue() != 0) {
          String tail = Files.readAllLines(log).stream().reduce((a, b) -> b).orElse("");
          throw new IllegalStateException(String.join(" ", cmd) + " exited with code " + p.exitValue() + " (" + tail
              + "); its output is in " + log);
        }
        return new Child(started, wall, peak);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }

    /** {@code VmHWM} (peak RSS) of the process in bytes, or -1 when it cannot be read (gone, or no /proc). */
    static long vmHwm(File status) {
      try {
        for (String line : Files.readAllLines(status.toPath())) {
          if (line.startsWith("VmHWM:")) {
            return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
          }
        }
      } catch (IOException | RuntimeException e) {
        return -1;
      }
      return -1;
    }
  }
}
