package org.fedspark.graph;

import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.fedspark.report.OutputDir;

/**
 * Writes a similarity network to a run's output directory, each file atomically ({@link OutputDir}):
 * <ul>
 *   <li>{@code edges.csv}: {@code from,to,weight}, one undirected edge per line, from &lt; to;</li>
 *   <li>{@code degrees.csv}: {@code client,degree};</li>
 *   <li>{@code graph.json}: nodes, edges, space, exact or approximate, recall, degree summary and, when
 *       ground-truth groups are known, the share of within-group edges next to the share a random
 *       graph would have.</li>
 * </ul>
 */
public final class GraphOutput {
  public static final String EDGES = "edges.csv";
  public static final String DEGREES = "degrees.csv";
  public static final String SUMMARY = "graph.json";

  private GraphOutput() {}

  /** @param groups ground-truth group of each client, or null when unknown */
  public static void write(OutputDir out, SimilarityNetwork.Result net, int[] groups) {
    KnnGraph g = net.graph();
    out.write(EDGES, os -> {
      Writer w = writer(os);
      w.write("from,to,weight\n");
      for (int e = 0; e < g.numEdges(); e++) {
        w.write(g.from()[e] + "," + g.to()[e] + "," + g.weights()[e] + "\n");
      }
      w.flush();
    });
    int[] deg = g.degrees();
    out.write(DEGREES, os -> {
      Writer w = writer(os);
      w.write("client,degree\n");
      for (int c = 0; c < deg.length; c++) {
        w.write(c + "," + deg[c] + "\n");
      }
      w.flush();
    });
    out.writeString(SUMMARY, summaryJson(net, groups));
  }

  /** The {@code graph.json} content. */
  public static String summaryJson(SimilarityNetwork.Result net, int[] groups) {
    KnnGraph g = net.graph();
    int[] deg = g.degrees();
    int[] sorted = deg.clone();
    Arrays.sort(sorted);
    long isolated = Arrays.stream(deg).filter(d -> d == 0).count();
    StringBuilder s = new StringBuilder("{\n");
    s.append("  \"space\": \"").append(net.space().name().toLowerCase(Locale.ROOT)).append("\",\n");
    s.append("  \"nodes\": ").append(g.numNodes()).append(",\n");
    s.append("  \"edges\": ").append(g.numEdges()).append(",\n");
    s.append("  \"search\": \"").append(net.exact() ? "exact" : "approximate").append("\",\n");
    s.append("  \"recall\": ").append(num(net.recall())).append(",\n");
    s.append("  \"degree\": {\"min\": ").append(sorted[0]).append(", \"median\": ")
        .append(num(sorted.length % 2 == 1 ? sorted[sorted.length / 2]
            : 0.5 * (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2])))
        .append(", \"mean\": ").append(num(2.0 * g.numEdges() / g.numNodes()))
        .append(", \"max\": ").append(sorted[sorted.length - 1])
        .append(", \"isolated\": ").append(isolated).append("}");
    if (groups != null) {
      s.append(",\n  \"within_group_share\": ").append(num(g.withinGroupShare(groups)));
      s.append(",\n  \"random_within_group_share\": ").append(num(KnnGraph.randomWithinGroupShare(groups)));
    }
    return s.append("\n}\n").toString();
  }

  private static String num(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "null";
  }

  private static Writer writer(OutputStream os) {
    return new java.io.BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8));
  }
}
