package org.fedspark.server;

import org.fedspark.data.DatasetInfo;
import org.fedspark.model.Model;

/**
 * What the server half of an algorithm is given at the start: the model definition, the federation's
 * shape (client count and per-client sizes, not the data), the common initial parameters and the seed.
 */
public record ServerContext(Model model, DatasetInfo info, double[] initialParams, long seed) {}
