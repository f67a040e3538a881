package org.fedspark.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Guards the tests that read real datasets from Debian packages. A developer without the package
 * sees those tests skipped; {@code bin/test} (and so CI) sets {@code FEDSPARK_REQUIRE_DATASETS=1}
 * after installing them, so there a missing dataset fails the run instead of passing it silently.
 */
public final class RealDatasets {
  /** Environment variable that turns a missing dataset from a skip into a failure. */
  public static final String REQUIRE = "FEDSPARK_REQUIRE_DATASETS";

  private RealDatasets() {}

  /** Skips (or, under {@code bin/test}, fails) the calling test unless Fashion-MNIST is installed. */
  public static void assumeFashionMnist() {
    Path file = Path.of("/usr/share/datasets/fashion-mnist", "train-images-idx3-ubyte.gz");
    if (Files.exists(file)) {
      return;
    }
    String why = file + " is missing: run bin/setup (apt-get install dataset-fashion-mnist)";
    if ("1".equals(System.getenv(REQUIRE))) {
      fail(why);
    }
    abort(why);
  }
}
