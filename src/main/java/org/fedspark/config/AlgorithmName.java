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
  GRAPH_FUSED,
  FEDIT, FFA_LORA, FEDSA_LORA, FEDLORA_OPT;

  /** The federated LoRA methods: they train adapters ({@code model.lora.blocks}) on a frozen base. */
  public boolean isLora() {
    return this == FEDIT || this == FFA_LORA || this == FEDSA_LORA || this == FEDLORA_OPT;
  }
}
