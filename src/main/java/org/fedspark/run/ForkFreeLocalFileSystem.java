package org.fedspark.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.io.nativeio.NativeIO;
import org.apache.spark.SparkConf;

/**
 * Hadoop's local file system ({@code file:}), except that it sets permissions with a system call
 * instead of a child process.
 *
 * <p>Why: without Hadoop's native library, which Spark does not ship, {@link RawLocalFileSystem} sets the
 * permissions of every file it creates and every directory it makes with a permission by running
 * {@code chmod} in a new process ({@code RawLocalFileSystem.setPermission} through Hadoop's
 * {@code Shell}). A 100-round run of {@code conf/fmnist-fedavg.conf} started 32 of them (metrics and
 * summary snapshots, models, charts, report), each a {@code posix_spawn} of the JDK's
 * {@code jspawnhelper} and then of {@code chmod}: about 0.35 s of CPU on a two-core machine that the
 * rounds need (Linux {@code perf}, README "Performance"). Here the same permission bits are set by
 * {@link Files#setPosixFilePermissions}, the same {@code chmod(2)} the process would make. Everything
 * else, checksums included, is Hadoop's {@link LocalFileSystem}.
 *
 * <p>Where Hadoop's native library is loaded, or the bits include the sticky bit (which Java's
 * permission set cannot express), or the file system is not POSIX, Hadoop's own path is taken.
 *
 * <p>fedspark's Hadoop configurations on the driver name this class for {@code fs.file.impl}
 * ({@link #configuration}), and so does Spark's on a local master ({@link #useIn}), whose executors are
 * the driver's JVM; executors in JVMs of their own keep Hadoop's class, since they may open their local
 * file system before fedspark's jar is on their class path. A class the user named is kept. Hadoop
 * caches one file system per scheme and user, made with the configuration of the first request, so
 * the class takes effect only if fedspark asks first (as {@code fedspark run} does); under
 * {@code spark-submit}, Spark may have opened the local file system before, and then Hadoop's own is
 * used, with the same results.
 */
public final class ForkFreeLocalFileSystem extends LocalFileSystem {
  /** Hadoop's key for the class of the {@code file:} scheme. */
  public static final String KEY = "fs.file.impl";

  public ForkFreeLocalFileSystem() {
    super(new Raw());
  }

  /** A new Hadoop configuration (defaults and site files) with {@code file:} served by this class. */
  public static Configuration configuration() {
    Configuration conf = new Configuration();
    conf.setIfUnset(KEY, ForkFreeLocalFileSystem.class.getName());
    return conf;
  }

  /** Names this class for {@code file:} in the Hadoop configuration Spark derives from {@code conf}. */
  public static void useIn(SparkConf conf) {
    conf.setIfMissing("spark.hadoop." + KEY, ForkFreeLocalFileSystem.class.getName());
  }

  /** Hadoop's raw local file system with {@link #setPermission} by system call. */
  static final class Raw extends RawLocalFileSystem {
    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      short bits = permission.toShort();
      if (NativeIO.isAvailable() || (bits & ~0777) != 0) {
        super.setPermission(p, permission);
        return;
      }
      try {
        Files.setPosixFilePermissions(pathToFile(p).toPath(), posix(bits));
      } catch (UnsupportedOperationException notPosix) {
        super.setPermission(p, permission);
      }
    }
  }

  private static final PosixFilePermission[] BY_BIT = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

  /** The nine permission bits of an octal mode such as {@code 0644}, as Java's set. */
  static Set<PosixFilePermission> posix(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    for (int bit = 0; bit < BY_BIT.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        set.add(BY_BIT[bit]);
      }
    }
    return set;
  }
}
