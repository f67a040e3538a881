package org.fedspark.data;

/**
 * Rotation of square grayscale images stored row-major (row 0 at the top), counter-clockwise as the
 * image is displayed, about the image centre {@code ((s−1)/2, (s−1)/2)}.
 *
 * <p>Multiples of 90° are exact pixel permutations (no value changes, four quarter turns give the
 * identity). Other angles use bilinear interpolation: output pixel (r, c) takes the value of the input
 * at the inverse-rotated point, interpolated between its four neighbouring pixels; points that fall
 * outside the image read as 0 (background). With display coordinates {@code u = c − m},
 * {@code v = m − r} ({@code m = (s−1)/2}), a counter-clockwise rotation by θ maps a point to
 * {@code R(θ)(u, v)}, so the output at (u, v) reads the input at
 * {@code (u cos θ + v sin θ, −u sin θ + v cos θ)}. At θ = 90° that is input pixel {@code (c, s−1−r)},
 * the same permutation as {@link #quarterTurns}.
 */
public final class ImageRotation {
  private ImageRotation() {}

  /** Side of a square image of {@code pixels} pixels, or an error naming {@code what}. */
  public static int side(int pixels, String what) {
    int s = (int) Math.round(Math.sqrt(pixels));
    if (s * s != pixels) {
      throw new DataException(what + ": images of " + pixels + " pixels are not square, so they cannot be rotated");
    }
    return s;
  }

  /** {@code img} (s×s, row-major) rotated counter-clockwise by {@code degrees}. */
  public static double[] rotate(double[] img, int s, double degrees) {
    double turns = degrees / 90.0;
    if (turns == Math.rint(turns)) {
      return quarterTurns(img, s, (int) Math.floorMod((long) turns, 4));
    }
    return bilinear(img, s, Math.toRadians(degrees));
  }

  /** {@code q} counter-clockwise quarter turns: an exact permutation of the pixels. */
  public static double[] quarterTurns(double[] img, int s, int q) {
    checkSize(img, s);
    double[] out = new double[img.length];
    int last = s - 1;
    for (int r = 0; r < s; r++) {
      for (int c = 0; c < s; c++) {
        int src = switch (Math.floorMod(q, 4)) {
          case 0 -> r * s + c;
          case 1 -> c * s + (last - r);
          case 2 -> (last - r) * s + (last - c);
          default -> (last - c) * s + r;
        };
        out[r * s + c] = img[src];
      }
    }
    return out;
  }

  /** Rotation by {@code theta} radians with bilinear interpolation and zero fill. */
  public static double[] bilinear(double[] img, int s, double theta) {
    checkSize(img, s);
    double cos = Math.cos(theta);
    double sin = Math.sin(theta);
    double m = (s - 1) / 2.0;
    double[] out = new double[img.length];
    for (int r = 0; r < s; r++) {
      for (int c = 0; c < s; c++) {
        double u = c - m;
        double v = m - r;
        double su = u * cos + v * sin;
        double sv = -u * sin + v * cos;
        out[r * s + c] = sample(img, s, m - sv, m + su);
      }
    }
    return out;
  }

  /** Bilinear read of the image at fractional (row, col); pixels outside the image are 0. */
  private static double sample(double[] img, int s, double row, double col) {
    int r0 = (int) Math.floor(row);
    int c0 = (int) Math.floor(col);
    double fr = row - r0;
    double fc = col - c0;
    return (1 - fr) * ((1 - fc) * pixel(img, s, r0, c0) + fc * pixel(img, s, r0, c0 + 1))
        + fr * ((1 - fc) * pixel(img, s, r0 + 1, c0) + fc * pixel(img, s, r0 + 1, c0 + 1));
  }

  private static double pixel(double[] img, int s, int r, int c) {
    return r < 0 || c < 0 || r >= s || c >= s ? 0 : img[r * s + c];
  }

  private static void checkSize(double[] img, int s) {
    if (img.length != s * s) {
      throw new IllegalArgumentException("image has " + img.length + " pixels, expected " + s + "x" + s);
    }
  }

  /** Every row of {@code data} (an s×s image each) rotated by {@code degrees}. */
  public static LocalDataset rotateAll(LocalDataset data, double degrees) {
    int w = data.numFeatures();
    int s = side(w, "rotation");
    double[] x = data.features();
    double[] out = new double[x.length];
    double[] img = new double[w];
    for (int i = 0; i < data.size(); i++) {
      System.arraycopy(x, i * w, img, 0, w);
      System.arraycopy(rotate(img, s, degrees), 0, out, i * w, w);
    }
    return new LocalDataset(out, data.labels(), w);
  }
}
