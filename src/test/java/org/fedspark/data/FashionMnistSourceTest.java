package org.fedspark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.fedspark.testing.LocalSparkTest;
import org.fedspark.testing.RealDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistSourceTest extends LocalSparkTest {
  private static final int TRAIN = 60;
  private static final int TEST = 20;
  private static final int SIDE = 3;

  @TempDir
  Path tmp;

  private Specs spec(Path dir, DataSpec.Scheme scheme, int clients) {
    return Specs.of(DataSpec.Source.FASHION_MNIST, dir.toString()).partition(scheme, clients);
  }

  @Test
  void poolsTrainAndTestScalesPixelsAndPlacesEveryImageOnce() throws IOException {
    Path dir = tmp.resolve("fm");
    IdxFiles.writeDataset(dir, TRAIN, TEST, SIDE, SIDE);
    FederatedData fd = FederatedDataLoader.load(sc, spec(dir, DataSpec.Scheme.SHARDS, 5).build(), 2);
    List<ClientData> clients = Specs.clients(fd);
    assertEquals(9, fd.info().numFeatures());
    assertEquals(10, fd.info().numClasses());
    assertEquals(TRAIN + TEST, fd.info().totalTrain() + fd.info().totalTest());
    int[] seen = new int[TRAIN + TEST];
    for (ClientData cd : clients) {
      for (LocalDataset part : List.of(cd.train(), cd.test())) {
        for (int r = 0; r < part.size(); r++) {
          int image = (int) Math.round(part.features()[r * 9] * 255);
          seen[image]++;
          assertEquals(IdxFiles.label(image), part.label(r), "label of image " + image);
          for (int j = 0; j < 9; j++) {
            assertEquals(IdxFiles.pixel(image, j) / 255.0, part.features()[r * 9 + j]);
          }
        }
      }
    }
    assertTrue(Arrays.stream(seen).allMatch(v -> v == 1), "every pooled image exactly once");
    assertTrue(fd.info().name().contains("shards(2)"), fd.info().name());
    Specs.release(fd);
  }

  @Test
  void sameSpecGivesTheSameClientsForOneOrThreePartitions() throws IOException {
    Path dir = tmp.resolve("fm");
    IdxFiles.writeDataset(dir, TRAIN, TEST, SIDE, SIDE);
    Specs s = spec(dir, DataSpec.Scheme.DIRICHLET, 7);
    FederatedData one = FederatedDataLoader.load(sc, s.build(), 1);
    FederatedData three = FederatedDataLoader.load(sc, s.build(), 3);
    Specs.assertSameClients(Specs.clients(one), Specs.clients(three));
    Specs.release(one);
    Specs.release(three);
  }

  @Test
  void aPrefetchedReadGivesTheSameClientsAndIsUsedOnce() throws IOException {
    Path dir = tmp.resolve("fm");
    IdxFiles.writeDataset(dir, TRAIN, TEST, SIDE, SIDE);
    DataSpec spec = spec(dir, DataSpec.Scheme.DIRICHLET, 7).build();
    FederatedData plain = FederatedDataLoader.load(sc, spec, 2);
    FederatedDataLoader.prefetch(spec, sc.hadoopConfiguration());
    awaitPrefetch();
    // The files change after the prefetch: a load that used the prefetched read still sees the old ones.
    IdxFiles.writeDataset(dir, TRAIN / 2, TEST, SIDE, SIDE);
    FederatedData prefetched = FederatedDataLoader.load(sc, spec, 2);
    Specs.assertSameClients(Specs.clients(plain), Specs.clients(prefetched));
    FederatedData again = FederatedDataLoader.load(sc, spec, 2);
    assertEquals(TRAIN / 2 + TEST, again.info().totalTrain() + again.info().totalTest(), "the prefetch is used once");
    // A prefetch that failed is read again by load, which reports the error with its own settings.
    FederatedDataLoader.prefetch(Specs.of(DataSpec.Source.FASHION_MNIST, tmp.resolve("none").toString()).build(),
        sc.hadoopConfiguration());
    DataException e = assertThrows(DataException.class, () -> FederatedDataLoader.load(sc,
        Specs.of(DataSpec.Source.FASHION_MNIST, tmp.resolve("none").toString()).build(), 2));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    Specs.release(plain);
    Specs.release(prefetched);
    Specs.release(again);
  }

  /** Waits until the prefetch thread has finished reading. */
  private static void awaitPrefetch() {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("fedspark-prefetch") && t.isAlive())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the prefetch did not finish in 60 s");
      }
      Thread.onSpinWait();
    }
  }

  @Test
  void moreClientsThanImagesFailsOrDropsAndRenumbers() throws IOException {
    Path dir = tmp.resolve("fm");
    IdxFiles.writeDataset(dir, TRAIN, TEST, SIDE, SIDE);
    Specs s = spec(dir, DataSpec.Scheme.IID, 100);
    DataException e = assertThrows(DataException.class, () -> FederatedDataLoader.load(sc, s.build(), 2));
    assertTrue(e.getMessage().contains("20 of 100 clients have no training example"), e.getMessage());
    s.emptyClients = DataSpec.Policy.DROP;
    FederatedData fd = FederatedDataLoader.load(sc, s.build(), 3);
    List<ClientData> clients = Specs.clients(fd);
    assertEquals(80, clients.size());
    assertTrue(clients.stream().allMatch(cd -> cd.train().size() == 1 && cd.test().size() == 0));
    Specs.release(fd);
  }

  /** The table's rows group the clients in id order, keep the files' order inside a client, and skip dropped images. */
  @Test
  void groupingByClientIsAStableCountingSortWithoutTheDroppedImages() {
    int[] clientOf = {2, 0, -1, 2, 1, 0, -1, 2};
    int[] start = new int[4];
    int[] position = FashionMnistSource.groupByClient(clientOf, start);
    assertEquals(List.of(0, 2, 3, 6), Arrays.stream(start).boxed().toList());
    assertEquals(List.of(3, 0, -1, 4, 2, 1, -1, 5), Arrays.stream(position).boxed().toList());
  }

  @Test
  void missingDirectoryTellsHowToInstallTheData() {
    String missing = tmp.resolve("nowhere").toString();
    DataException e = assertThrows(DataException.class,
        () -> FederatedDataLoader.load(sc, spec(tmp.resolve("nowhere"), DataSpec.Scheme.IID, 3).build(), 2));
    assertTrue(e.getMessage().contains(missing), e.getMessage());
    assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
    assertTrue(e.getMessage().contains("data.path"), e.getMessage());
  }

  @Test
  void missingFileIsNamed() throws IOException {
    Path dir = tmp.resolve("fm");
    IdxFiles.writeDataset(dir, TRAIN, TEST, SIDE, SIDE);
    Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));
    DataException e = assertThrows(DataException.class,
        () -> FederatedDataLoader.load(sc, spec(dir, DataSpec.Scheme.IID, 3).build(), 2));
    assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte.gz"), e.getMessage());
  }

  @Test
  void badMagicNumberIsReportedWithTheFile() throws IOException {
    Path dir = tmp.resolve("fm");
    IdxFiles.writeDataset(dir, TRAIN, TEST, SIDE, SIDE);
    // Labels where images belong.
    IdxFiles.gz(dir.resolve("train-images-idx3-ubyte.gz"), IdxFiles.labels(0, TRAIN));
    DataException e = assertThrows(DataException.class,
        () -> FederatedDataLoader.load(sc, spec(dir, DataSpec.Scheme.IID, 3).build(), 2));
    assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz"), e.getMessage());
    assertTrue(e.getMessage().contains("magic number 0x00000801, expected 0x00000803"), e.getMessage());
  }

  @Test
  void truncatedBodyIsReportedWithTheFile() throws IOException {
    Path dir = tmp.resolve("fm");
    IdxFiles.writeDataset(dir, TRAIN, TEST, SIDE, SIDE);
    byte[] full = IdxFiles.images(TRAIN, TEST, SIDE, SIDE);
    IdxFiles.gz(dir.resolve("t10k-images-idx3-ubyte.gz"), Arrays.copyOf(full, full.length - 5));
    DataException e = assertThrows(DataException.class,
        () -> FederatedDataLoader.load(sc, spec(dir, DataSpec.Scheme.IID, 3).build(), 2));
    assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte.gz: truncated"), e.getMessage());
  }

  @Test
  void truncatedGzipStreamIsReportedWithTheFile() throws IOException {
    Path dir = tmp.resolve("fm");
    IdxFiles.writeDataset(dir, TRAIN, TEST, SIDE, SIDE);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(IdxFiles.images(0, TRAIN, SIDE, SIDE));
    }
    byte[] gz = bytes.toByteArray();
    Files.write(dir.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(gz, gz.length / 2));
    DataException e = assertThrows(DataException.class,
        () -> FederatedDataLoader.load(sc, spec(dir, DataSpec.Scheme.IID, 3).build(), 2));
    assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz: truncated"), e.getMessage());
  }

  @Test
  void notGzipIsReportedWithTheFile() throws IOException {
    Path dir = tmp.resolve("fm");
    IdxFiles.writeDataset(dir, TRAIN, TEST, SIDE, SIDE);
    Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), IdxFiles.labels(0, TRAIN));
    DataException e = assertThrows(DataException.class,
        () -> FederatedDataLoader.load(sc, spec(dir, DataSpec.Scheme.IID, 3).build(), 2));
    assertTrue(e.getMessage().contains("train-labels-idx1-ubyte.gz: not a valid gzip file"), e.getMessage());
  }

  @Test
  void imageAndLabelCountsMustAgree() throws IOException {
    Path dir = tmp.resolve("fm");
    IdxFiles.writeDataset(dir, TRAIN, TEST, SIDE, SIDE);
    IdxFiles.gz(dir.resolve("train-labels-idx1-ubyte.gz"), IdxFiles.labels(0, TRAIN - 1));
    DataException e = assertThrows(DataException.class,
        () -> FederatedDataLoader.load(sc, spec(dir, DataSpec.Scheme.IID, 3).build(), 2));
    assertTrue(e.getMessage().contains("train-images has 60 images but train-labels has 59 labels"), e.getMessage());
  }

  @Test
  void labelOutsideTheTenClassesIsReported() throws IOException {
    Path dir = tmp.resolve("fm");
    IdxFiles.writeDataset(dir, TRAIN, TEST, SIDE, SIDE);
    byte[] labels = IdxFiles.labels(TRAIN, TEST);
    labels[8 + 4] = 11;
    IdxFiles.gz(dir.resolve("t10k-labels-idx1-ubyte.gz"), labels);
    DataException e = assertThrows(DataException.class,
        () -> FederatedDataLoader.load(sc, spec(dir, DataSpec.Scheme.IID, 3).build(), 2));
    assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte: label 11 of image 4"), e.getMessage());
  }

  @Test
  void realFashionMnistWhenInstalled() {
    RealDatasets.assumeFashionMnist();
    Specs s = Specs.of(DataSpec.Source.FASHION_MNIST, "").partition(DataSpec.Scheme.DIRICHLET, 20);
    FederatedData fd = FederatedDataLoader.load(sc, s.build(), 2);
    assertEquals(784, fd.info().numFeatures());
    assertEquals(70_000, fd.info().totalTrain() + fd.info().totalTest());
    long[] perClass = fd.clients().map(cd -> {
      long[] k = new long[10];
      for (LocalDataset part : List.of(cd.train(), cd.test())) {
        for (int y : part.labels()) {
          k[y]++;
        }
        for (double v : part.features()) {
          if (!(v >= 0 && v <= 1)) {
            throw new AssertionError("pixel " + v + " outside [0, 1]");
          }
        }
      }
      return k;
    }).reduce((a, b) -> {
      long[] m = new long[10];
      for (int i = 0; i < 10; i++) {
        m[i] = a[i] + b[i];
      }
      return m;
    });
    for (long k : perClass) {
      assertEquals(7000, k, "Fashion-MNIST has 7,000 images per class over train and t10k");
    }
    Specs.release(fd);
  }

  /**
   * On a local master the building tasks take the driver's table by key, not by broadcast; a task's
   * (deserialized) handle finds it while the driver's handle lives, and says so when it is gone.
   */
  @Test
  void aLocalMasterHandsTheTableToTheTasksByKey() throws Exception {
    FashionMnistSource.Table table = new FashionMnistSource.Table(new byte[] {1, 2}, new byte[] {3}, new int[] {0, 1}, 2);
    FashionMnistSource.TableHandle driver = FashionMnistSource.TableHandle.of(sc, table);
    assertTrue(sc.isLocal() && !driver.broadcasted(), "a local master uses no broadcast");
    assertTrue(driver.value() == table);
    FashionMnistSource.TableHandle task = roundTrip(driver);
    assertTrue(task.value() == table, "a task's copy of the handle finds the driver's table");
    FashionMnistSource.LOCAL.values().stream().filter(r -> r.get() == table)
        .forEach(java.lang.ref.Reference::clear); // as when the clients' RDD is gone
    IllegalStateException e = assertThrows(IllegalStateException.class, task::value);
    assertTrue(e.getMessage().contains("no longer in this JVM"), e.getMessage());
    assertTrue(driver.value() == table, "the driver's handle keeps its own table");
  }

  private static <T> T roundTrip(T value) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      @SuppressWarnings("unchecked")
      T copy = (T) in.readObject();
      return copy;
    }
  }
}
