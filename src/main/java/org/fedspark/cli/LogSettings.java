package org.fedspark.cli;

import java.net.URL;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.DefaultConfiguration;

/**
 * Applies fedspark's console settings ({@code log4j2.properties} in its jar: fedspark's progress at
 * INFO, Spark and Hadoop only when something is wrong, no per-task stack traces) where Spark's own
 * defaults would otherwise be in force.
 *
 * <p>{@code bin/fedspark} puts the file on the JVM's class path, where log4j2 finds it by itself. Under
 * {@code spark-submit} it does not: log4j2 is configured before the application jar is added to the class
 * loader, and Spark then installs its built-in {@code org/apache/spark/log4j2-defaults.properties}
 * (everything at INFO, a WARN stack trace for every failed task). This replaces exactly that built-in
 * default, or log4j2's own fallback, and leaves a configuration the user chose (a
 * {@code log4j2.properties} in Spark's conf directory, {@code -Dlog4j2.configurationFile}) alone.
 */
final class LogSettings {
  private LogSettings() {}

  static final String RESOURCE = "log4j2.properties";

  /** Installs fedspark's settings if Spark's or log4j2's default is in force; returns whether it did. */
  static boolean applyIfDefault() {
    // Spark's context, not this class's: under spark-submit fedspark's jar has a class loader of its own,
    // and log4j2 keeps one context per class loader.
    if (!(LogManager.getContext(org.apache.spark.SparkContext.class.getClassLoader(), false) instanceof LoggerContext ctx)) {
      return false; // another logging back end: its configuration is the user's
    }
    Configuration current = ctx.getConfiguration();
    ConfigurationSource source = current.getConfigurationSource();
    String location = source == null ? null : source.getLocation();
    boolean isDefault = current instanceof DefaultConfiguration
        || location == null
        || location.endsWith("org/apache/spark/log4j2-defaults.properties");
    URL ours = LogSettings.class.getClassLoader().getResource(RESOURCE);
    if (!isDefault || ours == null) {
      return false;
    }
    try {
      ctx.setConfigLocation(ours.toURI());
      return true;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }
}
