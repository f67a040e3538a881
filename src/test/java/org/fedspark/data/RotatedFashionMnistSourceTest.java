package org.fedspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.fedspark.testing.LocalSparkTest;
import org.fedspark.testing.RealDatasets;
import org.junit.jupiter.api.Test;

/** Rotated Fashion-MNIST is Fashion-MNIST with client c's images turned (c mod K) quarter turns. */
class RotatedFashionMnistSourceTest extends LocalSparkTest {
  @Test
  void clientsAreThePlainClientsRotatedByGroup() {
    RealDatasets.assumeFashionMnist();
    DataSpec plainSpec = Specs.of(DataSpec.Source.FASHION_MNIST, "").partition(DataSpec.Scheme.DIRICHLET, 8).build();
    DataSpec rotatedSpec = Specs.of(DataSpec.Source.ROTATED_FASHION_MNIST, "").partition(DataSpec.Scheme.DIRICHLET, 8)
        .build().withRotatedGroups(4);
    FederatedData plain = FederatedDataLoader.load(spark, plainSpec, 2);
    FederatedData rotated = FederatedDataLoader.load(spark, rotatedSpec, 3);
    List<ClientData> p = Specs.clients(plain);
    List<ClientData> r = Specs.clients(rotated);
    assertEquals(8, r.size());
    assertArrayEquals(plain.info().trainCounts(), rotated.info().trainCounts());
    for (int c = 0; c < 8; c++) {
      int turns = c % 4;
      Specs.assertDatasetEquals(rotateRows(p.get(c).train(), turns), r.get(c).train(), "train of client " + c);
      Specs.assertDatasetEquals(rotateRows(p.get(c).test(), turns), r.get(c).test(), "test of client " + c);
    }
    assertArrayEquals(new int[] {0, 1, 2, 3, 0, 1, 2, 3}, ClientGroups.of(rotatedSpec, 8));
    Specs.release(plain);
    Specs.release(rotated);
  }

  private static LocalDataset rotateRows(LocalDataset d, int turns) {
    double[] out = new double[d.features().length];
    for (int i = 0; i < d.size(); i++) {
      double[] img = Arrays.copyOfRange(d.features(), i * 784, (i + 1) * 784);
      System.arraycopy(ImageRotation.quarterTurns(img, 28, turns), 0, out, i * 784, 784);
    }
    return new LocalDataset(out, d.labels(), 784);
  }
}
