package org.fedspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClientPlanTest {
  @Test
  void emptyClientsAreAnErrorThatSaysWhatToDo() {
    int[] clientOf = {0, 0, 2, 2, -1, 4};
    DataException e = assertThrows(DataException.class,
        () -> ClientPlan.of(clientOf, 5, 0.1, DataSpec.Policy.ERROR, "dirichlet(0.01)"));
    assertTrue(e.getMessage().contains("2 of 5 clients have no training example"), e.getMessage());
    assertTrue(e.getMessage().contains("[1, 3]"), e.getMessage());
    assertTrue(e.getMessage().contains("fewer clients"), e.getMessage());
    assertTrue(e.getMessage().contains("data.empty-clients=drop"), e.getMessage());
  }

  @Test
  void dropRenumbersTheRemainingClientsContiguouslyInOrder() {
    int[] clientOf = {0, 0, 2, 2, -1, 4};
    ClientPlan plan = ClientPlan.of(clientOf, 5, 0.1, DataSpec.Policy.DROP, "x");
    assertEquals(3, plan.numClients());
    assertArrayEquals(new int[] {0, 0, 1, 1, -1, 2}, plan.clientOf());
    assertArrayEquals(new int[] {2, 2, 1}, plan.counts());
  }

  @Test
  void nothingToDoLeavesTheAssignmentAlone() {
    int[] clientOf = {1, 0, 1};
    ClientPlan plan = ClientPlan.of(clientOf, 2, 0.5, DataSpec.Policy.ERROR, "x");
    assertEquals(2, plan.numClients());
    assertArrayEquals(clientOf, plan.clientOf());
  }
}
