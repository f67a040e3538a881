package org.fedspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.fedspark.testing.LocalSparkTest;
import org.junit.jupiter.api.Test;

class ClusteredSourceTest extends LocalSparkTest {
  @Test
  void loadsTheGeneratorsClientsForAnyPartitionCountWithTheirGroups() {
    DataSpec.ClusteredSpec cs = new DataSpec.ClusteredSpec(10, 3, 4, 3, 30, 0.3, 1, 1, 0.1, false);
    DataSpec spec = Specs.of(DataSpec.Source.CLUSTERED, "").build().withClustered(cs);
    FederatedData one = FederatedDataLoader.load(sc, spec, 1);
    FederatedData three = FederatedDataLoader.load(sc, spec, 3);
    List<ClientData> a = Specs.clients(one);
    Specs.assertSameClients(a, Specs.clients(three));
    for (ClientData cd : a) {
      ClientData expected = TrainTestSplit.split(cd.clientId(), ClusteredGenerator.generate(cs, 42, cd.clientId()), 0.2, 42);
      Specs.assertDatasetEquals(expected.train(), cd.train(), "train of " + cd.clientId());
      Specs.assertDatasetEquals(expected.test(), cd.test(), "test of " + cd.clientId());
    }
    assertEquals(4, one.info().numFeatures());
    assertEquals(3, one.info().numClasses());
    assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0}, ClientGroups.of(spec, 10));
    assertNull(ClientGroups.of(Specs.of(DataSpec.Source.SYNTHETIC, "").build(), 10));
    Specs.release(one);
    Specs.release(three);
  }
}
