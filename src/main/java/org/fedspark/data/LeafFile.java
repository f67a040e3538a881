package org.fedspark.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/**
 * One LEAF JSON file, parsed with Jackson's streaming parser (token by token, never as a tree, so a
 * file costs the memory of its numbers, not of a JSON object model):
 *
 * <pre>
 * {"users": ["u1", ...], "num_samples": [n1, ...], "hierarchies": [...],
 *  "user_data": {"u1": {"x": [sample, ...], "y": [label, ...]}, ...}}
 * </pre>
 *
 * Each sample of {@code x} is a number or an array of numbers nested to any depth, flattened in
 * row-major order (an image {@code [[r0c0, r0c1], [r1c0, r1c1]]} becomes {@code [r0c0, r0c1, r1c0, r1c1]});
 * {@code y} holds integer class ids. {@code hierarchies} and unknown fields are skipped. Structural
 * problems (not JSON, lengths that disagree, a non-numeric value) stop the load with the file, the user
 * and, where there is one, the sample index and line; a negative label (or one at or above
 * {@code data.num-classes}) is a bad sample that {@code data.bad-rows} decides on.
 */
final class LeafFile {
  private static final JsonFactory JSON = new JsonFactory();

  private LeafFile() {}

  /** A file to read, and whether it holds test data. */
  record Input(String file, boolean test) implements Serializable {}

  /** What the driver learns about one user of one file (no features). */
  record Summary(String file, int position, String user, boolean test, int samples, int width, int maxLabel, int bad,
      int firstBadSample, String firstBadReason) implements Serializable {}

  /** One user's samples in one file, in file order. */
  static final class User implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String file;
    private final int position;
    private final String name;
    private final boolean test;
    private final double[] x;
    private final int[] y;
    private final int width;
    private final int maxLabel;
    private final int bad;
    private final int firstBad;
    private final String firstBadReason;

    User(String file, int position, String name, boolean test, double[] x, int[] y, int width, int numClassesAsked) {
      this.file = file;
      this.position = position;
      this.name = name;
      this.test = test;
      this.x = x;
      this.y = y;
      this.width = width;
      int max = -1;
      int badCount = 0;
      int first = -1;
      String reason = null;
      for (int i = 0; i < y.length; i++) {
        String problem = y[i] < 0 ? "label " + y[i] + " is negative; class ids are 0, 1, …"
            : numClassesAsked > 0 && y[i] >= numClassesAsked
                ? "label " + y[i] + " is out of range: there are " + numClassesAsked + " classes (data.num-classes)"
                : null;
        if (problem == null) {
          max = Math.max(max, y[i]);
        } else if (badCount++ == 0) {
          first = i;
          reason = problem;
        }
      }
      this.maxLabel = max;
      this.bad = badCount;
      this.firstBad = first;
      this.firstBadReason = reason;
    }

    String name() {
      return name;
    }

    boolean test() {
      return test;
    }

    Summary summary() {
      return new Summary(file, position, name, test, y.length, width, maxLabel, bad, firstBad, firstBadReason);
    }

    /** The usable samples (label in {@code [0, numClasses)}), in file order. */
    LocalDataset dataset(int numClasses, int numFeatures) {
      int keep = 0;
      for (int label : y) {
        keep += label >= 0 && label < numClasses ? 1 : 0;
      }
      double[] f = new double[keep * numFeatures];
      int[] l = new int[keep];
      for (int i = 0, j = 0; i < y.length; i++) {
        if (y[i] >= 0 && y[i] < numClasses) {
          System.arraycopy(x, i * numFeatures, f, j * numFeatures, numFeatures);
          l[j++] = y[i];
        }
      }
      return new LocalDataset(f, l, numFeatures);
    }
  }

  /** A Hadoop configuration on an executor, rebuilt from the driver's properties. */
  static Configuration configuration(Map<String, String> properties) {
    Configuration conf = new Configuration(false);
    properties.forEach(conf::set);
    return conf;
  }

  /**
   * Parses one file through the Hadoop FileSystem API (decompressing by suffix, as Spark's text
   * sources do).
   *
   * @throws DataException naming the file, the user and the sample when the file is not LEAF JSON
   */
  static List<User> parse(Configuration conf, Input in, int numClassesAsked) {
    Path path = InputFiles.toPath(in.file());
    try {
      InputStream raw = path.getFileSystem(conf).open(path);
      CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
      try (InputStream stream = codec == null ? raw : codec.createInputStream(raw);
          JsonParser p = JSON.createParser(stream)) {
        return parse(p, in, numClassesAsked);
      }
    } catch (JsonProcessingException e) {
      throw new DataException(in.file() + ", line " + e.getLocation().getLineNr() + ": not valid JSON: "
          + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new DataException("cannot read LEAF file " + in.file() + ": " + e, e);
    }
  }

  private static List<User> parse(JsonParser p, Input in, int numClassesAsked) throws IOException {
    String file = in.file();
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new DataException(file + ": not a LEAF file: it must hold one JSON object with \"users\" and"
          + " \"user_data\"");
    }
    List<String> users = null;
    List<Long> numSamples = null;
    Map<String, User> data = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "users" -> users = strings(p, file, "users");
        case "num_samples" -> numSamples = integers(p, file);
        case "user_data" -> data = userData(p, in, numClassesAsked);
        default -> p.skipChildren();
      }
    }
    if (data == null) {
      throw new DataException(file + ": not a LEAF file: it has no \"user_data\" object");
    }
    if (users == null) {
      throw new DataException(file + ": not a LEAF file: it has no \"users\" array");
    }
    Set<String> listed = new HashSet<>(users);
    if (listed.size() != users.size()) {
      throw new DataException(file + ": \"users\" lists a user twice");
    }
    for (String u : users) {
      if (!data.containsKey(u)) {
        throw new DataException(file + ": user '" + u + "' is in \"users\" but has no entry in \"user_data\"");
      }
    }
    for (String u : data.keySet()) {
      if (!listed.contains(u)) {
        throw new DataException(file + ": user '" + u + "' has data in \"user_data\" but is not in \"users\"");
      }
    }
    if (numSamples != null) {
      if (numSamples.size() != users.size()) {
        throw new DataException(file + ": \"num_samples\" has " + numSamples.size() + " entries but \"users\" has "
            + users.size());
      }
      for (int i = 0; i < users.size(); i++) {
        int n = data.get(users.get(i)).y.length;
        if (numSamples.get(i) != n) {
          throw new DataException(file + ": user '" + users.get(i) + "': \"num_samples\" says " + numSamples.get(i)
              + " but it has " + n + " samples");
        }
      }
    }
    return new ArrayList<>(data.values());
  }

  private static Map<String, User> userData(JsonParser p, Input in, int numClassesAsked) throws IOException {
    String file = in.file();
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new DataException(file + ", line " + line(p) + ": \"user_data\" must be an object {user: {x, y}}");
    }
    Map<String, User> out = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String user = p.currentName();
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new DataException(file + ", line " + line(p) + ": user '" + user + "': its data must be an object"
            + " {\"x\": [...], \"y\": [...]}");
      }
      double[] x = null;
      int width = -1;
      int rows = -1;
      int[] y = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        if (field.equals("x")) {
          Samples s = samples(p, file, user);
          x = s.values;
          width = s.width;
          rows = s.rows;
        } else if (field.equals("y")) {
          y = labels(p, file, user);
        } else {
          p.skipChildren();
        }
      }
      if (x == null || y == null) {
        throw new DataException(file + ": user '" + user + "' has no \"" + (x == null ? "x" : "y") + "\" array");
      }
      if (rows != y.length) {
        throw new DataException(file + ": user '" + user + "' has " + rows + " samples in x but " + y.length
            + " labels in y");
      }
      if (out.containsKey(user)) {
        throw new DataException(file + ": user '" + user + "' appears twice in \"user_data\"");
      }
      out.put(user, new User(file, out.size(), user, in.test(), x, y, Math.max(width, 0), numClassesAsked));
    }
    return out;
  }

  private record Samples(double[] values, int rows, int width) {}

  /** Reads x: an array of samples, each flattened; every sample must have the same length. */
  private static Samples samples(JsonParser p, String file, String user) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new DataException(file + ", line " + line(p) + ": user '" + user + "': x must be an array of samples");
    }
    DoubleList values = new DoubleList();
    int rows = 0;
    int width = -1;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      int before = values.size;
      long sampleLine = line(p);
      flatten(p, values, file, user, rows);
      int w = values.size - before;
      if (width < 0) {
        width = w;
      } else if (w != width) {
        throw new DataException(file + ", line " + sampleLine + ": user '" + user + "', sample " + rows + ": x has "
            + w + " values, but sample 0 has " + width + " (every sample must flatten to the same length)");
      }
      rows++;
    }
    if (width == 0) {
      throw new DataException(file + ": user '" + user + "': the samples of x have no values");
    }
    return new Samples(values.toArray(), rows, width);
  }

  private static void flatten(JsonParser p, DoubleList out, String file, String user, int sample) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      out.add(p.getDoubleValue());
    } else if (t == JsonToken.START_ARRAY) {
      while (p.nextToken() != JsonToken.END_ARRAY) {
        flatten(p, out, file, user, sample);
      }
    } else {
      throw new DataException(file + ", line " + line(p) + ": user '" + user + "', sample " + sample
          + ": x holds " + describe(p) + "; features must be numbers (or arrays of numbers)");
    }
  }

  private static int[] labels(JsonParser p, String file, String user) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new DataException(file + ", line " + line(p) + ": user '" + user + "': y must be an array of labels");
    }
    List<Integer> out = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      JsonToken t = p.currentToken();
      double v = t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT ? p.getDoubleValue() : Double.NaN;
      if (!(v == Math.rint(v) && Math.abs(v) < LabelRule.MAX_CLASSES)) {
        throw new DataException(file + ", line " + line(p) + ": user '" + user + "', sample " + out.size() + ": y is "
            + describe(p) + "; labels must be integer class ids below " + LabelRule.MAX_CLASSES);
      }
      out.add((int) v);
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  private static List<String> strings(JsonParser p, String file, String field) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new DataException(file + ", line " + line(p) + ": \"" + field + "\" must be an array of names");
    }
    List<String> out = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (!p.currentToken().isScalarValue() || p.currentToken() == JsonToken.VALUE_NULL) {
        throw new DataException(file + ", line " + line(p) + ": \"" + field + "\" holds " + describe(p));
      }
      out.add(p.getText());
    }
    return out;
  }

  private static List<Long> integers(JsonParser p, String file) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new DataException(file + ", line " + line(p) + ": \"num_samples\" must be an array of counts");
    }
    List<Long> out = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
        throw new DataException(file + ", line " + line(p) + ": \"num_samples\" holds " + describe(p));
      }
      out.add(p.getLongValue());
    }
    return out;
  }

  private static String describe(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    return switch (t) {
      case VALUE_STRING -> "the string \"" + p.getText() + "\"";
      case VALUE_NULL -> "null";
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      default -> p.getText();
    };
  }

  private static long line(JsonParser p) {
    return p.currentTokenLocation().getLineNr();
  }

  /** A growable double array (a user's features, without boxing). */
  private static final class DoubleList {
    double[] data = new double[256];
    int size;

    void add(double v) {
      if (size == data.length) {
        data = java.util.Arrays.copyOf(data, data.length * 2);
      }
      data[size++] = v;
    }

    double[] toArray() {
      return java.util.Arrays.copyOf(data, size);
    }
  }
}
