package org.fedspark.data;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes a loaded federation in LEAF's JSON format (Caldas et al., 2018), {@code train/data.json} and
 * {@code test/data.json} under a directory, so that the very same clients and per-client train/test
 * split can be handed to other federated-learning tools. Users are named by the data's client names
 * when there are any, else {@code f_00000, f_00001, …} as the FedProx generator names its devices; both
 * sort back to the same client ids, so {@link LeafSource} reads the export as the same federation.
 *
 * <p>Clients are streamed to the driver one partition at a time ({@code toLocalIterator}) and written
 * with Jackson's streaming generator through the Hadoop FileSystem API; doubles are written in their
 * shortest round-trip form, so the features read back bit for bit.
 */
public final class LeafWriter {
  private static final JsonFactory JSON = new JsonFactory();

  private LeafWriter() {}

  /** What was written. */
  public record Written(String trainFile, String testFile, int users, long trainSamples, long testSamples) {}

  /** LEAF user name of client {@code c} of a federation without client names. */
  public static String userName(int c) {
    return String.format(Locale.ROOT, "f_%05d", c);
  }

  /**
   * @param dir output directory (any Hadoop path); {@code train/data.json} and {@code test/data.json}
   *     are created in it, and refused if they exist and {@code overwrite} is false
   */
  public static Written write(FederatedData fd, Configuration conf, String dir, boolean overwrite) {
    Path train = new Path(new Path(dir, "train"), "data.json");
    Path test = new Path(new Path(dir, "test"), "data.json");
    String[] names = fd.info().clientNames();
    List<String> users = new ArrayList<>();
    List<Integer> trainCounts = new ArrayList<>();
    List<Integer> testCounts = new ArrayList<>();
    long trainSamples = 0;
    long testSamples = 0;
    try {
      FileSystem fs = train.getFileSystem(conf);
      for (Path p : List.of(train, test)) {
        if (!overwrite && fs.exists(p)) {
          throw new DataException(p + " already exists: choose another --out directory or pass --overwrite");
        }
      }
      try (OutputStream trainOut = fs.create(train, true); OutputStream testOut = fs.create(test, true);
          JsonGenerator tr = JSON.createGenerator(trainOut, JsonEncoding.UTF8);
          JsonGenerator te = JSON.createGenerator(testOut, JsonEncoding.UTF8)) {
        tr.writeStartObject();
        tr.writeObjectFieldStart("user_data");
        te.writeStartObject();
        te.writeObjectFieldStart("user_data");
        Iterator<ClientData> it = fd.clients().toLocalIterator();
        int expected = 0;
        while (it.hasNext()) {
          ClientData cd = it.next();
          if (cd.clientId() != expected++) {
            throw new IllegalStateException("clients out of order: " + cd.clientId() + " where " + (expected - 1)
                + " was expected");
          }
          String user = names != null ? names[cd.clientId()] : userName(cd.clientId());
          users.add(user);
          trainCounts.add(cd.train().size());
          testCounts.add(cd.test().size());
          trainSamples += cd.train().size();
          testSamples += cd.test().size();
          writeUser(tr, user, cd.train());
          writeUser(te, user, cd.test());
        }
        for (JsonGenerator g : List.of(tr, te)) {
          g.writeEndObject();
          g.writeArrayFieldStart("users");
          for (String u : users) {
            g.writeString(u);
          }
          g.writeEndArray();
          g.writeArrayFieldStart("num_samples");
          for (int n : g == tr ? trainCounts : testCounts) {
            g.writeNumber(n);
          }
          g.writeEndArray();
          g.writeEndObject();
        }
      }
    } catch (IOException e) {
      throw new DataException("cannot write the LEAF export to " + dir + ": " + e, e);
    }
    return new Written(train.toString(), test.toString(), users.size(), trainSamples, testSamples);
  }

  private static void writeUser(JsonGenerator g, String user, LocalDataset d) throws IOException {
    g.writeObjectFieldStart(user);
    g.writeArrayFieldStart("x");
    int w = d.numFeatures();
    double[] f = d.features();
    for (int i = 0; i < d.size(); i++) {
      g.writeArray(f, i * w, w);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("y");
    for (int y : d.labels()) {
      g.writeNumber(y);
    }
    g.writeEndArray();
    g.writeEndObject();
  }
}
