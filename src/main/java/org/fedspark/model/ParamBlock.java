package org.fedspark.model;

import java.io.Serializable;
import java.util.Objects;

/**
 * One named block of a flat parameter vector: a {@code rows × cols} matrix stored row-major at
 * {@code [offset, offset + rows·cols)}. A bias vector is a {@code rows × 1} block.
 *
 * <p>Blocks carry their matrix shape because later stages work per block: the graph-fused personalized
 * method, {@code y(n) = M x + N z(n)}, selects blocks for its shared part {@code x} and for the personal
 * parts {@code z(n)} that a similarity network between clients fuses (Network Lasso, Hallac et al., KDD
 * 2015), and FedSLR's nuclear-norm proximal (singular value thresholding) is applied to every 2-D weight
 * block.
 */
public record ParamBlock(String name, int rows, int cols, int offset, boolean isBias) implements Serializable {

  public ParamBlock {
    Objects.requireNonNull(name, "name");
    if (rows <= 0 || cols <= 0) {
      throw new IllegalArgumentException("block '" + name + "' needs positive shape, got " + rows + "x" + cols);
    }
    if (offset < 0) {
      throw new IllegalArgumentException("block '" + name + "' has negative offset " + offset);
    }
  }

  /** Number of scalars in the block. */
  public int size() {
    return rows * cols;
  }

  /** One past the last index of the block in the flat vector. */
  public int end() {
    return offset + size();
  }

  /** Flat index of element (r, c). */
  public int index(int r, int c) {
    return offset + r * cols + c;
  }
}
