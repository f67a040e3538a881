package org.fedspark.model;

import static org.fedspark.model.Blas.blas;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * One step of a {@link Composition}: computes one block (an effective block or an intermediate) from
 * its input blocks, and back-propagates. The three kinds are the sum, the low-rank update and the
 * magnitude–direction split; the derivations are in {@code docs/composed-weights.md}.
 *
 * <p>Contract, relied on by {@link Composition}: {@link #forward} overwrites the output from the inputs;
 * {@link #backward} reads the output's gradient and <em>adds</em> to the inputs' gradients (never writes
 * the output's gradient, which may be the caller's read-only array); {@link #initInputs} writes inputs
 * whose forward value is the output's current value. Steps hold only offsets and shapes, so they are
 * immutable and shared between threads; all mutable state lives in the {@link Composition.Workspace}.
 */
sealed interface CompositionStep extends Serializable
    permits CompositionStep.Sum, CompositionStep.LowRank, CompositionStep.MagnitudeDirection {

  /** Where a block lives while a composition runs: in θ, in w, or in the workspace. */
  enum Place { STORED, EFFECTIVE, INTERMEDIATE }

  /** A row-major {@code rows × cols} block at {@code offset} of the array of its {@link Place}. */
  record Slot(Place place, int offset, int rows, int cols) implements Serializable {
    int size() {
      return rows * cols;
    }
  }

  /** The block this step produces. */
  Slot out();

  void forward(Composition.Workspace ws);

  void backward(Composition.Workspace ws);

  void initInputs(Composition.Workspace ws, SplittableRandom rng);

  /**
   * {@code out = a + b}: the additive personalization {@code w = x + z} and FedSLR's {@code W + P}.
   * The Jacobian with respect to either input is the identity, so both gradients receive {@code g}.
   * Initialization puts everything in {@code a} and zeros {@code b}, so the sum equals the target exactly.
   */
  record Sum(Slot a, Slot b, Slot out) implements CompositionStep {
    @Override
    public void forward(Composition.Workspace ws) {
      double[] va = ws.value(a);
      double[] vb = ws.value(b);
      double[] vo = ws.value(out);
      for (int i = 0, n = out.size(); i < n; i++) {
        vo[out.offset() + i] = va[a.offset() + i] + vb[b.offset() + i];
      }
    }

    @Override
    public void backward(Composition.Workspace ws) {
      double[] g = ws.grad(out);
      double[] ga = ws.grad(a);
      double[] gb = ws.grad(b);
      for (int i = 0, n = out.size(); i < n; i++) {
        double gi = g[out.offset() + i];
        ga[a.offset() + i] += gi;
        gb[b.offset() + i] += gi;
      }
    }

    @Override
    public void initInputs(Composition.Workspace ws, SplittableRandom rng) {
      System.arraycopy(ws.value(out), out.offset(), ws.value(a), a.offset(), out.size());
      java.util.Arrays.fill(ws.value(b), b.offset(), b.offset() + b.size(), 0.0);
    }
  }

  /**
   * LoRA's update (Hu et al., ICLR 2022, Section 4.1): {@code out = base + s·B·A} with {@code B} rows × r,
   * {@code A} r × cols and {@code s = α/r}. With {@code G = ∂L/∂out}: {@code ∂L/∂base = G},
   * {@code ∂L/∂B = s·G·Aᵀ}, {@code ∂L/∂A = s·Bᵀ·G}, each product one {@code dgemm}.
   *
   * <p>Row-major {@code X} (p × q) is column-major {@code Xᵀ} with leading dimension q, so
   * <ul>
   *   <li>{@code out += s·B·A} is column-major {@code outᵀ += s·Aᵀ·Bᵀ}: {@code dgemm("N","N", cols, rows, r, s, A, cols, B, r, 1, out, cols)};</li>
   *   <li>{@code gB += s·G·Aᵀ} is {@code gBᵀ += s·A·Gᵀ}: {@code dgemm("T","N", r, rows, cols, s, A, cols, G, cols, 1, gB, r)};</li>
   *   <li>{@code gA += s·Bᵀ·G} is {@code gAᵀ += s·Gᵀ·B}: {@code dgemm("N","T", cols, r, rows, s, G, cols, B, r, 1, gA, cols)}.</li>
   * </ul>
   *
   * <p>Initialization follows LoRA: {@code B = 0}, so {@code out = base} exactly, and
   * {@code A} random Gaussian, here {@code N(0, 1/cols)}: each entry of the r-vector {@code A·x} then has
   * the variance of an entry of {@code x} (LeCun/He fan-in scaling), independent of the rank; the
   * reference implementation's Kaiming-uniform {@code U(±1/√cols)} has the same fan-in scaling.
   */
  record LowRank(Slot base, Slot a, Slot b, Slot out, double scale) implements CompositionStep {
    @Override
    public void forward(Composition.Workspace ws) {
      int rows = out.rows();
      int cols = out.cols();
      int r = a.rows();
      double[] vo = ws.value(out);
      System.arraycopy(ws.value(base), base.offset(), vo, out.offset(), out.size());
      blas().dgemm("N", "N", cols, rows, r, scale, ws.value(a), a.offset(), cols, ws.value(b), b.offset(), r,
          1.0, vo, out.offset(), cols);
    }

    @Override
    public void backward(Composition.Workspace ws) {
      int rows = out.rows();
      int cols = out.cols();
      int r = a.rows();
      double[] g = ws.grad(out);
      double[] gBase = ws.grad(base);
      for (int i = 0, n = out.size(); i < n; i++) {
        gBase[base.offset() + i] += g[out.offset() + i];
      }
      blas().dgemm("T", "N", r, rows, cols, scale, ws.value(a), a.offset(), cols, g, out.offset(), cols,
          1.0, ws.grad(b), b.offset(), r);
      blas().dgemm("N", "T", cols, r, rows, scale, g, out.offset(), cols, ws.value(b), b.offset(), r,
          1.0, ws.grad(a), a.offset(), cols);
    }

    @Override
    public void initInputs(Composition.Workspace ws, SplittableRandom rng) {
      System.arraycopy(ws.value(out), out.offset(), ws.value(base), base.offset(), out.size());
      double[] va = ws.value(a);
      double sd = 1.0 / Math.sqrt(a.cols());
      for (int i = a.offset(); i < a.offset() + a.size(); i++) {
        va[i] = sd * rng.nextGaussian();
      }
      java.util.Arrays.fill(ws.value(b), b.offset(), b.offset() + b.size(), 0.0);
    }
  }

  /**
   * DoRA's weight decomposition (Liu et al., ICML 2024), per unit {@code u} of the output (a row
   * or a column of it, per {@code axis}): {@code out_u = m_u·v_u/‖v_u‖} with {@code v_u} the same unit of
   * {@code dir}. With {@code g = ∂L/∂out_u}, {@code s = ‖v_u‖} and {@code d = ⟨g, v_u⟩}:
   * {@code ∂L/∂m_u = d/s} and {@code ∂L/∂v_u = (m_u/s)·(g − (d/s²)·v_u)} (the gradient of
   * {@code v/‖v‖} is {@code (I − v·vᵀ/s²)/s}, as in DoRA's gradient analysis). The forward pass keeps each {@code s} in the
   * workspace at {@code normOffset} for the backward pass.
   *
   * <p>The unit's factor is computed as {@code (m_u/s)·v_u}: after {@link #initInputs} sets
   * {@code m_u = ‖X_u‖} and {@code v_u = X_u} (DoRA's {@code m = ‖W₀‖_c, V = W₀}) through the same norm
   * routine, {@code m_u/s} is exactly 1 and the block is reproduced bit for bit. A unit with
   * {@code ‖X_u‖ = 0} gets {@code m_u = 0} and a random unit direction, since {@code 0/0} gives no
   * direction; {@code ∂L/∂m_u = ⟨g, v_u⟩} is then generically nonzero, so training can still move it.
   * If a direction becomes exactly zero during training the unit outputs 0 and passes no gradient.
   *
   * <p>Norms are {@code √(Σ v²)} without rescaling: parameter entries are far from the
   * {@code 1e±154} range where squaring over- or underflows.
   */
  record MagnitudeDirection(Slot mag, Slot dir, Slot out, Composition.Axis axis, int normOffset)
      implements CompositionStep {

    private int units() {
      return axis == Composition.Axis.ROWS ? out.rows() : out.cols();
    }

    private int length() {
      return axis == Composition.Axis.ROWS ? out.cols() : out.rows();
    }

    /** Index of unit {@code u}'s first element relative to the block's offset. */
    private int start(int u) {
      return axis == Composition.Axis.ROWS ? u * out.cols() : u;
    }

    /** Distance between consecutive elements of a unit. */
    private int stride() {
      return axis == Composition.Axis.ROWS ? 1 : out.cols();
    }

    private static double norm(double[] v, int from, int n, int stride) {
      double sq = 0;
      for (int k = 0, i = from; k < n; k++, i += stride) {
        sq += v[i] * v[i];
      }
      return Math.sqrt(sq);
    }

    @Override
    public void forward(Composition.Workspace ws) {
      double[] m = ws.value(mag);
      double[] v = ws.value(dir);
      double[] vo = ws.value(out);
      int n = length();
      int stride = stride();
      for (int u = 0; u < units(); u++) {
        int vi = dir.offset() + start(u);
        int oi = out.offset() + start(u);
        double s = norm(v, vi, n, stride);
        ws.norms[normOffset + u] = s;
        double f = s == 0 ? 0.0 : m[mag.offset() + u] / s;
        for (int k = 0; k < n; k++, vi += stride, oi += stride) {
          vo[oi] = f * v[vi];
        }
      }
    }

    @Override
    public void backward(Composition.Workspace ws) {
      double[] m = ws.value(mag);
      double[] v = ws.value(dir);
      double[] g = ws.grad(out);
      double[] gm = ws.grad(mag);
      double[] gv = ws.grad(dir);
      int n = length();
      int stride = stride();
      for (int u = 0; u < units(); u++) {
        double s = ws.norms[normOffset + u];
        if (s == 0) {
          continue;
        }
        int v0 = dir.offset() + start(u);
        int g0 = out.offset() + start(u);
        double d = 0;
        for (int k = 0, vi = v0, gi = g0; k < n; k++, vi += stride, gi += stride) {
          d += g[gi] * v[vi];
        }
        gm[mag.offset() + u] += d / s;
        double f = m[mag.offset() + u] / s;
        double c = f * d / (s * s);
        for (int k = 0, vi = v0, gi = g0; k < n; k++, vi += stride, gi += stride) {
          gv[vi] += f * g[gi] - c * v[vi];
        }
      }
    }

    @Override
    public void initInputs(Composition.Workspace ws, SplittableRandom rng) {
      double[] x = ws.value(out);
      double[] m = ws.value(mag);
      double[] v = ws.value(dir);
      int n = length();
      int stride = stride();
      for (int u = 0; u < units(); u++) {
        int xi = out.offset() + start(u);
        int vi = dir.offset() + start(u);
        double s = norm(x, xi, n, stride);
        m[mag.offset() + u] = s;
        if (s > 0) {
          for (int k = 0; k < n; k++, xi += stride, vi += stride) {
            v[vi] = x[xi];
          }
        } else {
          randomUnit(v, vi, n, stride, rng);
        }
      }
    }

    /**
     * A direction uniform on the unit sphere: a standard Gaussian vector is rotation invariant, so its
     * normalization is uniform (Muller 1959). Redrawn in the (probability-zero) event it is all zeros.
     */
    private static void randomUnit(double[] v, int from, int n, int stride, SplittableRandom rng) {
      double s;
      do {
        for (int k = 0, i = from; k < n; k++, i += stride) {
          v[i] = rng.nextGaussian();
        }
        s = norm(v, from, n, stride);
      } while (s == 0);
      for (int k = 0, i = from; k < n; k++, i += stride) {
        v[i] /= s;
      }
    }
  }
}
