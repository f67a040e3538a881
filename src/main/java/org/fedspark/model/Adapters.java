package org.fedspark.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * LoRA adapters on chosen weight matrices of a model (Hu et al., "LoRA: Low-Rank Adaptation of Large
 * Language Models", ICLR 2022): each chosen block {@code W} (rows × cols) is used as
 * {@code W = W₀ + (α/r)·B·A} and stored as the blocks {@code W.base} (W₀), {@code W.lora_A} (r × cols)
 * and {@code W.lora_B} (rows × r), initialized as LoRA does (A random, B = 0), so a run starts exactly at
 * the base model. Optionally a factor is itself split into magnitude and direction, {@code X = m·V/‖V‖}
 * per unit (DoRA, Liu et al., ICML 2024), stored as {@code X.mag} and {@code X.dir}; a factor that is 0
 * (B at the start) gets magnitude 0 and a random unit direction. These are ordinary named blocks, so
 * block roles ({@link BlockRoles}) say which of them are frozen, shared or personal.
 * {@link #apply} adds the calls to a {@link Composition} builder; the algebra and its gradients are
 * {@link Composition}'s.
 *
 * @param blocks the adapted weight matrices, in layout order (empty: no adapters)
 * @param rank LoRA rank r
 * @param alpha LoRA scale α (the update is {@code (α/r)·B·A})
 * @param decomposeA split A into magnitude and direction
 * @param decomposeB split B into magnitude and direction
 * @param axis the units of the split: rows (one per output unit of {@code x → A·x}, and of the layer for
 *     B, as in DoRA) or columns
 */
public record Adapters(List<String> blocks, int rank, double alpha, boolean decomposeA, boolean decomposeB,
    Composition.Axis axis) implements Serializable {

  /** No adapter. */
  public static final Adapters NONE = new Adapters(List.of(), 1, 1.0, false, false, Composition.Axis.ROWS);

  /** Suffixes of the stored parts of an adapted block {@code W}. */
  public static final String BASE = ".base";
  public static final String A = ".lora_A";
  public static final String B = ".lora_B";
  public static final String MAG = ".mag";
  public static final String DIR = ".dir";

  public Adapters {
    blocks = List.copyOf(blocks);
    Objects.requireNonNull(axis, "axis");
    if (rank < 1) {
      throw new IllegalArgumentException("LoRA rank must be at least 1, got " + rank);
    }
    if (!Double.isFinite(alpha) || alpha == 0) {
      throw new IllegalArgumentException("LoRA alpha must be finite and nonzero, got " + alpha);
    }
  }

  /**
   * Adapters on the weight matrices of {@code layout} that {@code patterns} names (space-separated
   * block names or globs, or {@code all} for every weight matrix).
   *
   * @throws IllegalArgumentException for a pattern that matches no block, or that matches a bias, or a
   *     rank larger than a chosen matrix's smaller side
   */
  public static Adapters on(ParamLayout layout, String patterns, int rank, double alpha, boolean decomposeA,
      boolean decomposeB, Composition.Axis axis) {
    List<String> chosen = new ArrayList<>();
    String spec = patterns == null ? "" : patterns.trim();
    if (spec.isEmpty()) {
      return new Adapters(List.of(), rank, alpha, decomposeA, decomposeB, axis);
    }
    for (String p : spec.split("[\\s,]+")) {
      boolean any = false;
      Pattern glob = Pattern.compile(globToRegex(p));
      for (ParamBlock b : layout.blocks()) {
        boolean in = p.equals("all") ? !b.isBias() : glob.matcher(b.name()).matches();
        if (!in) {
          continue;
        }
        if (b.isBias()) {
          throw new IllegalArgumentException("'" + p + "' matches the bias '" + b.name() + "'; LoRA adapts weight "
              + "matrices only: " + weightNames(layout));
        }
        any = true;
        if (!chosen.contains(b.name())) {
          chosen.add(b.name());
        }
      }
      if (!any) {
        throw new IllegalArgumentException("'" + p + "' matches no weight matrix; the model's are " + weightNames(layout));
      }
    }
    List<String> ordered = new ArrayList<>();
    for (ParamBlock b : layout.blocks()) {
      if (chosen.contains(b.name())) {
        if (rank > Math.min(b.rows(), b.cols())) {
          throw new IllegalArgumentException("rank " + rank + " is larger than " + b.name() + " (" + b.rows() + " × "
              + b.cols() + ") allows; a rank of at most " + Math.min(b.rows(), b.cols()) + " keeps B·A low-rank");
        }
        ordered.add(b.name());
      }
    }
    return new Adapters(ordered, rank, alpha, decomposeA, decomposeB, axis);
  }

  public boolean isEmpty() {
    return blocks.isEmpty();
  }

  /** Adds the adapters of {@code blocks} to {@code c}: LoRA on each, then the magnitude–direction splits. */
  public Composition.Builder apply(Composition.Builder c) {
    for (String w : blocks) {
      c.lora(w, rank, alpha);
      if (decomposeA) {
        c.magnitudeDirection(w + A, axis);
      }
      if (decomposeB) {
        c.magnitudeDirection(w + B, axis);
      }
    }
    return c;
  }

  /** The scale {@code α/r} of {@code B·A}. */
  public double scale() {
    return alpha / rank;
  }

  private static String globToRegex(String glob) {
    StringBuilder sb = new StringBuilder();
    for (char ch : glob.toCharArray()) {
      switch (ch) {
        case '*' -> sb.append(".*");
        case '?' -> sb.append('.');
        default -> sb.append(Pattern.quote(String.valueOf(ch)));
      }
    }
    return sb.toString();
  }

  private static List<String> weightNames(ParamLayout layout) {
    return layout.blocks().stream().filter(b -> !b.isBias()).map(ParamBlock::name).toList();
  }
}
