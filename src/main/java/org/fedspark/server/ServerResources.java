package org.fedspark.server;

import org.fedspark.data.FederatedData;
import org.fedspark.report.OutputDir;

/**
 * What a server half may use once, before round 1, to prepare work that needs the whole federation:
 * e.g. the graph-fused method builds its similarity network from client summaries computed inside the
 * clients' partitions ({@code data.clients()} is the distributed RDD: the driver still never holds the
 * examples) and writes it into the run's output directory.
 *
 * @param data the federation (an RDD of clients plus its shape)
 * @param out the run's output directory, for files the algorithm writes beside {@code metrics.csv}
 * @param groups the ground-truth group of each client when the source made clients in groups, else
 *     null; for reporting only (e.g. how many fused edges join clients of one group): no update may
 *     depend on it
 */
public record ServerResources(FederatedData data, OutputDir out, int[] groups) {}
