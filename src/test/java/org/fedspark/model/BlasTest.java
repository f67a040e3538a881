package org.fedspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BlasTest {

  @Test
  void describeNamesTheImplementations() {
    Matcher m = Pattern.compile("BLAS=(\\w+), LAPACK=(\\w+)").matcher(Blas.describe());
    assertTrue(m.matches(), Blas.describe());
    assertEquals(Blas.blas().getClass().getSimpleName(), m.group(1));
    assertEquals(Blas.isNative(), m.group(1).startsWith("JNI"), Blas.describe());
    assertEquals(Blas.isNativeLapack(), m.group(2).startsWith("JNI"), Blas.describe());
  }

  @Test
  void propertyForcesThePureJavaImplementations() {
    org.junit.jupiter.api.Assumptions.assumeTrue("java".equals(System.getProperty(Blas.PROPERTY)),
        "runs in the java-blas test execution");
    assertTrue(!Blas.isNative() && !Blas.isNativeLapack(), Blas.describe());
  }

  /**
   * The row-major identity the models rely on: {@code C = A·Bᵀ} for row-major A (2×3) and B (2×3) is
   * {@code dgemm("T", "N")} on the same arrays.
   */
  @Test
  void rowMajorProductThroughColumnMajorDgemm() {
    double[] a = {1, 2, 3, 4, 5, 6};
    double[] b = {1, 0, -1, 2, 1, 0};
    double[] c = new double[4];
    // Row-major C (2×2) = A·Bᵀ  ⇔  column-major Cᵀ = B·Aᵀ = dgemm("T","N", m=2, n=2, k=3, B, lda=3, A, ldb=3).
    Blas.blas().dgemm("T", "N", 2, 2, 3, 1.0, b, 3, a, 3, 0.0, c, 2);
    assertArrayEquals(new double[] {1 - 3, 2 + 2, 4 - 6, 8 + 5}, c);
  }
}
