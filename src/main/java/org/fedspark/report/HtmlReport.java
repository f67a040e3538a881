package org.fedspark.report;

import java.util.List;
import java.util.Map;

/**
 * {@code report.html}: one self-contained page to open in a browser, with the run's summary, the charts
 * and the metrics table.
 */
public final class HtmlReport {
  private HtmlReport() {}

  public static void write(OutputDir out, Map<String, Object> summary, List<RoundMetrics> rows) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>fedspark report</title>\n<style>")
        .append("body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;font-size:13px}")
        .append("td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}th{background:#eee}")
        .append("td.k{text-align:left;font-weight:bold}img{max-width:100%}</style></head><body>\n");
    Object run = summary.get("run");
    h.append("<h1>fedspark run: ").append(esc(run instanceof Map<?, ?> m ? String.valueOf(m.get("name")) : "")).append("</h1>\n");
    h.append("<p>Status: <b>").append(esc(String.valueOf(summary.get("status")))).append("</b>");
    if (summary.containsKey("message")) {
      h.append(" — ").append(esc(String.valueOf(summary.get("message"))));
    }
    h.append("</p>\n<h2>Summary</h2>\n<table>\n");
    for (Map.Entry<String, Object> e : summary.entrySet()) {
      if (e.getValue() instanceof Map<?, ?> sub) {
        for (Map.Entry<?, ?> s : sub.entrySet()) {
          row(h, e.getKey() + "." + s.getKey(), s.getValue());
        }
      } else if (!(e.getValue() instanceof List<?>)) {
        row(h, e.getKey(), e.getValue());
      }
    }
    h.append("</table>\n");
    if (!rows.isEmpty()) {
      h.append("<h2>Charts</h2>\n<img src=\"accuracy.png\" alt=\"accuracy per round\"><br>\n")
          .append("<img src=\"loss.png\" alt=\"loss per round\">\n<h2>Metrics per evaluated round</h2>\n<table>\n<tr>");
      for (String k : rows.get(0).asColumns().keySet()) {
        h.append("<th>").append(esc(k)).append("</th>");
      }
      h.append("</tr>\n");
      for (RoundMetrics r : rows) {
        h.append("<tr>");
        for (Object v : r.asColumns().values()) {
          h.append("<td>").append(esc(MetricsCsv.cell(v))).append("</td>");
        }
        h.append("</tr>\n");
      }
      h.append("</table>\n");
    }
    h.append("<p>Files: <a href=\"metrics.csv\">metrics.csv</a>, <a href=\"summary.json\">summary.json</a>, ")
        .append("<a href=\"config.conf\">config.conf</a></p>\n</body></html>\n");
    out.writeString("report.html", h.toString());
  }

  private static void row(StringBuilder h, String k, Object v) {
    h.append("<tr><td class=\"k\">").append(esc(k)).append("</td><td>").append(esc(String.valueOf(v))).append("</td></tr>\n");
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
