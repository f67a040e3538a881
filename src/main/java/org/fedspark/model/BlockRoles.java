package org.fedspark.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which part each named block of a model plays in a personalized algorithm, declared once in the
 * config ({@code model.blocks}) instead of sliced by hand in every algorithm (FL-bench's
 * {@code personal_params_name}; in {@code y(n) = M x + N z(n)}, the roles define M and N):
 *
 * <ul>
 *   <li>{@link Role#SHARED}: the server aggregates it; every client uses the server's value;
 *   <li>{@link Role#PERSONAL}: it stays on the client, is trained there and never uploaded
 *       (FedPer's and FedRep's head, Arivazhagan et al. 2019, Collins et al. ICML 2021);
 *   <li>{@link Role#ADDITIVE}: the client's effective weight is {@code x_b + z_b(n)}, a shared part
 *       plus a personal part of the same shape (the graph-fused method's split);
 *   <li>{@link Role#FROZEN}: never trained nor sent; it keeps the run's initial value.
 * </ul>
 *
 * <p>A spec is a list of rules separated by {@code ;} or {@code ,}; each rule is one role name and one
 * or more block patterns, in either order: {@code personal head}, {@code all additive},
 * {@code frozen W1; personal W2 b2}. Patterns are block names, globs ({@code W*}), {@code all},
 * {@code head} (the last weight matrix and the biases after it: a classifier's output layer) and
 * {@code body} (every other block). Rules apply in order over a default of all-shared, so a later rule
 * wins. An empty spec keeps the default.
 */
public final class BlockRoles implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The part a block plays; see the class comment. */
  public enum Role {
    SHARED, PERSONAL, ADDITIVE, FROZEN;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Map<String, Role> roles;

  private BlockRoles(Map<String, Role> roles) {
    this.roles = Collections.unmodifiableMap(roles);
  }

  /** Every block shared: plain federated averaging. */
  public static BlockRoles allShared(ParamLayout layout) {
    Map<String, Role> m = new LinkedHashMap<>();
    layout.blocks().forEach(b -> m.put(b.name(), Role.SHARED));
    return new BlockRoles(m);
  }

  /**
   * Resolves {@code spec} over {@code layout}.
   *
   * @throws IllegalArgumentException naming the rule that has no role, several roles, or a pattern
   *     that matches no block
   */
  public static BlockRoles parse(String spec, ParamLayout layout) {
    Map<String, Role> m = new LinkedHashMap<>(allShared(layout).roles);
    if (spec == null || spec.isBlank()) {
      return new BlockRoles(m);
    }
    for (String rule : spec.split("[;,]")) {
      String r = rule.trim();
      if (r.isEmpty()) {
        continue;
      }
      Role role = null;
      List<String> patterns = new ArrayList<>();
      for (String word : r.split("\\s+")) {
        Role asRole = roleOf(word);
        if (asRole != null) {
          if (role != null) {
            throw new IllegalArgumentException("rule '" + r + "' names two roles; write one rule per role, e.g. 'personal head; frozen W1'");
          }
          role = asRole;
        } else {
          patterns.add(word);
        }
      }
      if (role == null || patterns.isEmpty()) {
        throw new IllegalArgumentException("rule '" + r + "' needs one role (shared, personal, additive, frozen) and at least one block pattern "
            + "(a block name, a glob, all, head or body); the model's blocks are " + names(layout));
      }
      for (String p : patterns) {
        List<String> matched = match(p, layout);
        if (matched.isEmpty()) {
          throw new IllegalArgumentException("pattern '" + p + "' in rule '" + r + "' matches no block; the model's blocks are "
              + names(layout));
        }
        for (String name : matched) {
          m.put(name, role);
        }
      }
    }
    return new BlockRoles(m);
  }

  private static Role roleOf(String word) {
    for (Role r : Role.values()) {
      if (r.label().equals(word.toLowerCase(Locale.ROOT))) {
        return r;
      }
    }
    return null;
  }

  /** The blocks {@code pattern} selects, in layout order (also what {@code codec.*-blocks} rules match). */
  public static List<String> match(String pattern, ParamLayout layout) {
    List<String> head = head(layout);
    List<String> out = new ArrayList<>();
    Pattern glob = Pattern.compile(globToRegex(pattern));
    for (ParamBlock b : layout.blocks()) {
      boolean in = switch (pattern) {
        case "all" -> true;
        case "head" -> head.contains(b.name());
        case "body" -> !head.contains(b.name());
        default -> glob.matcher(b.name()).matches();
      };
      if (in) {
        out.add(b.name());
      }
    }
    return out;
  }

  /** The output layer: the last weight matrix and the biases stored after it. */
  static List<String> head(ParamLayout layout) {
    List<ParamBlock> blocks = layout.blocks();
    int lastWeight = -1;
    for (int i = 0; i < blocks.size(); i++) {
      if (!blocks.get(i).isBias()) {
        lastWeight = i;
      }
    }
    List<String> out = new ArrayList<>();
    for (int i = Math.max(0, lastWeight); i < blocks.size(); i++) {
      out.add(blocks.get(i).name());
    }
    return out;
  }

  private static String globToRegex(String glob) {
    StringBuilder sb = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> sb.append(".*");
        case '?' -> sb.append('.');
        default -> sb.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return sb.toString();
  }

  private static List<String> names(ParamLayout layout) {
    return layout.blocks().stream().map(ParamBlock::name).toList();
  }

  /** Role of each block, in layout order. */
  public Map<String, Role> asMap() {
    return roles;
  }

  public Role role(String block) {
    Role r = roles.get(block);
    if (r == null) {
      throw new IllegalArgumentException("no block '" + block + "'; blocks are " + roles.keySet());
    }
    return r;
  }

  /** The blocks with this role. */
  public BlockSet blocks(ParamLayout layout, Role role) {
    List<String> names = new ArrayList<>();
    roles.forEach((n, r) -> {
      if (r == role) {
        names.add(n);
      }
    });
    return BlockSet.of(layout, names);
  }

  public boolean has(Role role) {
    return roles.containsValue(role);
  }

  /** E.g. {@code "W1 shared, b1 shared, W2 personal, b2 personal"}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    roles.forEach((n, r) -> sb.append(sb.length() == 0 ? "" : ", ").append(n).append(' ').append(r.label()));
    return sb.toString();
  }
}
