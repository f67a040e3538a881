/**
 * Reusable numerical operators for composite and graph-regularised federated objectives: proximal
 * maps of the ℓ1, ℓ2, ℓ∞ and nuclear norms ({@link org.fedspark.optim.Prox},
 * {@link org.fedspark.optim.ProxOperator}, {@link org.fedspark.optim.Svt}), the exact projection onto
 * an ℓ1 ball it relies on ({@link org.fedspark.optim.L1Ball}), and a sparse graph Laplacian with a
 * Jacobi-preconditioned conjugate gradient for {@code (I + c·L) x = b}
 * ({@link org.fedspark.optim.Csr}, {@link org.fedspark.optim.Pcg}). Definitions and derivations are in
 * {@code docs/optim.md}.
 */
package org.fedspark.optim;
