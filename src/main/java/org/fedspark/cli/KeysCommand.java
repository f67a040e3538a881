package org.fedspark.cli;

import java.util.concurrent.Callable;
import org.fedspark.config.ConfigKey;
import org.fedspark.config.Keys;
import picocli.CommandLine.Command;

/** Prints every configuration key with its default, valid values and meaning. */
@Command(name = "keys", mixinStandardHelpOptions = true,
    description = "List every configuration key with its default, valid values and meaning.")
final class KeysCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    String section = "";
    for (ConfigKey k : Keys.ALL) {
      String s = k.path().substring(0, k.path().indexOf('.'));
      if (!s.equals(section)) {
        System.out.println();
        System.out.println("[" + s + "]");
        section = s;
      }
      System.out.printf("%-30s default %-12s %s%n", k.path(), String.valueOf(k.defaultValue()).isEmpty() ? "\"\"" : k.defaultValue(), k.validValues());
      System.out.printf("    %s%n", k.doc());
    }
    System.out.println();
    System.out.println(Keys.SPARK_CONF_PREFIX + ".\"<spark property>\"  passed to Spark verbatim, e.g. spark.conf.\"spark.driver.memory\" = 8g");
    return 0;
  }
}
