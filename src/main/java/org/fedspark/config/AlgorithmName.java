package org.fedspark.config;

/**
 * The algorithms {@code algorithm.name} accepts: the one list of their names. It lives in the config
 * layer (which depends on nothing else in fedspark) so that {@link Keys} can validate the key; the
 * algorithm layer maps each constant to its implementation with an exhaustive {@code switch}, so a
 * name without an implementation does not compile.
 */
public enum AlgorithmName {
  FEDAVG, FEDPROX, FEDAVG_FT, LOCAL, FEDPER, FEDREP, DITTO, APFL,
  FEDSLR, PFEDME,
  GRAPH_FUSED
}
