package org.fedspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fedspark.model.BlockRoles.Role;
import org.junit.jupiter.api.Test;

class BlockRolesTest {
  private final ParamLayout mlp = new Mlp(3, 4, 2, 0).layout(); // W1 4x3, b1 4, W2 2x4, b2 2

  @Test
  void oneLineSplits() {
    assertEquals("W1 shared, b1 shared, W2 personal, b2 personal", BlockRoles.parse("personal head", mlp).toString());
    assertEquals("W1 additive, b1 additive, W2 additive, b2 additive", BlockRoles.parse("all additive", mlp).toString());
    assertEquals("W1 frozen, b1 shared, W2 personal, b2 personal",
        BlockRoles.parse("frozen W1; personal W2 b2", mlp).toString());
    assertEquals("W1 personal, b1 personal, W2 shared, b2 shared", BlockRoles.parse("body personal", mlp).toString());
    assertEquals("W1 personal, b1 shared, W2 personal, b2 shared", BlockRoles.parse("personal W*", mlp).toString());
    // later rules win
    assertEquals("W1 shared, b1 shared, W2 shared, b2 personal", BlockRoles.parse("personal head; shared W2", mlp).toString());
    assertEquals(BlockRoles.allShared(mlp).toString(), BlockRoles.parse("  ", mlp).toString());
  }

  @Test
  void theHeadOfALinearModelIsTheWholeModel() {
    ParamLayout softmax = new SoftmaxRegression(3, 2, 0).layout();
    assertEquals(List.of("W", "b"), BlockRoles.head(softmax));
  }

  @Test
  void badRulesNameTheProblem() {
    IllegalArgumentException noRole = assertThrows(IllegalArgumentException.class, () -> BlockRoles.parse("W1 W2", mlp));
    assertTrue(noRole.getMessage().contains("needs one role") && noRole.getMessage().contains("[W1, b1, W2, b2]"),
        noRole.getMessage());
    IllegalArgumentException twoRoles = assertThrows(IllegalArgumentException.class,
        () -> BlockRoles.parse("personal frozen W1", mlp));
    assertTrue(twoRoles.getMessage().contains("two roles"), twoRoles.getMessage());
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> BlockRoles.parse("personal conv*", mlp));
    assertTrue(none.getMessage().contains("'conv*'") && none.getMessage().contains("matches no block"), none.getMessage());
  }

  @Test
  void blockSetsSliceAndScatterByRole() {
    BlockRoles r = BlockRoles.parse("personal head", mlp);
    BlockSet shared = r.blocks(mlp, Role.SHARED);
    BlockSet personal = r.blocks(mlp, Role.PERSONAL);
    assertEquals(1, shared.numRanges(), "W1 and b1 are adjacent: one range");
    assertEquals(4 * 3 + 4, shared.size());
    double[] full = new double[mlp.size()];
    for (int i = 0; i < full.length; i++) {
      full[i] = i;
    }
    double[] x = shared.gather(full);
    double[] z = personal.gather(full);
    assertEquals(15.0, x[15]);
    assertEquals(16.0, z[0]);
    double[] back = new double[full.length];
    shared.scatter(x, back);
    personal.scatter(z, back);
    assertArrayEquals(full, back, 0.0);
    BlockSet gappy = BlockSet.of(mlp, List.of("W1", "W2"));
    assertEquals(2, gappy.numRanges());
    assertEquals(List.of("b1", "b2"), gappy.complement().names());
    assertThrows(IllegalArgumentException.class, () -> shared.scatter(new double[3], back));
  }
}
