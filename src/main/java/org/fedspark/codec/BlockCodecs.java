package org.fedspark.codec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fedspark.model.BlockRoles;
import org.fedspark.model.BlockSet;
import org.fedspark.model.ParamBlock;

/**
 * Per-block codec rules ({@code codec.uplink-blocks}, {@code codec.downlink-blocks}), written like
 * {@code model.blocks}: rules separated by {@code ;} or {@code ,}, each one codec name and one or more
 * block patterns in either order, e.g. {@code kmeans W1; float32 b1 b2} or {@code float32 head}.
 * Patterns are those of {@link BlockRoles}: block names, globs ({@code b*}), {@code all}, {@code head},
 * {@code body}. Rules apply in order over the direction's codec, so a later rule wins; a block no rule
 * names keeps the direction's codec.
 *
 * <p>They apply to the message vectors that carry parameter blocks (the algorithm declares which,
 * {@code ServerStrategy.vectorBlocks()}): such a vector gets a {@link BlockwiseCodec} with one part
 * per block, unless every block ends up with the direction's codec, in which case nothing changes
 * (not even the bytes).
 */
public final class BlockCodecs {
  private BlockCodecs() {}

  /** One rule: a codec name and the block patterns it applies to. */
  public record Rule(String codec, List<String> patterns) implements java.io.Serializable {}

  /**
   * The rules of {@code spec}; {@code codecNames} are the codecs this direction accepts.
   *
   * @throws IllegalArgumentException naming the rule without a codec, with two codecs or without a
   *     pattern
   */
  public static List<Rule> parse(String spec, List<String> codecNames) {
    List<Rule> rules = new ArrayList<>();
    if (spec == null || spec.isBlank()) {
      return rules;
    }
    for (String rule : spec.split("[;,]")) {
      String r = rule.trim();
      if (r.isEmpty()) {
        continue;
      }
      String codec = null;
      List<String> patterns = new ArrayList<>();
      for (String word : r.split("\\s+")) {
        if (codecNames.contains(word)) {
          if (codec != null) {
            throw new IllegalArgumentException("rule '" + r + "' names two codecs; write one rule per codec, e.g. 'kmeans W1; float32 b1'");
          }
          codec = word;
        } else {
          patterns.add(word);
        }
      }
      if (codec == null || patterns.isEmpty()) {
        throw new IllegalArgumentException("rule '" + r + "' needs one codec (" + String.join(", ", codecNames)
            + ") and at least one block pattern (a block name, a glob, all, head or body)");
      }
      rules.add(new Rule(codec, List.copyOf(patterns)));
    }
    return rules;
  }

  /**
   * The codebook of one direction: {@code codec} for every vector, and for each vector of
   * {@code vectors} (name to the blocks it carries, in order) that the rules give another codec on
   * some block, a {@link BlockwiseCodec}. Patterns are matched against each vector's layout.
   *
   * @throws IllegalArgumentException naming a pattern that matches no block of any declared vector
   */
  public static Codebook resolve(List<Rule> rules, VectorCodec codec, Codecs.Params params, Map<String, BlockSet> vectors) {
    if (rules.isEmpty()) {
      return Codebook.of(codec);
    }
    if (vectors.isEmpty()) {
      throw new IllegalArgumentException("this algorithm's messages declare no parameter blocks, so there is nothing to cut");
    }
    Set<String> allBlocks = new LinkedHashSet<>();
    vectors.values().forEach(s -> s.blocks().forEach(b -> allBlocks.add(b.name())));
    for (Rule r : rules) {
      for (String p : r.patterns()) {
        boolean any = vectors.values().stream().anyMatch(s -> !BlockRoles.match(p, s.layout()).isEmpty());
        if (!any) {
          throw new IllegalArgumentException("pattern '" + p + "' in rule '" + r.codec() + " " + String.join(" ", r.patterns())
              + "' matches no block; the blocks sent are " + allBlocks);
        }
      }
    }
    Map<String, VectorCodec> byVector = new LinkedHashMap<>();
    for (Map.Entry<String, BlockSet> e : vectors.entrySet()) {
      BlockSet set = e.getValue();
      Map<String, String> chosen = new LinkedHashMap<>();
      for (Rule r : rules) {
        for (String p : r.patterns()) {
          for (String block : BlockRoles.match(p, set.layout())) {
            if (set.contains(block)) {
              chosen.put(block, r.codec());
            }
          }
        }
      }
      if (chosen.values().stream().allMatch(c -> c.equals(codec.name()))) {
        continue;
      }
      Map<String, VectorCodec> made = new LinkedHashMap<>();
      List<BlockwiseCodec.Part> parts = new ArrayList<>();
      for (ParamBlock b : set.blocks()) {
        String name = chosen.get(b.name());
        VectorCodec c = name == null ? codec : made.computeIfAbsent(name, n -> Codecs.create(n, params));
        parts.add(new BlockwiseCodec.Part(b.name(), b.size(), c));
      }
      byVector.put(e.getKey(), BlockwiseCodec.of(parts));
    }
    return new Codebook(codec, byVector);
  }
}
