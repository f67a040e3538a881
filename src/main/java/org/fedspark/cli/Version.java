package org.fedspark.cli;

import picocli.CommandLine;

/** Reports fedspark's version from the jar manifest, and the Spark version it was built for. */
public final class Version implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = FedSparkCli.class.getPackage().getImplementationVersion();
    return new String[] {"fedspark " + (v == null ? "(development build)" : v), "built for Apache Spark 4.0 (Scala 2.13), Java 17+"};
  }
}
