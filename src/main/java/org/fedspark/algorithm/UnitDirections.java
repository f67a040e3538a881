package org.fedspark.algorithm;

import java.util.ArrayList;
import java.util.List;
import org.fedspark.model.Adapters;
import org.fedspark.model.Composition;
import org.fedspark.model.ParamBlock;

/**
 * Re-normalizes the shared direction blocks ({@code *.dir} of a magnitude–direction split) to unit
 * vectors per unit, after the server averaged them: the mean of unit vectors is shorter than 1 (by
 * how much they disagree), so FedLoRA-Optimizer's server projects it back onto the unit sphere
 * (Zhao et al., arXiv 2510.11274, 2025). The composed factor {@code m·v/‖v‖} does not depend on ‖v‖, so
 * this leaves the model unchanged; what it keeps fixed is the scale of the next round's direction
 * gradient, {@code ∂L/∂v = (m/‖v‖)·(I − v̂v̂ᵀ)·g}, and the equal weight of every client's direction in
 * the next average. A unit whose averaged direction is exactly 0 (opposite directions cancelling) is
 * left at 0; the composition then outputs 0 for it.
 */
final class UnitDirections implements FedAvgServer.Projection {
  private static final long serialVersionUID = 1L;

  private final int[] offsets;
  private final int[] rows;
  private final int[] cols;
  private final boolean byRow;

  private UnitDirections(List<ParamBlock> blocks, Composition.Axis axis) {
    offsets = blocks.stream().mapToInt(ParamBlock::offset).toArray();
    rows = blocks.stream().mapToInt(ParamBlock::rows).toArray();
    cols = blocks.stream().mapToInt(ParamBlock::cols).toArray();
    byRow = axis == Composition.Axis.ROWS;
  }

  /** For the shared {@code .dir} blocks of {@code split}; null when it shares none. */
  static UnitDirections of(ParamSplit split) {
    List<ParamBlock> dirs = new ArrayList<>();
    for (ParamBlock b : split.shared().blocks()) {
      if (b.name().endsWith(Adapters.DIR)) {
        dirs.add(b);
      }
    }
    return dirs.isEmpty() ? null : new UnitDirections(dirs, split.adapters().axis());
  }

  @Override
  public void apply(double[] theta) {
    for (int k = 0; k < offsets.length; k++) {
      int units = byRow ? rows[k] : cols[k];
      int length = byRow ? cols[k] : rows[k];
      int stride = byRow ? 1 : cols[k];
      for (int u = 0; u < units; u++) {
        int start = offsets[k] + (byRow ? u * cols[k] : u);
        double sq = 0;
        for (int i = 0, at = start; i < length; i++, at += stride) {
          sq += theta[at] * theta[at];
        }
        double s = Math.sqrt(sq);
        if (s > 0) {
          for (int i = 0, at = start; i < length; i++, at += stride) {
            theta[at] /= s;
          }
        }
      }
    }
  }
}
