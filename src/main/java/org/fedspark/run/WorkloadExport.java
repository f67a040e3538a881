package org.fedspark.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.SparkContext;
import org.fedspark.algorithm.Algorithms;
import org.fedspark.algorithm.Schedule;
import org.fedspark.client.InitialParams;
import org.fedspark.client.Minibatches;
import org.fedspark.config.AlgorithmName;
import org.fedspark.config.ConfigException;
import org.fedspark.config.ConfigKey;
import org.fedspark.config.FedConfig;
import org.fedspark.config.Keys;
import org.fedspark.data.ClientData;
import org.fedspark.data.FederatedData;
import org.fedspark.data.FederatedDataLoader;
import org.fedspark.data.LocalDataset;
import org.fedspark.data.Seeds;
import org.fedspark.model.Model;
import org.fedspark.model.ParamBlock;
import org.fedspark.report.Npy;
import org.fedspark.report.OutputDir;
import org.fedspark.server.ClientSampler;

/**
 * Writes a FedAvg run's whole workload to a directory that another implementation can replay exactly
 * ({@code bench/pytorch_fedavg.py} does, with PyTorch): every client's train and test rows, the clients
 * sampled in each round, the order in which each sampled client visits its rows in each local epoch,
 * the initial model and the step sizes. Replaying it must give the accuracies the run writes to
 * {@code metrics.csv}; {@code fedspark bench --pytorch} checks that they agree to 1e-6.
 *
 * <p>Everything is derived the way the run derives it: the same loader (so the same partition and
 * train/test splits), {@link ClientSampler} for the sampled ids, the client's own stream
 * {@code Seeds.stream(seed, round, client, "sgd")} shuffled by {@link Minibatches#shuffleIdentity}
 * once per epoch for the batch orders (what {@code LocalSolver} does), {@link InitialParams} for the
 * start, and the {@code train.lr*} and {@code server.lr*} schedules per round.
 *
 * <p>Files (NumPy {@code .npy}, little-endian; clients in id order; {@code manifest.json} lists them
 * with their shapes):
 * <ul>
 *   <li>{@code train_x} (rows × features, float64), {@code train_y} (int32), {@code train_offsets}
 *       (clients + 1, int64: client c's rows are {@code [off[c], off[c+1])}); {@code test_*} likewise;
 *   <li>{@code sampled} (rounds × clients per round, int32, sorted ids);
 *   <li>{@code batch_order} (int32, local row indices) and {@code order_offsets} (rounds × clients per
 *       round + 1, int64): the sampled slot j of round t (from 1) trains on rows
 *       {@code batch_order[off[(t−1)·m + j] : off[(t−1)·m + j + 1]]}, epoch after epoch, in minibatches
 *       of {@code batch_size} (the last of each epoch smaller);
 *   <li>{@code init_W} (classes × features), {@code init_b} (classes): the softmax model's start;
 *   <li>{@code client_lr}, {@code server_lr} (rounds, float64): the step sizes of each round.
 * </ul>
 */
public final class WorkloadExport {
  /** The format name and version in the manifest; the script refuses others. */
  public static final String FORMAT = "fedspark-fedavg-workload";
  public static final int VERSION = 1;

  private WorkloadExport() {}

  /**
   * Refuses a configuration whose run the replay would not reproduce: only FedAvg with softmax
   * regression, all blocks shared, plain server SGD, exact float64 transport and no stragglers.
   *
   * @throws ConfigException naming the first key that is set otherwise
   */
  public static void checkSupported(FedConfig cfg) {
    require(cfg, Keys.ALGORITHM, cfg.getEnum(Keys.ALGORITHM, AlgorithmName.class) == AlgorithmName.FEDAVG, "fedavg");
    require(cfg, Keys.MODEL, "softmax".equals(cfg.getString(Keys.MODEL)), "softmax");
    require(cfg, Keys.BLOCKS, cfg.getString(Keys.BLOCKS).isBlank(), "empty (every block shared)");
    require(cfg, Keys.LORA_BLOCKS, cfg.getString(Keys.LORA_BLOCKS).isBlank(), "empty (no adapters)");
    require(cfg, Keys.BASE, cfg.getString(Keys.BASE).isBlank(), "empty (the usual initialization)");
    require(cfg, Keys.SERVER_OPTIMIZER, "sgd".equals(cfg.getString(Keys.SERVER_OPTIMIZER)), "sgd");
    require(cfg, Keys.CODEC_UPLINK, "float64".equals(cfg.getString(Keys.CODEC_UPLINK)), "float64");
    require(cfg, Keys.CODEC_DOWNLINK, "float64".equals(cfg.getString(Keys.CODEC_DOWNLINK)), "float64");
    require(cfg, Keys.CODEC_UPLINK_BLOCKS, cfg.getString(Keys.CODEC_UPLINK_BLOCKS).isBlank(), "empty");
    require(cfg, Keys.CODEC_DOWNLINK_BLOCKS, cfg.getString(Keys.CODEC_DOWNLINK_BLOCKS).isBlank(), "empty");
    require(cfg, Keys.STRAGGLERS_FRACTION, cfg.getDouble(Keys.STRAGGLERS_FRACTION) == 0, "0");
  }

  private static void require(FedConfig cfg, ConfigKey key, boolean ok, String wanted) {
    if (!ok) {
      throw new ConfigException("key '" + key.path() + "' = " + cfg.getString(key) + ": the PyTorch comparison replays "
          + "plain FedAvg with softmax regression only; it needs " + wanted);
    }
  }

  /** Loads the configured federation and writes its workload to {@code out}; returns the manifest. */
  public static Map<String, Object> write(SparkContext sc, FedConfig cfg, OutputDir out) {
    checkSupported(cfg);
    int partitions = cfg.getInt(Keys.PARTITIONS) > 0 ? cfg.getInt(Keys.PARTITIONS)
        : ClusterInfo.defaultPartitions(sc).count();
    FederatedData fed = FederatedDataLoader.load(sc, DataSpecs.from(cfg), partitions);
    try {
      List<ClientData> clients = new ArrayList<>(fed.clients().collect());
      clients.sort((a, b) -> Integer.compare(a.clientId(), b.clientId()));
      Model model = Simulation.buildModel(cfg, fed.info());
      return write(cfg, model, clients, out);
    } finally {
      fed.clients().unpersist(false);
    }
  }

  static Map<String, Object> write(FedConfig cfg, Model model, List<ClientData> clients, OutputDir out) {
    long seed = cfg.getLong(Keys.SEED);
    int rounds = cfg.getInt(Keys.ROUNDS);
    int evalEvery = cfg.getInt(Keys.EVAL_EVERY);
    int epochs = cfg.getInt(Keys.EPOCHS);
    int d = model.numFeatures();
    int k = model.numClasses();
    for (int c = 0; c < clients.size(); c++) {
      if (clients.get(c).clientId() != c) {
        throw new IllegalStateException("client ids are not 0.." + (clients.size() - 1) + ": found " + clients.get(c).clientId());
      }
    }
    Map<String, Object> files = new LinkedHashMap<>();
    writeSplit(out, files, "train", clients.stream().map(ClientData::train).toList(), d);
    writeSplit(out, files, "test", clients.stream().map(ClientData::test).toList(), d);

    ClientSampler sampler = new ClientSampler(clients.size(), cfg.getDouble(Keys.FRACTION), seed);
    int m = sampler.perRound();
    int[] sampled = new int[rounds * m];
    long[] orderOffsets = new long[rounds * m + 1];
    long total = 0;
    for (int t = 1; t <= rounds; t++) {
      int[] ids = sampler.sample(t);
      System.arraycopy(ids, 0, sampled, (t - 1) * m, m);
      for (int j = 0; j < m; j++) {
        int n = clients.get(ids[j]).train().size();
        total += (long) epochs * n;
        orderOffsets[(t - 1) * m + j + 1] = total;
      }
    }
    if (total > Integer.MAX_VALUE - 8) {
      throw new ConfigException("the run's batch orders hold " + total + " row indices, more than one array can; "
          + "export fewer rounds (key '" + Keys.ROUNDS.path() + "')");
    }
    int[] order = new int[(int) total];
    for (int t = 1; t <= rounds; t++) {
      for (int j = 0; j < m; j++) {
        int id = sampled[(t - 1) * m + j];
        int n = clients.get(id).train().size();
        int at = (int) orderOffsets[(t - 1) * m + j];
        if (n == 0) {
          continue; // LocalSolver draws nothing for a client without training rows
        }
        SplittableRandom rng = Seeds.stream(seed, t, id, "sgd");
        int[] epochOrder = new int[n];
        for (int e = 0; e < epochs; e++) {
          Minibatches.shuffleIdentity(epochOrder, rng);
          System.arraycopy(epochOrder, 0, order, at + e * n, n);
        }
      }
    }
    writeInts(out, files, "sampled", sampled, rounds, m);
    writeInts(out, files, "batch_order", order, order.length);
    writeLongs(out, files, "order_offsets", orderOffsets, orderOffsets.length);

    double[] init = InitialParams.of(model, seed);
    ParamBlock w = model.layout().block("W");
    ParamBlock b = model.layout().block("b");
    writeDoubles(out, files, "init_W", Arrays.copyOfRange(init, w.offset(), w.end()), k, d);
    writeDoubles(out, files, "init_b", Arrays.copyOfRange(init, b.offset(), b.end()), k);
    Schedule clientLr = Algorithms.clientLr(cfg);
    Schedule serverLr = Algorithms.serverLr(cfg);
    double[] lr = new double[rounds];
    double[] slr = new double[rounds];
    for (int t = 1; t <= rounds; t++) {
      lr[t - 1] = clientLr.at(t);
      slr[t - 1] = serverLr.at(t);
    }
    writeDoubles(out, files, "client_lr", lr, rounds);
    writeDoubles(out, files, "server_lr", slr, rounds);

    List<Integer> evalRounds = new ArrayList<>();
    for (int t = 1; t <= rounds; t++) {
      if (t % evalEvery == 0 || t == rounds) {
        evalRounds.add(t);
      }
    }
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("format", FORMAT);
    manifest.put("version", VERSION);
    manifest.put("run_name", cfg.getString(Keys.RUN_NAME));
    manifest.put("algorithm", "fedavg");
    manifest.put("model", "softmax");
    manifest.put("clients", clients.size());
    manifest.put("features", d);
    manifest.put("classes", k);
    manifest.put("rounds", rounds);
    manifest.put("clients_per_round", m);
    manifest.put("local_epochs", epochs);
    manifest.put("batch_size", cfg.getInt(Keys.BATCH));
    manifest.put("momentum", cfg.getDouble(Keys.MOMENTUM));
    manifest.put("weight_decay", cfg.getDouble(Keys.WEIGHT_DECAY));
    manifest.put("eval_rounds", evalRounds);
    manifest.put("aggregation", "x_{t+1} = x_t + server_lr[t] * sum_k n_k (x_k - x_t) / sum_k n_k over the round's "
        + "sampled clients, n_k = the client's training rows");
    manifest.put("evaluation", "every client with test rows, on the global model: accuracy = correct / test rows "
        + "(argmax, ties to the smaller class), metrics as in fedspark's metrics.csv");
    manifest.put("files", files);
    try {
      out.writeString("manifest.json",
          new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(manifest) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return manifest;
  }

  private static void writeSplit(OutputDir out, Map<String, Object> files, String name, List<LocalDataset> parts, int d) {
    long rows = 0;
    long[] offsets = new long[parts.size() + 1];
    for (int c = 0; c < parts.size(); c++) {
      rows += parts.get(c).size();
      offsets[c + 1] = rows;
    }
    long total = rows;
    out.write(name + "_x.npy", o -> {
      OutputStream s = new BufferedOutputStream(o, 1 << 20);
      Npy.header(s, "<f8", total * d, total, d);
      for (LocalDataset p : parts) {
        Npy.writeRaw(s, p.features(), p.size() * d);
      }
      s.flush();
    });
    files.put(name + "_x", shape(name + "_x.npy", "float64", total, d));
    out.write(name + "_y.npy", o -> {
      OutputStream s = new BufferedOutputStream(o, 1 << 20);
      Npy.header(s, "<i4", total, total);
      for (LocalDataset p : parts) {
        Npy.writeRaw(s, p.labels(), p.size());
      }
      s.flush();
    });
    files.put(name + "_y", shape(name + "_y.npy", "int32", total));
    writeLongs(out, files, name + "_offsets", offsets, offsets.length);
  }

  private static Map<String, Object> shape(String file, String dtype, long... shape) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", file);
    m.put("dtype", dtype);
    m.put("shape", shape);
    return m;
  }

  private static void writeInts(OutputDir out, Map<String, Object> files, String name, int[] v, long... shape) {
    out.write(name + ".npy", o -> Npy.writeInts(o, v, shape));
    files.put(name, shape(name + ".npy", "int32", shape));
  }

  private static void writeLongs(OutputDir out, Map<String, Object> files, String name, long[] v, long... shape) {
    out.write(name + ".npy", o -> Npy.writeLongs(o, v, shape));
    files.put(name, shape(name + ".npy", "int64", shape));
  }

  private static void writeDoubles(OutputDir out, Map<String, Object> files, String name, double[] v, long... shape) {
    out.write(name + ".npy", o -> Npy.writeDoubles(o, v, shape));
    files.put(name, shape(name + ".npy", "float64", shape));
  }
}
