package org.fedspark.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * A set of blocks of one {@link ParamLayout}, and the one place where a flat parameter vector is sliced
 * into the values of those blocks and scattered back. In the personalized model
 * {@code y(n) = M x + N z(n)} the selection matrices M and N are such sets: {@link #gather} is
 * {@code Mᵀ y} (the values of the selected blocks, in layout order) and {@link #scatter} is {@code M x}
 * written into a full vector.
 *
 * <p>Adjacent blocks are merged into one index range, so a set that covers the whole layout is a single
 * range {@code [0, size)}: loops over ranges then do exactly what a loop over the whole vector does
 * (the same BLAS calls on the same elements), which keeps results bit-identical to unsliced code.
 */
public final class BlockSet implements Serializable {
  private static final long serialVersionUID = 1L;

  private final ParamLayout layout;
  private final List<ParamBlock> blocks;
  private final int[] starts;
  private final int[] lengths;
  private final int size;

  private BlockSet(ParamLayout layout, List<ParamBlock> blocks) {
    this.layout = layout;
    this.blocks = Collections.unmodifiableList(blocks);
    List<int[]> ranges = new ArrayList<>();
    int total = 0;
    for (ParamBlock b : blocks) {
      int[] last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
      if (last != null && last[0] + last[1] == b.offset()) {
        last[1] += b.size();
      } else {
        ranges.add(new int[] {b.offset(), b.size()});
      }
      total += b.size();
    }
    this.starts = ranges.stream().mapToInt(r -> r[0]).toArray();
    this.lengths = ranges.stream().mapToInt(r -> r[1]).toArray();
    this.size = total;
  }

  /** Every block of the layout. */
  public static BlockSet all(ParamLayout layout) {
    return new BlockSet(layout, layout.blocks());
  }

  /** No block. */
  public static BlockSet none(ParamLayout layout) {
    return new BlockSet(layout, List.of());
  }

  /** The named blocks (any order; kept in layout order); an unknown name fails with the names that exist. */
  public static BlockSet of(ParamLayout layout, Collection<String> names) {
    for (String n : names) {
      layout.block(n);
    }
    List<ParamBlock> in = new ArrayList<>();
    for (ParamBlock b : layout.blocks()) {
      if (names.contains(b.name())) {
        in.add(b);
      }
    }
    return new BlockSet(layout, in);
  }

  public ParamLayout layout() {
    return layout;
  }

  /** The blocks, in layout order. */
  public List<ParamBlock> blocks() {
    return blocks;
  }

  /** Number of values in the selected blocks. */
  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** Whether the set is every block of its layout. */
  public boolean isAll() {
    return size == layout.size();
  }

  public boolean contains(String blockName) {
    for (ParamBlock b : blocks) {
      if (b.name().equals(blockName)) {
        return true;
      }
    }
    return false;
  }

  /** The blocks of the layout that are not in this set. */
  public BlockSet complement() {
    List<ParamBlock> out = new ArrayList<>();
    for (ParamBlock b : layout.blocks()) {
      if (!blocks.contains(b)) {
        out.add(b);
      }
    }
    return new BlockSet(layout, out);
  }

  /** Number of contiguous index ranges (adjacent blocks merged). */
  public int numRanges() {
    return starts.length;
  }

  /** Start of range {@code i} in the full vector. */
  public int rangeStart(int i) {
    return starts[i];
  }

  /** Length of range {@code i}. */
  public int rangeLength(int i) {
    return lengths[i];
  }

  /** The selected values of {@code full}, concatenated in layout order (a new array of {@link #size()}). */
  public double[] gather(double[] full) {
    checkFull(full);
    double[] out = new double[size];
    int at = 0;
    for (int i = 0; i < starts.length; i++) {
      System.arraycopy(full, starts[i], out, at, lengths[i]);
      at += lengths[i];
    }
    return out;
  }

  /** Writes {@code compact} (as produced by {@link #gather}) into the selected blocks of {@code full}. */
  public void scatter(double[] compact, double[] full) {
    checkFull(full);
    if (compact.length != size) {
      throw new IllegalArgumentException("expected " + size + " values for blocks " + names() + ", got " + compact.length);
    }
    int at = 0;
    for (int i = 0; i < starts.length; i++) {
      System.arraycopy(compact, at, full, starts[i], lengths[i]);
      at += lengths[i];
    }
  }

  /** Copies the selected blocks from {@code from} into {@code to} (both full vectors). */
  public void copy(double[] from, double[] to) {
    checkFull(from);
    checkFull(to);
    for (int i = 0; i < starts.length; i++) {
      System.arraycopy(from, starts[i], to, starts[i], lengths[i]);
    }
  }

  /** Names of the selected blocks. */
  public List<String> names() {
    return blocks.stream().map(ParamBlock::name).toList();
  }

  private void checkFull(double[] full) {
    if (full.length != layout.size()) {
      throw new IllegalArgumentException("vector has length " + full.length + ", layout has " + layout.size());
    }
  }

  @Override
  public String toString() {
    return names().toString();
  }
}
