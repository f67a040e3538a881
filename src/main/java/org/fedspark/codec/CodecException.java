package org.fedspark.codec;

/**
 * Bytes that are not a valid encoding: truncated, corrupted, or written by another codec or format
 * version than the reader expects. Decoders throw it instead of returning a vector they cannot vouch
 * for, so a transport or codec bug stops the run with a message rather than training on garbage.
 */
public final class CodecException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public CodecException(String message) {
    super(message);
  }
}
