package org.fedspark.notebooks;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.apache.spark.sql.SparkSession;
import scala.Console$;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.IMain;
import scala.tools.nsc.interpreter.Results;
import scala.tools.nsc.interpreter.shell.ReplReporterImpl;

/**
 * A Scala 2.13 REPL set up the way Zeppelin's Spark interpreter for Scala 2.13 sets up its own
 * ({@code SparkScala213Interpreter}): class-based wrappers ({@code -Yrepl-class-based}, as Spark's shell),
 * the JVM's class path, {@code spark}, {@code sc}, {@code sqlContext} and {@code z} defined as
 * {@code @transient} values, then the same imports ({@code spark.implicits._}, {@code spark.sql},
 * {@code org.apache.spark.sql.functions._}, ...). Within a note, later paragraphs see the values and
 * imports of earlier ones, as in Zeppelin; each note starts afresh ({@link #startNote}).
 *
 * <p>What it does not do: serve the classes it compiles to executors (Zeppelin writes them to
 * {@code spark.repl.class.outputDir}, from where executors load them). Here they live only in this
 * REPL's class loader on the driver, so a paragraph whose closure runs in a task (an RDD or typed
 * Dataset {@code map} with a lambda) fails to load its class there; the notes use DataFrame and SQL
 * operations only.
 */
final class ScalaRepl implements AutoCloseable {
  private final StringWriter log = new StringWriter();
  private final IMain intp;
  /** Where in {@link #log} the current paragraph's messages start. */
  private int logMark;

  private final SparkSession spark;
  private boolean used;

  ScalaRepl(SparkSession spark) {
    this.spark = spark;
    Settings settings = new Settings();
    settings.processArgumentString("-Yrepl-class-based -deprecation");
    settings.usejavacp().value_$eq(true);
    // Under surefire, java.class.path is a manifest-only jar; the test class path is in this property.
    String cp = System.getProperty("surefire.test.class.path", "");
    settings.classpath().value_$eq(cp.isEmpty() ? System.getProperty("java.class.path") : cp);
    settings.embeddedDefaults(getClass().getClassLoader());
    intp = new IMain(settings, new ReplReporterImpl(settings, new PrintWriter(log, true)));
  }

  /**
   * Starts a note: forgets every value, class and import of the previous note (the REPL's
   * {@code :reset}, which keeps only the compiler and its view of the class path), then defines and
   * imports what Zeppelin's Spark interpreter provides, with {@code z} this note's context. One compiler
   * run for all of it (Zeppelin binds each value separately; the result is the same).
   */
  void startNote(StandInZeppelinContext z) {
    if (used) {
      intp.reset();
    }
    used = true;
    ReplBindings.set(spark, z);
    String b = ReplBindings.class.getName();
    Outcome o = interpret(String.join("\n",
        "@transient val spark: org.apache.spark.sql.SparkSession = " + b + ".spark()",
        "@transient val sc: org.apache.spark.SparkContext = spark.sparkContext",
        "@transient val sqlContext: org.apache.spark.sql.SQLContext = spark.sqlContext",
        "@transient val z: " + StandInZeppelinContext.class.getName() + " = " + b + ".z()",
        "import org.apache.spark.SparkContext._",
        "import spark.implicits._",
        "import sqlContext.implicits._",
        "import spark.sql",
        "import org.apache.spark.sql.functions._"));
    if (!o.ok()) {
      throw new IllegalStateException("REPL set-up failed:\n" + o.messages());
    }
  }

  /**
   * The result of one paragraph: success, what the REPL reported while running it (compiler errors,
   * exceptions with their stack traces, the values it defined), and what it printed (Scala's
   * {@code Console.out}, where Zeppelin takes a paragraph's output from).
   */
  record Outcome(boolean ok, String status, String messages, String printed) {}

  /** Compiles and runs one paragraph's code. */
  Outcome interpret(String code) {
    Thread t = Thread.currentThread();
    ClassLoader saved = t.getContextClassLoader();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Results.Result r;
    try {
      intp.setContextClassLoader();  // as Zeppelin does: Spark resolves REPL-defined classes through it
      r = Console$.MODULE$.withOut(printed, () -> intp.interpret(code));
    } finally {
      t.setContextClassLoader(saved);
    }
    String all = log.toString();
    String messages = all.substring(logMark);
    logMark = all.length();
    return new Outcome(r == Results.Success$.MODULE$, r.toString(), messages, printed.toString(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    intp.close();
  }
}
