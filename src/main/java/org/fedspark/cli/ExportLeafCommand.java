package org.fedspark.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.fedspark.config.FedConfig;
import org.fedspark.config.Keys;
import org.fedspark.data.FederatedData;
import org.fedspark.data.FederatedDataLoader;
import org.fedspark.data.LeafWriter;
import org.fedspark.run.DataSpecs;
import org.fedspark.run.FedSpark;
import org.fedspark.run.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fedspark export-leaf CONFIG --out DIR}: writes the federation a config loads (for example
 * FedProx's Synthetic(α, β)) in LEAF's JSON format, with the same clients and the same per-client
 * train/test split, so that other federated-learning tools can run on exactly the data fedspark runs on.
 */
@Command(name = "export-leaf", mixinStandardHelpOptions = true,
    description = {"Write the federation a config loads as LEAF JSON: DIR/train/data.json and DIR/test/data.json.",
        "Users are the data's client names, or f_00000, f_00001, ... in client-id order; reading the export back",
        "with data.source=leaf, data.path=DIR/train, data.leaf-test=DIR/test gives the same clients and split."})
final class ExportLeafCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "CONFIG", description = "Config file whose data.* keys describe the federation.")
  String configPath;

  @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Override a key (repeatable).")
  List<String> overrides = new ArrayList<>();

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Output directory (any Hadoop path).")
  String out;

  @Option(names = "--overwrite", description = "Replace existing train/data.json and test/data.json in DIR.")
  boolean overwrite;

  @Override
  public Integer call() {
    FedConfig cfg = FedSpark.loadConfig(configPath, overrides);
    SparkContext sc = SparkSessions.start("fedspark export-leaf", cfg.getString(Keys.MASTER), cfg.getBoolean(Keys.UI),
        cfg.sparkConf());
    try {
      int partitions = cfg.getInt(Keys.PARTITIONS) > 0 ? cfg.getInt(Keys.PARTITIONS)
          : org.fedspark.run.ClusterInfo.defaultPartitions(sc).count();
      FederatedData fd = FederatedDataLoader.load(sc, DataSpecs.from(cfg), partitions);
      LeafWriter.Written w = LeafWriter.write(fd, sc.hadoopConfiguration(), out, overwrite);
      System.out.printf("fedspark: wrote %s: %d users, %d train / %d test samples, %d features, %d classes%n",
          fd.info().name(), w.users(), w.trainSamples(), w.testSamples(), fd.info().numFeatures(),
          fd.info().numClasses());
      System.out.println("fedspark: " + w.trainFile() + " and " + w.testFile() + "; read back with data.source = leaf,"
          + " data.path = " + out + "/train, data.leaf-test = " + out + "/test, data.num-classes = "
          + fd.info().numClasses());
      return 0;
    } finally {
      sc.stop();
    }
  }
}
