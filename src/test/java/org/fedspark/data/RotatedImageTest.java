package org.fedspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Image rotation: exact quarter turns, and bilinear interpolation consistent with them. */
class RotatedImageTest {
  private static final double[] ABC = {1, 2, 3, 4, 5, 6, 7, 8, 9};

  private static double[] randomImage(int s, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] img = new double[s * s];
    for (int i = 0; i < img.length; i++) {
      img[i] = rng.nextDouble();
    }
    return img;
  }

  /** 1 2 3 / 4 5 6 / 7 8 9 turned a quarter counter-clockwise is 3 6 9 / 2 5 8 / 1 4 7. */
  @Test
  void knownThreeByThreeExample() {
    assertArrayEquals(new double[] {3, 6, 9, 2, 5, 8, 1, 4, 7}, ImageRotation.rotate(ABC, 3, 90), 0);
    assertArrayEquals(new double[] {9, 8, 7, 6, 5, 4, 3, 2, 1}, ImageRotation.rotate(ABC, 3, 180), 0);
    assertArrayEquals(new double[] {7, 4, 1, 8, 5, 2, 9, 6, 3}, ImageRotation.rotate(ABC, 3, 270), 0);
    assertArrayEquals(ABC, ImageRotation.rotate(ABC, 3, 360), 0);
    assertArrayEquals(ImageRotation.rotate(ABC, 3, 270), ImageRotation.rotate(ABC, 3, -90), 0);
  }

  @Test
  void fourQuarterTurnsAreTheIdentityAndEachIsAPermutation() {
    double[] img = randomImage(28, 1);
    double[] r = img;
    for (int q = 0; q < 4; q++) {
      r = ImageRotation.rotate(r, 28, 90);
      double[] a = r.clone();
      double[] b = img.clone();
      Arrays.sort(a);
      Arrays.sort(b);
      assertArrayEquals(b, a, 0, "same multiset of pixel values after " + (q + 1) + " turns");
    }
    assertArrayEquals(img, r, 0);
  }

  /** At 90° the bilinear path reads exactly the permuted pixels (cos 90° ≈ 6e-17 leaves ~1e-15 errors). */
  @Test
  void bilinearAgreesWithExactTurns() {
    double[] img = randomImage(28, 2);
    for (int q = 0; q < 4; q++) {
      assertArrayEquals(ImageRotation.quarterTurns(img, 28, q), ImageRotation.bilinear(img, 28, q * Math.PI / 2), 1e-12);
    }
  }

  /** A constant image rotated by 45°: pixels whose source stays inside keep the value; the corners go to 0. */
  @Test
  void bilinearAtFortyFiveDegrees() {
    double[] ones = new double[9 * 9];
    Arrays.fill(ones, 0.7);
    double[] r = ImageRotation.rotate(ones, 9, 45);
    assertEquals(0.7, r[4 * 9 + 4], 1e-15, "centre");
    assertEquals(0.7, r[4 * 9 + 1], 1e-12, "3 pixels left of the centre");
    assertEquals(0.0, r[0], 0, "corner: its source lies outside the image");
  }

  @Test
  void rotateAllTurnsEveryRowAndKeepsLabels() {
    double[] two = new double[18];
    System.arraycopy(ABC, 0, two, 0, 9);
    System.arraycopy(ABC, 0, two, 9, 9);
    LocalDataset d = ImageRotation.rotateAll(new LocalDataset(two, new int[] {4, 5}, 9), 90);
    assertArrayEquals(new int[] {4, 5}, d.labels());
    assertArrayEquals(new double[] {3, 6, 9, 2, 5, 8, 1, 4, 7}, Arrays.copyOfRange(d.features(), 9, 18), 0);
    assertThrows(DataException.class, () -> ImageRotation.rotateAll(new LocalDataset(new double[8], new int[1], 8), 90));
  }
}
