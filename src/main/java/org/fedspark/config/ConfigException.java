package org.fedspark.config;

import java.util.List;

/** A configuration that cannot be used; the message lists every problem and how to fix it. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(problems.size() == 1 ? problems.get(0)
        : "invalid configuration:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public ConfigException(String problem) {
    this(List.of(problem));
  }

  /**
   * Hadoop has no file system for {@code path}'s scheme (e.g. {@code s3a://} without its connector):
   * says which key or file it was and how to add the connector.
   */
  public static ConfigException noFileSystem(String what, String path, Throwable cause) {
    String scheme = new org.apache.hadoop.fs.Path(path).toUri().getScheme();
    return new ConfigException(what + " " + path + ": no Hadoop file system for '" + scheme + "://' on fedspark's class"
        + " path; add its connector jars, e.g. FEDSPARK_CLASSPATH=/path/hadoop-aws.jar:/path/aws-sdk-bundle.jar for"
        + " s3a:// (README, Data), or use a local or hdfs:// path", cause);
  }

  /**
   * Whether {@code t} says Hadoop has no file system implementation for a path's scheme: either
   * {@code UnsupportedFileSystemException} ("No FileSystem for scheme") or, for schemes Hadoop's
   * defaults name (s3a), a {@code ClassNotFoundException} for the missing connector class.
   */
  public static boolean isMissingFileSystem(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof org.apache.hadoop.fs.UnsupportedFileSystemException
          || c instanceof ClassNotFoundException && String.valueOf(c.getMessage()).contains("FileSystem")) {
        return true;
      }
    }
    return false;
  }

  public ConfigException(String problem, Throwable cause) {
    super(problem, cause);
    this.problems = List.of(problem);
  }

  public List<String> problems() {
    return problems;
  }
}
