package org.fedspark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fork-free local file system must leave exactly the modes Hadoop's own leaves: every case is done
 * twice, once by Hadoop's {@link LocalFileSystem} (which runs {@code chmod} in a process) and once by
 * {@link ForkFreeLocalFileSystem}, and the two files' full modes ({@code unix:mode}, sticky bit included)
 * are compared.
 */
class ForkFreeLocalFileSystemTest {
  @TempDir
  java.nio.file.Path tmp;

  private FileSystem hadoops;
  private FileSystem ours;

  @BeforeEach
  void open() throws IOException {
    Configuration conf = new Configuration();
    hadoops = new LocalFileSystem();
    hadoops.initialize(URI.create("file:///"), conf);
    ours = new ForkFreeLocalFileSystem();
    ours.initialize(URI.create("file:///"), conf);
  }

  @AfterEach
  void close() throws IOException {
    hadoops.close();
    ours.close();
  }

  private int mode(String name) throws IOException {
    return (Integer) Files.getAttribute(tmp.resolve(name), "unix:mode") & 07777;
  }

  private Path path(String name) {
    return new Path(tmp.resolve(name).toUri());
  }

  @Test
  void permissionBitsMapToJavasSetForAllModes() {
    for (int mode = 0; mode < 01000; mode++) {
      String rwx = new FsPermission((short) mode).toString();
      assertEquals(PosixFilePermissions.fromString(rwx), ForkFreeLocalFileSystem.posix(mode), rwx);
    }
  }

  @Test
  void setPermissionLeavesTheModesHadoopLeaves() throws IOException {
    for (int mode : new int[] {0644, 0600, 0640, 0750, 0755, 0777, 0700, 0444, 0000, 01777, 01755}) {
      String a = "hadoop-" + Integer.toOctalString(mode);
      String b = "ours-" + Integer.toOctalString(mode);
      Files.createDirectory(tmp.resolve(a));
      Files.createDirectory(tmp.resolve(b));
      hadoops.setPermission(path(a), new FsPermission((short) mode));
      ours.setPermission(path(b), new FsPermission((short) mode));
      assertEquals(mode, mode(a), a);
      assertEquals(mode(a), mode(b), b);
    }
  }

  @Test
  void createdFilesAndMadeDirectoriesGetHadoopsModes() throws IOException {
    for (FileSystem fs : new FileSystem[] {hadoops, ours}) {
      String who = fs == ours ? "ours" : "hadoop";
      try (FSDataOutputStream out = fs.create(path(who + "/file"))) {
        out.writeBytes("x");
      }
      try (FSDataOutputStream out = fs.create(path(who + "/private"), new FsPermission((short) 0600), true, 4096,
          (short) 1, 1 << 20, null)) {
        out.writeBytes("y");
      }
      assertTrue(fs.mkdirs(path(who + "/dir"), new FsPermission((short) 0750)));
    }
    assertEquals(0644 & ~umask(), mode("ours/file"));
    for (String name : new String[] {"file", "private", "dir", "."}) {
      assertEquals(mode("hadoop/" + name), mode("ours/" + name), name);
    }
    // Checksums are still written beside the data, as by Hadoop's local file system.
    assertTrue(Files.exists(tmp.resolve("ours/.file.crc")));
    assertEquals("x", new String(Files.readAllBytes(tmp.resolve("ours/file"))));
  }

  private int umask() {
    return FsPermission.getUMask(new Configuration()).toShort();
  }

  @Test
  void configurationsNameTheClassUnlessTheUserNamedAnother() throws IOException {
    Configuration conf = ForkFreeLocalFileSystem.configuration();
    assertEquals(ForkFreeLocalFileSystem.class.getName(), conf.get(ForkFreeLocalFileSystem.KEY));
    try (FileSystem fs = FileSystem.newInstance(URI.create("file:///"), conf)) {
      assertInstanceOf(ForkFreeLocalFileSystem.class, fs);
    }

    SparkConf spark = new SparkConf(false);
    ForkFreeLocalFileSystem.useIn(spark);
    assertEquals(ForkFreeLocalFileSystem.class.getName(), spark.get("spark.hadoop.fs.file.impl"));
    SparkConf own = new SparkConf(false).set("spark.hadoop.fs.file.impl", LocalFileSystem.class.getName());
    ForkFreeLocalFileSystem.useIn(own);
    assertEquals(LocalFileSystem.class.getName(), own.get("spark.hadoop.fs.file.impl"));
  }
}
