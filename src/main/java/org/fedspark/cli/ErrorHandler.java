package org.fedspark.cli;

import org.fedspark.config.ConfigException;
import org.fedspark.data.DataException;
import picocli.CommandLine;

/**
 * Turns failures into a short message and an exit code: 2 for input the user can fix (configuration,
 * data), 1 for anything else (with the stack trace, which is then useful).
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
  static final int USER_ERROR = 2;

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
    Throwable t = ex;
    while (t != null) {
      if (t instanceof ConfigException || t instanceof DataException) {
        cmd.getErr().println("error: " + t.getMessage());
        return USER_ERROR;
      }
      t = t.getCause();
    }
    ex.printStackTrace(cmd.getErr());
    cmd.getErr().println("error: " + ex);
    return 1;
  }
}
