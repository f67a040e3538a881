package org.fedspark.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The layout of a model's flat parameter vector: an ordered list of named, non-overlapping blocks that
 * cover {@code [0, size())} contiguously. Every algorithm works on the flat {@code double[]} (so BLAS
 * applies and messages are one array), and looks up blocks by name when it needs structure.
 */
public final class ParamLayout implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<ParamBlock> blocks;
  private final Map<String, ParamBlock> byName;
  private final int size;

  private ParamLayout(List<ParamBlock> blocks) {
    this.blocks = Collections.unmodifiableList(new ArrayList<>(blocks));
    Map<String, ParamBlock> m = new LinkedHashMap<>();
    int expected = 0;
    for (ParamBlock b : blocks) {
      if (b.offset() != expected) {
        throw new IllegalArgumentException("block '" + b.name() + "' starts at " + b.offset() + ", expected " + expected);
      }
      if (m.put(b.name(), b) != null) {
        throw new IllegalArgumentException("duplicate block name '" + b.name() + "'");
      }
      expected = b.end();
    }
    this.byName = Collections.unmodifiableMap(m);
    this.size = expected;
  }

  /** Starts a layout; add blocks in storage order. */
  public static Builder builder() {
    return new Builder();
  }

  public List<ParamBlock> blocks() {
    return blocks;
  }

  /** Total number of parameters. */
  public int size() {
    return size;
  }

  /** The block with this name, or an error listing the names that exist. */
  public ParamBlock block(String name) {
    ParamBlock b = byName.get(name);
    if (b == null) {
      throw new IllegalArgumentException("no parameter block '" + name + "'; blocks are " + byName.keySet());
    }
    return b;
  }

  public boolean hasBlock(String name) {
    return byName.containsKey(name);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ParamLayout[");
    for (int i = 0; i < blocks.size(); i++) {
      ParamBlock b = blocks.get(i);
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(b.name()).append(' ').append(b.rows()).append('x').append(b.cols());
    }
    return sb.append("; ").append(size).append(" params]").toString();
  }

  /** Accumulates blocks contiguously. */
  public static final class Builder {
    private final List<ParamBlock> blocks = new ArrayList<>();
    private int next;

    /** A weight matrix of shape rows × cols (row-major). */
    public Builder matrix(String name, int rows, int cols) {
      return add(name, rows, cols, false);
    }

    /** A bias vector of length n (shape n × 1). */
    public Builder bias(String name, int n) {
      return add(name, n, 1, true);
    }

    private Builder add(String name, int rows, int cols, boolean bias) {
      ParamBlock b = new ParamBlock(name, rows, cols, next, bias);
      blocks.add(b);
      next = b.end();
      return this;
    }

    public ParamLayout build() {
      return new ParamLayout(blocks);
    }
  }
}
