package org.fedspark.client;

import org.fedspark.model.Model;
import org.fedspark.data.Seeds;

/** The run's common starting point: {@code model.initialParams} drawn from the run seed alone. */
public final class InitialParams {
  private InitialParams() {}

  public static double[] of(Model model, long seed) {
    return model.initialParams(Seeds.stream(seed, -1, -1, "init"));
  }
}
