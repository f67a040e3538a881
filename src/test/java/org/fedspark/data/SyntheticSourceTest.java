package org.fedspark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import org.fedspark.testing.LocalSparkTest;
import org.junit.jupiter.api.Test;

class SyntheticSourceTest extends LocalSparkTest {
  @Test
  void sameSeedGivesBitwiseTheSameClientsForAnyPartitionCount() {
    Specs s = Specs.of(DataSpec.Source.SYNTHETIC, "");
    s.synthetic = new DataSpec.SyntheticSpec(1, 1, false, 12, 60, 10);
    FederatedData one = FederatedDataLoader.load(sc, s.build(), 1);
    FederatedData three = FederatedDataLoader.load(sc, s.build(), 3);
    List<ClientData> a = Specs.clients(one);
    List<ClientData> b = Specs.clients(three);
    assertEquals(1, one.partitioner().numPartitions());
    assertEquals(3, three.partitioner().numPartitions());
    Specs.assertSameClients(a, b);
    for (ClientData cd : a) {
      int n = SyntheticGenerator.sampleCount(s.synthetic, s.seed, cd.clientId());
      assertEquals(n, cd.train().size() + cd.test().size(), "client " + cd.clientId());
      assertEquals(TrainTestSplit.testCount(n, 0.2), cd.test().size());
    }
    assertEquals(12, one.info().numClients());
    assertEquals(60, one.info().numFeatures());
    assertEquals(10, one.info().numClasses());
    Specs.release(one);
    Specs.release(three);
  }

  @Test
  void clientsHoldExactlyTheGeneratorsDataSplitBySeed() {
    Specs s = Specs.of(DataSpec.Source.SYNTHETIC, "");
    s.synthetic = new DataSpec.SyntheticSpec(0, 0, true, 5, 60, 10);
    FederatedData fd = FederatedDataLoader.load(sc, s.build(), 2);
    for (ClientData cd : Specs.clients(fd)) {
      ClientData expected = TrainTestSplit.split(cd.clientId(),
          SyntheticGenerator.generate(s.synthetic, s.seed, cd.clientId()), s.testFraction, s.seed);
      Specs.assertDatasetEquals(expected.train(), cd.train(), "train");
      Specs.assertDatasetEquals(expected.test(), cd.test(), "test");
    }
    assertTrue(fd.info().name().startsWith("synthetic-iid"));
    Specs.release(fd);
  }

  @Test
  void clientsSurviveSerializationWhenSpilledToDisk() {
    Specs s = Specs.of(DataSpec.Source.SYNTHETIC, "");
    s.synthetic = new DataSpec.SyntheticSpec(0.5, 0.5, false, 4, 60, 10);
    FederatedData fd = FederatedDataLoader.load(sc, s.build(), 2);
    // DISK_ONLY serializes every ClientData record with the session's serializer.
    JavaRDD<ClientData> onDisk = fd.clients().map(cd -> cd).persist(StorageLevel.DISK_ONLY());
    Specs.assertSameClients(Specs.clients(fd), onDisk.collect());
    onDisk.unpersist(true);
    Specs.release(fd);
  }

  @Test
  void mismatchedFeatureCountIsReported() {
    Specs s = Specs.of(DataSpec.Source.SYNTHETIC, "");
    s.numFeatures = 784;
    DataException e = assertThrows(DataException.class, () -> FederatedDataLoader.load(sc, s.build(), 2));
    assertTrue(e.getMessage().contains("data.num-features is 784"), e.getMessage());
  }
}
