package org.fedspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.storage.StorageLevel;

/** Test helpers: a DataSpec builder and exact comparisons of loaded federations. */
final class Specs {
  DataSpec.Source source = DataSpec.Source.SYNTHETIC;
  String path = "";
  String labelColumn = "label";
  String featuresColumn = "";
  String clientColumn = "";
  int numFeatures;
  int numClasses;
  double testFraction = 0.2;
  DataSpec.Policy badRows = DataSpec.Policy.ERROR;
  DataSpec.Policy emptyClients = DataSpec.Policy.ERROR;
  boolean csvHeader = true;
  DataSpec.SyntheticSpec synthetic = new DataSpec.SyntheticSpec(0.5, 0.5, false, 30, 60, 10);
  DataSpec.PartitionSpec partition = new DataSpec.PartitionSpec(DataSpec.Scheme.IID, 4, 0.5, 2, 1.0);
  long seed = 42;
  DataSpec.OwnSplit ownSplit;
  String leafTest = "";

  static Specs of(DataSpec.Source source, String path) {
    Specs s = new Specs();
    s.source = source;
    s.path = path;
    return s;
  }

  Specs partition(DataSpec.Scheme scheme, int clients) {
    partition = new DataSpec.PartitionSpec(scheme, clients, partition.dirichletAlpha(), partition.shardsPerClient(),
        partition.quantitySigma());
    return this;
  }

  DataSpec build() {
    return new DataSpec(source, path, labelColumn, featuresColumn, clientColumn, numFeatures, numClasses, testFraction,
        badRows, emptyClients, csvHeader, synthetic, partition, seed, null, 0, ownSplit, leafTest);
  }

  /** Every client of a federation, in id order, after checking the loader's layout contract. */
  static List<ClientData> clients(FederatedData fd) {
    assertEquals(StorageLevel.MEMORY_AND_DISK(), fd.clients().getStorageLevel());
    assertTrue(fd.clients().rdd().partitioner().isDefined(), "the RDD should carry its partitioner");
    assertEquals(fd.partitioner(), fd.clients().rdd().partitioner().get());
    List<List<ClientData>> parts = fd.clients().glom().collect();
    assertEquals(fd.partitioner().numPartitions(), parts.size());
    int expected = 0;
    for (int p = 0; p < parts.size(); p++) {
      for (ClientData cd : parts.get(p)) {
        assertEquals(expected++, cd.clientId(), "clients must be 0..N-1, ascending within partitions");
        assertEquals(p, fd.partitioner().partitionOf(cd.clientId()));
      }
    }
    assertEquals(fd.info().numClients(), expected);
    List<ClientData> all = fd.clients().collect();
    for (ClientData cd : all) {
      assertEquals(fd.info().trainCounts()[cd.clientId()], cd.train().size());
      assertEquals(fd.info().testCounts()[cd.clientId()], cd.test().size());
      assertEquals(fd.info().numFeatures(), cd.numFeatures());
      for (int y : cd.train().labels()) {
        assertTrue(y >= 0 && y < fd.info().numClasses());
      }
    }
    return all;
  }

  /** Asserts two loads hold bitwise the same clients. */
  static void assertSameClients(List<ClientData> a, List<ClientData> b) {
    assertEquals(a.size(), b.size(), "number of clients");
    for (int c = 0; c < a.size(); c++) {
      assertDatasetEquals(a.get(c).train(), b.get(c).train(), "train of client " + c);
      assertDatasetEquals(a.get(c).test(), b.get(c).test(), "test of client " + c);
    }
  }

  static void assertDatasetEquals(LocalDataset a, LocalDataset b, String what) {
    assertArrayEquals(a.labels(), b.labels(), what + " labels");
    assertEquals(a.features().length, b.features().length, what + " size");
    for (int i = 0; i < a.features().length; i++) {
      if (Double.doubleToRawLongBits(a.features()[i]) != Double.doubleToRawLongBits(b.features()[i])) {
        throw new AssertionError(what + ": feature value " + i + " differs: " + a.features()[i] + " vs "
            + b.features()[i]);
      }
    }
  }

  static void release(FederatedData fd) {
    fd.clients().unpersist(true);
  }
}
