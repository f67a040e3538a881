package org.fedspark.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.fedspark.data.ClientGroups;
import org.fedspark.data.DataSpec;
import org.fedspark.data.FederatedData;
import org.fedspark.data.FederatedDataLoader;
import org.fedspark.report.OutputDir;
import org.fedspark.testing.LocalSparkTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end on a small clustered federation: summaries inside partitions, the graph, its files. */
class SimilarityNetworkTest extends LocalSparkTest {
  @TempDir
  Path tmp;

  private static DataSpec clustered(double meanShift) {
    DataSpec base = new DataSpec(DataSpec.Source.CLUSTERED, "", "label", "", "", 0, 0, 0.2, DataSpec.Policy.ERROR,
        DataSpec.Policy.ERROR, true, null, null, 42);
    return base.withClustered(new DataSpec.ClusteredSpec(40, 4, 10, 5, 100, 0.0, meanShift, 1.0, 0.1, false));
  }

  /**
   * 40 clients in 4 groups, 10 features, 100 samples (80 for training), group means with N(0, 1)
   * coordinates: in data space (D = 256, median bandwidth) the 5-NN graph must keep ≥ 90% of its edges
   * inside groups (random graph: 9/39 = 23%). Measured: 100%. Without a mean shift the feature
   * distributions are identical, so the data-space graph must fall to near the random share (asserted
   * below 50%): that shows the 90% comes from the groups and not from the method.
   */
  @Test
  void dataSpaceGraphRecoversTheGroups() throws IOException {
    DataSpec spec = clustered(1.0);
    FederatedData fd = FederatedDataLoader.load(sc, spec, 3);
    int[] groups = ClientGroups.of(spec, 40);
    GraphOptions opt = GraphOptions.defaults(42).withK(5);
    SimilarityNetwork.Result net = SimilarityNetwork.build(fd, opt);
    double share = net.graph().withinGroupShare(groups);
    double feature = SimilarityNetwork.build(fd, opt.withSpace(GraphOptions.Space.FEATURE)).graph().withinGroupShare(groups);
    System.out.printf("clustered 40x4, shift 1: within-group edge share data %.3f, feature %.3f, random %.3f%n", share,
        feature, KnnGraph.randomWithinGroupShare(groups));
    assertTrue(share >= 0.9, "data-space within-group share " + share);
    assertTrue(net.exact());

    OutputDir out = new OutputDir(tmp.toString(), new Configuration());
    GraphOutput.write(out, net, groups);
    List<String> lines = Files.readAllLines(tmp.resolve(GraphOutput.EDGES));
    assertEquals("from,to,weight", lines.get(0));
    assertEquals(net.graph().numEdges() + 1, lines.size());
    String[] first = lines.get(1).split(",");
    assertEquals(net.graph().from()[0], Integer.parseInt(first[0]));
    assertEquals(net.graph().to()[0], Integer.parseInt(first[1]));
    assertEquals(net.graph().weights()[0], Double.parseDouble(first[2]), 0);
    assertEquals(41, Files.readAllLines(tmp.resolve(GraphOutput.DEGREES)).size());
    String json = Files.readString(tmp.resolve(GraphOutput.SUMMARY));
    assertTrue(json.contains("\"within_group_share\": " + share), json);
    assertTrue(json.contains("\"nodes\": 40"), json);
    fd.clients().unpersist(true);

    FederatedData flat = FederatedDataLoader.load(sc, clustered(0.0), 3);
    double none = SimilarityNetwork.build(flat, opt).graph().withinGroupShare(groups);
    System.out.printf("clustered 40x4, no shift: within-group edge share data %.3f%n", none);
    assertTrue(none < 0.5, "without a mean shift the groups are invisible to the data space: " + none);
    flat.clients().unpersist(true);
  }
}
