package org.fedspark.notebooks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * What the notes' paragraphs see as {@code z}: the part of Zeppelin's {@code SparkZeppelinContext} they
 * use, with the same method names and parameter types, so a paragraph that compiles here compiles in
 * Zeppelin. It renders nothing: it records what was shown and which forms were read, for the test to
 * check.
 *
 * <ul>
 *   <li>{@code show(df)}, {@code show(df, maxRows)}: takes up to {@code maxRows} rows (Zeppelin's default
 *       is {@code zeppelin.spark.maxResult} = 1000), as Zeppelin's table does, and records them. Anything
 *       but a Dataset is refused: Zeppelin would print "doesn't support to show type" instead of a table.</li>
 *   <li>{@code textbox}/{@code input} (paragraph forms): the value the test set for that form's name, else
 *       the default, as a fresh form in Zeppelin shows its default.</li>
 *   <li>{@code select}: the value set for it, else its default, which must be one of its options.</li>
 *   <li>{@code put}/{@code get}: Zeppelin's resource pool, here a map shared by the note's paragraphs.</li>
 * </ul>
 */
public final class StandInZeppelinContext {
  /** Zeppelin's {@code zeppelin.spark.maxResult} default. */
  public static final int MAX_RESULT = 1000;

  /** One {@code z.show}: where, the columns, and the rows Zeppelin's table would hold. */
  public record Shown(String paragraph, List<String> columns, int rows) {}

  private final Map<String, String> formValues;
  private final Map<String, Object> resources = new HashMap<>();
  private final List<Shown> shown = new ArrayList<>();
  private final Map<String, String> formsRead = new LinkedHashMap<>();
  private String paragraph = "(no paragraph)";

  /** @param formValues values typed into the notes' forms, by form name */
  public StandInZeppelinContext(Map<String, String> formValues) {
    this.formValues = Map.copyOf(formValues);
  }

  void beginParagraph(String label) {
    paragraph = label;
  }

  List<Shown> shown() {
    return List.copyOf(shown);
  }

  /** Form name → value returned, in the order the forms were read. */
  Map<String, String> formsRead() {
    return Map.copyOf(formsRead);
  }

  public void show(Object o) {
    show(o, MAX_RESULT);
  }

  public void show(Object o, int maxResult) {
    if (!(o instanceof Dataset<?> ds)) {
      throw new IllegalArgumentException("z.show got a " + (o == null ? "null" : o.getClass().getName())
          + "; Zeppelin's Spark interpreter shows only a DataFrame/Dataset as a table");
    }
    Dataset<Row> df = ds.toDF();
    Row[] rows = (Row[]) df.take(maxResult);
    List<String> columns = List.of(df.columns());
    shown.add(new Shown(paragraph, columns, rows.length));
    // What Zeppelin would render (%table: tab-separated header and rows), abbreviated, for the test log.
    StringBuilder s = new StringBuilder("%table ").append(String.join("\t", columns)).append('\n');
    for (int r = 0; r < Math.min(rows.length, 5); r++) {
      s.append(rows[r].mkString("\t")).append('\n');
    }
    if (rows.length > 5) {
      s.append("... ").append(rows.length).append(" rows\n");
    }
    scala.Console.out().print(s);  // the paragraph's output, as in Zeppelin
  }

  public Object textbox(String name) {
    return textbox(name, "");
  }

  public Object textbox(String name, String defaultValue) {
    String v = formValues.getOrDefault(name, defaultValue);
    formsRead.put(name, v);
    return v;
  }

  /** Zeppelin's deprecated name for {@link #textbox}. */
  public Object input(String name) {
    return textbox(name, "");
  }

  public Object input(String name, Object defaultValue) {
    return textbox(name, defaultValue.toString());
  }

  /** A select form ({@code z.select("codec", Seq(("float64", "float64"), ...), "float64")}). */
  public Object select(String name, scala.collection.Seq<Tuple2<Object, String>> options, Object defaultValue) {
    List<Object> values = scala.jdk.javaapi.CollectionConverters.asJava(options).stream().map(Tuple2::_1).toList();
    Object v = formValues.containsKey(name) ? formValues.get(name) : defaultValue;
    if (!values.contains(v)) {
      throw new IllegalArgumentException("z.select('" + name + "'): '" + v + "' is not one of its options " + values);
    }
    formsRead.put(name, String.valueOf(v));
    return v;
  }

  public void put(String name, Object value) {
    resources.put(name, value);
  }

  public Object get(String name) {
    return resources.get(name);
  }
}
