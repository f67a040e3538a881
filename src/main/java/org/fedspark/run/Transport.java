package org.fedspark.run;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.fedspark.algorithm.Schedule;
import org.fedspark.codec.BlockCodecs;
import org.fedspark.codec.BlockwiseCodec;
import org.fedspark.codec.Codebook;
import org.fedspark.codec.CodecContext;
import org.fedspark.codec.Codecs;
import org.fedspark.codec.tv.TvAdmm;
import org.fedspark.config.ConfigException;
import org.fedspark.config.ConfigKey;
import org.fedspark.config.FedConfig;
import org.fedspark.config.Keys;
import org.fedspark.codec.CoordinateOrder;
import org.fedspark.codec.Float64Codec;
import org.fedspark.codec.LambdaStep;
import org.fedspark.codec.Message;
import org.fedspark.codec.VectorCodec;
import org.fedspark.data.Seeds;
import org.fedspark.model.BlockSet;

/**
 * How messages travel in a run: the codec of each direction, whether clients keep error-feedback
 * residuals, the Λ-regularized upload step and the coordinate order of the uploaded delta. The
 * default (float64 both ways, nothing else) reproduces uncompressed transport exactly.
 */
record Transport(Codebook uplink, Codebook downlink, boolean errorFeedback, LambdaStep lambda, Order order)
    implements Serializable {

  /** One codec per direction for every vector. */
  Transport(VectorCodec uplink, VectorCodec downlink, boolean errorFeedback, LambdaStep lambda, Order order) {
    this(Codebook.of(uplink), Codebook.of(downlink), errorFeedback, lambda, order);
  }

  /** Coordinate order of the uploaded delta (and of the Λ step). */
  enum Order {
    NATURAL, SEEDED, BY_MODEL
  }

  static Transport plain(VectorCodec codec) {
    return new Transport(codec, codec, false, new LambdaStep(0, null, new double[0]), Order.NATURAL);
  }

  static final Transport DEFAULT = plain(Float64Codec.INSTANCE);

  /**
   * The transport the {@code codec.*} and {@code lambda-update.*} keys describe; {@code vectors} are
   * the message vectors that carry parameter blocks (name to blocks, in order), which the
   * {@code codec.uplink-blocks} and {@code codec.downlink-blocks} rules cut.
   *
   * @throws ConfigException naming the key whose rules do not parse or match no block
   */
  static Transport from(FedConfig cfg, Map<String, BlockSet> vectors) {
    Codecs.Params p = new Codecs.Params(cfg.getString(Keys.CODEC_VALUES).equals("float32") ? 4 : 8,
        cfg.getInt(Keys.CODEC_KMEANS_LEVELS), cfg.getDouble(Keys.CODEC_TOPK_FRACTION), cfg.getInt(Keys.CODEC_QSGD_LEVELS));
    Codebook up = book(cfg, Keys.CODEC_UPLINK_BLOCKS, Codecs.create(cfg.getString(Keys.CODEC_UPLINK), p), Codecs.NAMES, p, vectors);
    Codebook down = book(cfg, Keys.CODEC_DOWNLINK_BLOCKS, Codecs.create(cfg.getString(Keys.CODEC_DOWNLINK), p),
        Codecs.DOWNLINK_NAMES, p, vectors);
    String ef = cfg.getString(Keys.CODEC_ERROR_FEEDBACK);
    boolean errorFeedback = ef.equals("on") || (ef.equals("auto") && up.wantsErrorFeedback());
    int rounds = cfg.getInt(Keys.ROUNDS);
    Schedule lr = Schedule.of("train.lr", cfg.getString(Keys.LR_SCHEDULE), cfg.getDouble(Keys.LR),
        cfg.getDouble(Keys.LR_DECAY), cfg.getDouble(Keys.LR_MIN), cfg.getInt(Keys.LR_WARMUP), rounds);
    double[] lrByRound = new double[rounds];
    for (int t = 1; t <= rounds; t++) {
      lrByRound[t - 1] = lr.at(t);
    }
    TvAdmm.Options admm = cfg.getString(Keys.LAMBDA_SOLVER).equals("admm")
        ? new TvAdmm.Options(cfg.getDouble(Keys.LAMBDA_ADMM_KAPPA), cfg.getInt(Keys.LAMBDA_ADMM_ITERATIONS),
            cfg.getDouble(Keys.LAMBDA_ADMM_TOLERANCE))
        : null;
    Order order = Order.valueOf(cfg.getString(Keys.LAMBDA_ORDER).toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    return new Transport(up, down, errorFeedback, new LambdaStep(cfg.getDouble(Keys.LAMBDA_GAMMA), admm, lrByRound), order);
  }

  private static Codebook book(FedConfig cfg, ConfigKey key, VectorCodec codec, List<String> names, Codecs.Params p,
      Map<String, BlockSet> vectors) {
    String spec = cfg.getString(key);
    try {
      return BlockCodecs.resolve(BlockCodecs.parse(spec, names), codec, p, vectors);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("key '" + key.path() + "' = " + spec + ": " + e.getMessage());
    }
  }

  /**
   * A short description for the run summary, e.g. {@code uplink topk+ef, downlink float64}, or with
   * per-block codecs {@code uplink float64 (delta [W:kmeans 7840, b:float32 10]), downlink float64}.
   */
  String describe() {
    String s = "uplink " + uplink.codec().name() + (errorFeedback ? "+ef" : "") + blocks(uplink) + ", downlink "
        + downlink.codec().name() + blocks(downlink);
    if (lambda.active()) {
      s += ", lambda-update gamma " + lambda.gamma() + " (" + order.name().toLowerCase(java.util.Locale.ROOT) + " order)";
    }
    return s;
  }

  private static String blocks(Codebook book) {
    String d = book.describe();
    int cut = d.indexOf(", ");
    return cut < 0 ? "" : " (" + d.substring(cut + 2) + ")";
  }

  /**
   * The order of round {@code round}'s uploads, from what every client received ({@code delivered});
   * null for the natural order. Both ends compute it from what they share, so it is never sent.
   */
  CoordinateOrder orderFor(long seed, Message delivered) {
    if (order == Order.NATURAL) {
      return null;
    }
    double[] model = delivered.vectors().get(LambdaStep.PARAMS);
    if (model == null) {
      throw new IllegalArgumentException("lambda-update.order = " + order.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
          + " needs the server to broadcast its shared model as '" + LambdaStep.PARAMS + "'; this algorithm sends "
          + delivered.vectors().keySet() + "; use lambda-update.order = natural");
    }
    if (uplink.codecFor(LambdaStep.DELTA) instanceof BlockwiseCodec blocks) {
      return new CoordinateOrder(LambdaStep.DELTA, withinBlocks(blocks, seed, model));
    }
    int[] perm = order == Order.SEEDED
        ? CoordinateOrder.shuffled(model.length, Seeds.stream(seed, 0, -1, "coordinate-order"))
        : CoordinateOrder.sortedBy(model);
    return new CoordinateOrder(LambdaStep.DELTA, perm);
  }

  /**
   * With per-block codecs the order permutes each block within itself, so every block's codec still
   * receives exactly its own block's coordinates.
   */
  private int[] withinBlocks(BlockwiseCodec blocks, long seed, double[] model) {
    if (blocks.length() != model.length) {
      throw new IllegalArgumentException("the broadcast '" + LambdaStep.PARAMS + "' has " + model.length
          + " values, the uploaded '" + LambdaStep.DELTA + "' " + blocks.length() + ": lambda-update.order needs both over the same blocks");
    }
    int[] perm = new int[model.length];
    int at = 0;
    for (BlockwiseCodec.Part part : blocks.parts()) {
      int[] p = order == Order.SEEDED
          ? CoordinateOrder.shuffled(part.length(), Seeds.stream(seed, 0, -1, "coordinate-order/" + part.block()))
          : CoordinateOrder.sortedBy(java.util.Arrays.copyOfRange(model, at, at + part.length()));
      for (int j = 0; j < p.length; j++) {
        perm[at + j] = at + p[j];
      }
      at += part.length();
    }
    return perm;
  }

  static CodecContext context(long seed, int round, int client, CodecContext.Direction direction) {
    return new CodecContext(seed, round, client, direction, "");
  }
}
