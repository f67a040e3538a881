package org.fedspark.data;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/** The data files under a user's path, listed through the Hadoop FileSystem API. */
final class InputFiles {
  private InputFiles() {}

  /**
   * The files a path (file, directory or glob) stands for, sorted, skipping hidden and bookkeeping
   * files whose names start with "_" or "." as Spark does.
   *
   * @throws DataException when nothing matches
   */
  static List<String> list(Configuration conf, String path) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      FileStatus[] matches = fs.globStatus(p);
      if (matches == null || matches.length == 0) {
        throw new DataException("data.path " + path + " does not exist (no file or directory matches it):"
            + " check the path and the file system (file:, hdfs:, s3a:)");
      }
      List<String> files = new ArrayList<>();
      for (FileStatus m : matches) {
        if (m.isFile()) {
          files.add(m.getPath().toString());
          continue;
        }
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(m.getPath(), true);
        String rootPrefix = m.getPath().toString();
        while (it.hasNext()) {
          Path f = it.next().getPath();
          if (!hidden(f.toString().substring(Math.min(rootPrefix.length(), f.toString().length())))) {
            files.add(f.toString());
          }
        }
      }
      files.sort(null);
      if (files.isEmpty()) {
        throw new DataException("data.path " + path + " holds no data files");
      }
      return files;
    } catch (IOException e) {
      throw new DataException("cannot list data.path " + path + ": " + e, e);
    }
  }

  /** The Hadoop path of a file name as Spark reports it in {@code _metadata.file_path} (a URI string). */
  static Path toPath(String file) {
    try {
      return new Path(new URI(file));
    } catch (URISyntaxException e) {
      return new Path(file);
    }
  }

  private static boolean hidden(String relative) {
    for (String part : relative.split("/")) {
      if (part.startsWith("_") || part.startsWith(".")) {
        return true;
      }
    }
    return false;
  }
}
