package org.fedspark.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.fedspark.config.ConfigKey;
import org.fedspark.config.Keys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Prints every configuration key with its default, valid values and meaning. */
@Command(name = "keys", mixinStandardHelpOptions = true,
    description = "List every configuration key with its default, valid values and meaning.")
final class KeysCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    String section = "";
    for (ConfigKey k : Keys.ALL) {
      String s = k.path().substring(0, k.path().indexOf('.'));
      if (!s.equals(section)) {
        out.println();
        out.println("[" + s + "]");
        section = s;
      }
      out.printf("%-30s default %-12s %s%n", k.path(), String.valueOf(k.defaultValue()).isEmpty() ? "\"\"" : k.defaultValue(), k.validValues());
      out.printf("    %s%n", k.doc());
    }
    out.println();
    out.println(Keys.SPARK_CONF_PREFIX + ".\"<spark property>\"  passed to Spark verbatim, e.g. spark.conf.\"spark.executor.memory\" = 8g (the embedded driver's heap is FEDSPARK_MEMORY)");
    out.flush();
    return 0;
  }
}
