package org.fedspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.fedspark.testing.LocalSparkTest;
import org.fedspark.testing.RealDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rotated Fashion-MNIST is Fashion-MNIST with client c's images turned (c mod K) quarter turns. */
class RotatedFashionMnistSourceTest extends LocalSparkTest {
  @TempDir
  Path tmp;

  /** On small 3×3 IDX files: every client equals the plain source's client, rotated by its group. */
  @Test
  void clientsAreThePlainClientsRotatedByGroup() throws IOException {
    Path dir = tmp.resolve("fm");
    IdxFiles.writeDataset(dir, 60, 20, 3, 3);
    DataSpec plainSpec = Specs.of(DataSpec.Source.FASHION_MNIST, dir.toString()).partition(DataSpec.Scheme.IID, 8).build();
    DataSpec rotatedSpec = Specs.of(DataSpec.Source.ROTATED_FASHION_MNIST, dir.toString())
        .partition(DataSpec.Scheme.IID, 8).build().withRotatedGroups(4);
    FederatedData plain = FederatedDataLoader.load(sc, plainSpec, 2);
    FederatedData rotated = FederatedDataLoader.load(sc, rotatedSpec, 3);
    List<ClientData> p = Specs.clients(plain);
    List<ClientData> r = Specs.clients(rotated);
    assertEquals(8, r.size());
    for (int c = 0; c < 8; c++) {
      int turns = c % 4;
      Specs.assertDatasetEquals(rotateRows(p.get(c).train(), turns), r.get(c).train(), "train of client " + c);
      Specs.assertDatasetEquals(rotateRows(p.get(c).test(), turns), r.get(c).test(), "test of client " + c);
    }
    assertArrayEquals(new int[] {0, 1, 2, 3, 0, 1, 2, 3}, ClientGroups.of(rotatedSpec, 8));
    assertTrue(rotated.info().name().startsWith("rotated-fashion-mnist(4 groups)"), rotated.info().name());
    Specs.release(plain);
    Specs.release(rotated);
  }

  /**
   * The real data: 70,000 images, and each group's mean image, turned back by its angle, matches group
X
   * garment is upright, so a quarter turn decorrelates it).
   */
  @Test
  void realFashionMnistGroupsAreRotatedCopiesOfOneDistribution() {
    RealDatasets.assumeFashionMnist();
    DataSpec spec = Specs.of(DataSpec.Source.ROTATED_FASHION_MNIST, "").partition(DataSpec.Scheme.IID, 40).build()
        .withRotatedGroups(4);
    FederatedData fd = FederatedDataLoader.load(sc, spec, 2);
    assertEquals(784, fd.info().numFeatures());
    assertEquals(70_000, fd.info().totalTrain() + fd.info().totalTest());
    double[][] sums = fd.clients().map(cd -> {
      double[][] s = new double[4][785];
      int g = cd.clientId() % 4;
      double[] x = cd.train().features();
      for (int i = 0; i < cd.train().size(); i++) {
        for (int j = 0; j < 784; j++) {
          s[g][j] += x[i * 784 + j];
        }
      }
      s[g][784] = cd.train().size();
      return s;
    }).reduce((a, b) -> {
      for (int g = 0; g < 4; g++) {
        for (int j = 0; j < 785; j++) {
          a[g][j] += b[g][j];
        }
      }
      return a;
    });
    double[] ref = mean(sums[0]);
    for (int g = 1; g < 4; g++) {
      double[] m = mean(sums[g]);
      double back = correlation(ref, ImageRotation.quarterTurns(m, 28, 4 - g));
      double asIs = correlation(ref, m);
      System.out.printf("rotated-fashion-mnist group %d: correlation with group 0 turned back %.4f, as is %.4f%n", g, back, asIs);
      assertTrue(back >= 0.99, "group " + g + " turned back: " + back);
      assertTrue(asIs < back - 0.1, "group " + g + " as is: " + asIs);
    }
    Specs.release(fd);
  }

  private static double[] mean(double[] sum) {
    double[] m = new double[784];
    for (int j = 0; j < 784; j++) {
      m[j] = sum[j] / sum[784];
    }
    return m;
  }

  private static double correlation(double[] a, double[] b) {
    double ma = Arrays.stream(a).average().orElseThrow();
    double mb = Arrays.stream(b).average().orElseThrow();
    double ab = 0;
    double aa = 0;
    double bb = 0;
    for (int i = 0; i < a.length; i++) {
      ab += (a[i] - ma) * (b[i] - mb);
      aa += (a[i] - ma) * (a[i] - ma);
      bb += (b[i] - mb) * (b[i] - mb);
    }
    return ab / Math.sqrt(aa * bb);
  }

  private static LocalDataset rotateRows(LocalDataset d, int turns) {
    int w = d.numFeatures();
    int s = ImageRotation.side(w, "test");
    double[] out = new double[d.features().length];
    for (int i = 0; i < d.size(); i++) {
      double[] img = Arrays.copyOfRange(d.features(), i * w, (i + 1) * w);
      System.arraycopy(ImageRotation.quarterTurns(img, s, turns), 0, out, i * w, w);
    }
    return new LocalDataset(out, d.labels(), w);
  }
}
