package org.fedspark.data;

/**
 * Input data that fedspark cannot use. The message always says what is wrong, where (file and line when
 * known) and what to do next, since a user meets it before any training starts.
 */
public class DataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
