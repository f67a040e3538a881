package org.fedspark.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.fedspark.testing.LocalSparkTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every Zeppelin note in {@code notebooks/}: each {@code %spark} paragraph in order, in a Scala 2.13
 * REPL set up as Zeppelin's Spark interpreter sets up its own ({@link ScalaRepl}), with fedspark on the
 * class path and a stand-in for Zeppelin's {@code z} ({@link StandInZeppelinContext}). This is not
 * Zeppelin: it checks that the paragraphs compile and run against this checkout's fedspark and Spark,
 * not how Zeppelin renders them.
 *
 * <p>A note passes when every paragraph compiles without a warning and runs without an exception, every {@code z.show}
 * gets a DataFrame with rows, every {@code %network} output is a graph Zeppelin can draw, and every
 * run it started completed, in the output directory its form was given. The notes' forms receive this
 * checkout, a temporary directory and {@value #ROUNDS} rounds, so all notes run in well under a minute.
 */
class NotebooksTest extends LocalSparkTest {
  /** The rounds typed into every note's "rounds" form: enough for several metrics rows, and fast. */
  static final String ROUNDS = "3";

  private static final Path NOTEBOOKS = Path.of("notebooks");

  @TempDir
  Path tmp;

  /** One REPL for all notes: its compiler starts once (seconds), each note then starts afresh in it. */
  private static ScalaRepl repl;

  @AfterAll
  static void closeRepl() {
    if (repl != null) {
      repl.close();
    }
  }

  static List<Path> notes() throws IOException {
    try (Stream<Path> s = Files.list(NOTEBOOKS)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".zpln")).sorted().toList();
    }
  }

  @TestFactory
  Stream<DynamicTest> everyNoteRunsParagraphByParagraph() throws IOException {
    List<Path> notes = notes();
    assertFalse(notes.isEmpty(), "no .zpln note in " + NOTEBOOKS.toAbsolutePath());
    return notes.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> runNote(p)));
  }

  /** notebooks/README.md describes every note. */
  @Test
  void readmeNamesEveryNote() throws IOException {
    String readme = Files.readString(NOTEBOOKS.resolve("README.md"));
    for (Path p : notes()) {
      assertTrue(readme.contains(p.getFileName().toString()), "notebooks/README.md does not mention " + p.getFileName());
    }
  }

  /**
   * The check can fail: a paragraph that does not compile, throws, ships a REPL-defined function to a
   * task, shows an empty table, or uses another interpreter fails its note, naming note and paragraph.
   */
  @Test
  void aBrokenParagraphFailsItsNoteNamingIt() throws IOException {
    Map<String, String> broken = new java.util.LinkedHashMap<>();
    broken.put("val n: Int = \"three\"", "type mismatch");
    broken.put("throw new IllegalStateException(\"boom\")", "boom");
    // A lambda that runs in a task: its class lives only in the REPL's class loader (see ScalaRepl).
    broken.put("spark.range(3).map(_ + 1).collect()", "SerializedLambda");
    broken.put("z.show(spark.range(0).toDF(\"i\"))", "without rows");
    broken.put("%sql\nSELECT 1", "uses %sql");
    int i = 0;
    for (Map.Entry<String, String> e : broken.entrySet()) {
      String text = e.getKey().startsWith("%") ? e.getKey() : "%spark\n" + e.getKey();
      Path note = tmp.resolve("broken-" + (++i) + ".zpln");
      Files.writeString(note, new ObjectMapper().writeValueAsString(Map.of("name", "broken", "paragraphs", List.of(
          Map.of("id", "p1", "title", "Fine", "text", "%spark\nval fine = 1"),
          Map.of("id", "p2", "title", "Broken", "text", text)))));
      AssertionError err = assertThrows(AssertionError.class, () -> runNote(note), e.getKey());
      assertTrue(err.getMessage().contains("broken-" + i + ".zpln paragraph 2 'Broken'")
          && err.getMessage().contains(e.getValue()), e.getKey() + " -> " + err.getMessage());
    }
  }

  private void runNote(Path path) throws IOException {
    ZeppelinNote note = ZeppelinNote.read(path);
    String file = note.file();
    Path out = tmp.resolve(file.replace(".zpln", ""));
    String checkout = Path.of("").toAbsolutePath().toString();
    StandInZeppelinContext z = new StandInZeppelinContext(Map.of(
        "fedspark checkout", checkout, "output directory", out.toString(), "rounds", ROUNDS));
    long wall = System.nanoTime();
    long cpu = processCpuNanos();
    int ran = 0;
    if (repl == null) {
      repl = new ScalaRepl(spark);
    }
    repl.startNote(z);
    System.out.printf("%s: REPL ready in %.1f s wall, %.1f s CPU%n", file, (System.nanoTime() - wall) / 1e9,
        (processCpuNanos() - cpu) / 1e9);
    for (ZeppelinNote.Paragraph p : note.paragraphs()) {
      switch (p.interpreter()) {
        case "md" -> {
          continue;
        }
        case "spark" -> {
        }
        default -> fail(file + " " + p.label() + " uses %" + p.interpreter()
            + ": this test runs %spark paragraphs (and skips %md); any other would go untested");
      }
      z.beginParagraph(p.label());
      long pw = System.nanoTime();
      long pc = processCpuNanos();
      ScalaRepl.Outcome o = repl.interpret(p.code());
      System.out.printf("--- %s %s: %s (%.1f s wall, %.1f s CPU)%n%s%s", file, p.label(), o.status(),
          (System.nanoTime() - pw) / 1e9, (processCpuNanos() - pc) / 1e9, o.printed(), o.messages());
      if (!o.ok()) {
        fail(file + " " + p.label() + " failed (" + o.status() + "):\n" + o.messages() + o.printed());
      }
      // A deprecation today is an error in a later Scala or Spark: the notes compile cleanly.
      assertFalse(o.messages().contains("warning:"), file + " " + p.label() + " compiles with a warning:\n" + o.messages());
      checkNetworkOutput(file + " " + p.label(), o.printed());
      ran++;
    }
    System.out.printf("%s: %d paragraphs in %.1f s wall, %.1f s CPU (all threads)%n", file, ran,
        (System.nanoTime() - wall) / 1e9, (processCpuNanos() - cpu) / 1e9);

    assertTrue(ran > 0, file + " has no %spark paragraph");
    List<StandInZeppelinContext.Shown> shown = z.shown();
    assertFalse(shown.isEmpty(), file + " shows nothing with z.show");
    for (StandInZeppelinContext.Shown s : shown) {
      assertTrue(s.rows() > 0, file + " " + s.paragraph() + ": z.show got a DataFrame without rows, columns " + s.columns());
    }
    // Its runs went where the form said, not into the checkout, and all of them completed.
    assertEquals(out.toString(), z.formsRead().get("output directory"), file + " does not read the 'output directory' form");
    assertEquals(checkout, z.formsRead().get("fedspark checkout"), file + " does not read the 'fedspark checkout' form");
    List<Path> summaries;
    try (Stream<Path> s = Files.walk(out)) {
      summaries = s.filter(f -> f.getFileName().toString().equals("summary.json")).sorted().toList();
    }
    assertFalse(summaries.isEmpty(), file + " ran no simulation into " + out);
    for (Path s : summaries) {
      JsonNode summary = new ObjectMapper().readTree(s.toFile());
      assertEquals("completed", summary.path("status").asText(), s + ": " + summary.path("message").asText());
      assertEquals(Integer.parseInt(ROUNDS), summary.path("rounds_completed").asInt(), s + ": rounds completed");
    }
  }

  /**
   * A paragraph's output that starts with {@code %network} must be what Zeppelin's network display reads:
   * JSON with nodes (unique ids) and edges (unique ids, source and target among the nodes).
   */
  private static void checkNetworkOutput(String where, String printed) throws IOException {
    if (!printed.startsWith("%network")) {
      return;
    }
    JsonNode g = new ObjectMapper().readTree(printed.substring("%network".length()));
    JsonNode nodes = g.path("nodes");
    JsonNode edges = g.path("edges");
    assertTrue(nodes.isArray() && !nodes.isEmpty(), where + ": %network without nodes");
    assertTrue(edges.isArray() && !edges.isEmpty(), where + ": %network without edges");
    Set<String> ids = new HashSet<>();
    for (JsonNode n : nodes) {
      assertTrue(n.hasNonNull("id") && ids.add(n.get("id").asText()), where + ": node without a unique id: " + n);
    }
    Set<String> edgeIds = new HashSet<>();
    List<String> dangling = new ArrayList<>();
    for (JsonNode e : edges) {
      assertTrue(e.hasNonNull("id") && edgeIds.add(e.get("id").asText()), where + ": edge without a unique id: " + e);
      if (!ids.contains(e.path("source").asText()) || !ids.contains(e.path("target").asText())) {
        dangling.add(e.toString());
      }
    }
    assertTrue(dangling.isEmpty(), where + ": edges whose ends are not nodes: " + dangling);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
