package org.fedspark.graph;

import java.io.Serializable;
import java.util.SplittableRandom;
import org.fedspark.data.LocalDataset;
import org.fedspark.data.partition.Distributions;

/**
 * Feature-space summary of a client: the covariance of its features after a fixed, seeded random
 * projection to r dimensions, flattened so that the Euclidean distance between two summaries is the
 * Frobenius distance between the two projected covariance matrices.
 *
 * <p>Projection: {@code z = P x} with P an r×d matrix of N(0, 1/r) entries, the same for every client
 * (drawn from the run seed); by Johnson–Lindenstrauss it keeps distances, and
 * {@code Cov(z) = P Cov(x) Pᵀ} is an r×r sketch of the d×d covariance (for d = 784 pixels, 32×32
 * instead of 784×784). When {@code d ≤ r} no projection is made and the covariance itself is used.
 *
 * <p>Covariance: {@code C = (1/(n−1)) Σ_i (z_i − z̄)(z_i − z̄)ᵀ} over the client's n training rows (the
 * zero matrix for n = 1). Summary: the upper triangle of C, diagonal entries as they are and
 * off-diagonal ones times √2, so {@code ‖s − s'‖² = Σ_i (C_ii − C'_ii)² + 2 Σ_{i<j} (C_ij − C'_ij)²
 * = ‖C − C'‖_F²}.
 *
 * <p>Why Frobenius and not a log-Euclidean or Bures–Wasserstein distance: it is a Euclidean embedding,
 * so kNN search (exact or approximate) applies to it directly; and it needs no positive definiteness,
 * whereas clients with fewer rows than r, or with constant features (the blank border of Fashion-MNIST
 * images), have singular covariances for which the log-Euclidean distance is undefined without an
 * arbitrary ridge.
 */
public final class CovarianceSketch implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int inputDim;
  private final int dim;
  /** r×d row-major, or null for the identity (d ≤ r). */
  private final double[] projection;

  private CovarianceSketch(int inputDim, int dim, double[] projection) {
    this.inputDim = inputDim;
    this.dim = dim;
    this.projection = projection;
  }

  /**
   * @param inputDim d
   * @param sketchDim r (graph.sketch-dim)
   * @param seed the projection's seed, from the run seed so every client uses the same P
   */
  public static CovarianceSketch create(int inputDim, int sketchDim, long seed) {
    if (inputDim <= 0) {
      throw new IllegalArgumentException("input dimension must be positive, got " + inputDim);
    }
    if (sketchDim <= 0) {
      throw new IllegalArgumentException("graph.sketch-dim must be positive, got " + sketchDim);
    }
    if (inputDim <= sketchDim) {
      return new CovarianceSketch(inputDim, inputDim, null);
    }
    SplittableRandom rng = new SplittableRandom(seed);
    double[] p = new double[sketchDim * inputDim];
    double scale = 1 / Math.sqrt(sketchDim);
    for (int i = 0; i < p.length; i++) {
      p[i] = scale * Distributions.gaussian(rng);
    }
    return new CovarianceSketch(inputDim, sketchDim, p);
  }

  /** r, the side of the compared covariance (d when no projection is made). */
  public int dim() {
    return dim;
  }

  /** A copy of P (r×d row-major), or null when no projection is made (d ≤ r). */
  double[] projectionMatrix() {
    return projection == null ? null : projection.clone();
  }

  /** Length of a summary: r(r+1)/2. */
  public int summaryLength() {
    return dim * (dim + 1) / 2;
  }

  /** The projected rows {@code z_i = P x_i} (row-major, r columns); the rows themselves for d ≤ r. */
  public double[] project(double[] x, int n) {
    if ((long) n * inputDim != x.length) {
      throw new IllegalArgumentException("expected " + n + " rows of " + inputDim + " features, got " + x.length + " values");
    }
    if (projection == null) {
      return x.clone();
    }
    double[] z = new double[n * dim];
    for (int i = 0; i < n; i++) {
      for (int a = 0; a < dim; a++) {
        double s = 0;
        for (int t = 0; t < inputDim; t++) {
          s += projection[a * inputDim + t] * x[i * inputDim + t];
        }
        z[i * dim + a] = s;
      }
    }
    return z;
  }

  /** The flattened, √2-weighted upper triangle of the projected covariance of {@code data}'s rows. */
  public double[] summarize(LocalDataset data) {
    int n = data.size();
    if (n == 0) {
      throw new IllegalArgumentException("the covariance of an empty sample is undefined");
    }
    double[] z = project(data.features(), n);
    double[] mean = new double[dim];
    for (int i = 0; i < n; i++) {
      for (int a = 0; a < dim; a++) {
        mean[a] += z[i * dim + a];
      }
    }
    for (int a = 0; a < dim; a++) {
      mean[a] /= n;
    }
    for (int i = 0; i < n; i++) {
      for (int a = 0; a < dim; a++) {
        z[i * dim + a] -= mean[a];
      }
    }
    double[] s = new double[summaryLength()];
    if (n == 1) {
      return s;
    }
    double sqrt2 = Math.sqrt(2);
    int p = 0;
    for (int a = 0; a < dim; a++) {
      for (int b = a; b < dim; b++) {
        double c = 0;
        for (int i = 0; i < n; i++) {
          c += z[i * dim + a] * z[i * dim + b];
        }
        c /= n - 1;
        s[p++] = a == b ? c : sqrt2 * c;
      }
    }
    return s;
  }
}
