/**
 * Numerical kernels of the communication-efficient ("Λ") client update: the uploaded update is
 * ∇ = argmin_w ½‖w − g‖² + γ‖Λw‖₁ with Λ upper bidiagonal (1 on the diagonal, −1 above), a 1-D
 * total-variation denoising of the gradient whose last sample is also pulled to zero. It is piecewise
 * constant, and its few distinct levels can be further quantized by exact 1-D k-means.
 *
 * <ul>
 *   <li>{@link org.fedspark.codec.tv.TvDenoise}: exact O(d) solver (Johnson 2013 dynamic programming),
 *       plain and end-pinned variants.
 *   <li>{@link org.fedspark.codec.tv.TvAdmm}: the ADMM of the same problem (Boyd et al. 2011), with an
 *       O(d) tridiagonal y-step ({@link org.fedspark.codec.tv.TridiagonalLdl}).
 *   <li>{@link org.fedspark.codec.tv.LambdaUpdate}: the client-side step, from a gradient or a local
 *       model delta.
 *   <li>{@link org.fedspark.codec.tv.Kmeans1d}: optimal 1-D k-means (Wang &amp; Song 2011).
 * </ul>
 *
 * <p>Derivations: {@code docs/lambda-update.md}.
 */
package org.fedspark.codec.tv;
