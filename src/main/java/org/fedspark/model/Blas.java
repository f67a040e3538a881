package org.fedspark.model;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import dev.ludovic.netlib.lapack.LAPACK;
import dev.ludovic.netlib.lapack.JavaLAPACK;
import dev.ludovic.netlib.lapack.NativeLAPACK;

/**
 * The BLAS and LAPACK that Spark ships (dev.ludovic.netlib 3.0.3), resolved once per JVM.
 *
 * <p>netlib picks, in order, a native library through JNI ({@code JNIBLAS}, which loads the system
 * {@code libblas.so.3}, e.g. Debian's libopenblas0-pthread), the Java Vector API
 * ({@code VectorBLAS}, needs {@code --add-modules=jdk.incubator.vector}) or plain Java
 * ({@code Java11BLAS}). Results differ between them only in rounding, but speed differs a lot, so every
 * run reports {@link #describe()} next to its timings.
 *
 * <p>All netlib routines are column-major (Fortran). fedspark stores matrices row-major, and a
 * row-major {@code r × c} matrix is the same memory as a column-major {@code c × r} matrix (its
 * transpose) with leading dimension {@code c}; the models derive every {@code dgemm}/{@code dgemv}
 * call from that identity.
 *
 * <p>The instances are stateless and safe to share between threads.
 */
public final class Blas {
  private Blas() {}

  /**
   * System property that forces the pure-Java implementations ({@code -Dfedspark.blas=java}), to run
   * without a native library present or to compare against it; {@code auto} (the default) lets netlib
   * pick native first. On a cluster set it through {@code spark.executor.extraJavaOptions} too.
   */
  public static final String PROPERTY = "fedspark.blas";

  private static boolean forceJava() {
    String v = System.getProperty(PROPERTY, "auto");
    if (!v.equals("auto") && !v.equals("java")) {
      throw new IllegalArgumentException("-D" + PROPERTY + "=" + v + ": expected auto or java");
    }
    return v.equals("java");
  }

  /** Lazy so that code needing only BLAS never triggers LAPACK's native-library probe. */
  private static final class BlasHolder {
    static final BLAS INSTANCE = forceJava() ? JavaBLAS.getInstance() : BLAS.getInstance();
  }

  private static final class LapackHolder {
    static final LAPACK INSTANCE = forceJava() ? JavaLAPACK.getInstance() : LAPACK.getInstance();
  }

  /** The process-wide BLAS. */
  public static BLAS blas() {
    return BlasHolder.INSTANCE;
  }

  /** The process-wide LAPACK. */
  public static LAPACK lapack() {
    return LapackHolder.INSTANCE;
  }

  /** Whether BLAS calls go to a native library (JNI) rather than Java code. */
  public static boolean isNative() {
    return blas() instanceof NativeBLAS;
  }

  /** Whether LAPACK calls go to a native library (JNI) rather than Java code. */
  public static boolean isNativeLapack() {
    return lapack() instanceof NativeLAPACK;
  }

  /**
   * The implementation class simple names, e.g. {@code "BLAS=JNIBLAS, LAPACK=JNILAPACK"} with a native
   * library or {@code "BLAS=VectorBLAS, LAPACK=F2jLAPACK"} without one.
   */
  public static String describe() {
    return "BLAS=" + blas().getClass().getSimpleName() + ", LAPACK=" + lapack().getClass().getSimpleName();
  }
}
