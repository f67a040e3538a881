package org.fedspark.run;

import java.io.Serializable;
import org.fedspark.algorithm.Schedule;
import org.fedspark.codec.CodecContext;
import org.fedspark.codec.Codecs;
import org.fedspark.codec.tv.TvAdmm;
import org.fedspark.config.FedConfig;
import org.fedspark.config.Keys;
import org.fedspark.codec.CoordinateOrder;
import org.fedspark.codec.Float64Codec;
import org.fedspark.codec.LambdaStep;
import org.fedspark.codec.Message;
import org.fedspark.codec.VectorCodec;
import org.fedspark.data.Seeds;

/**
 * How messages travel in a run: the codec of each direction, whether clients keep error-feedback
 * residuals, the Λ-regularized upload step and the coordinate order of the uploaded delta. The
 * default (float64 both ways, nothing else) reproduces uncompressed transport exactly.
 */
record Transport(VectorCodec uplink, VectorCodec downlink, boolean errorFeedback, LambdaStep lambda, Order order)
    implements Serializable {

  /** Coordinate order of the uploaded delta (and of the Λ step). */
  enum Order {
    NATURAL, SEEDED, BY_MODEL
  }

  static Transport plain(VectorCodec codec) {
    return new Transport(codec, codec, false, new LambdaStep(0, null, new double[0]), Order.NATURAL);
  }

  static final Transport DEFAULT = plain(Float64Codec.INSTANCE);

  /** The transport the {@code codec.*} and {@code lambda-update.*} keys describe. */
  static Transport from(FedConfig cfg) {
    Codecs.Params p = new Codecs.Params(cfg.getString(Keys.CODEC_VALUES).equals("float32") ? 4 : 8,
        cfg.getInt(Keys.CODEC_KMEANS_LEVELS), cfg.getDouble(Keys.CODEC_TOPK_FRACTION), cfg.getInt(Keys.CODEC_QSGD_LEVELS));
    VectorCodec up = Codecs.create(cfg.getString(Keys.CODEC_UPLINK), p);
    VectorCodec down = Codecs.create(cfg.getString(Keys.CODEC_DOWNLINK), p);
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

  /** A short description for the run summary, e.g. {@code uplink topk+ef, downlink float64}. */
  String describe() {
    String s = "uplink " + uplink.name() + (errorFeedback ? "+ef" : "") + ", downlink " + downlink.name();
    if (lambda.active()) {
      s += ", lambda-update gamma " + lambda.gamma() + " (" + order.name().toLowerCase(java.util.Locale.ROOT) + " order)";
    }
    return s;
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
    int[] perm = order == Order.SEEDED
        ? CoordinateOrder.shuffled(model.length, Seeds.stream(seed, 0, -1, "coordinate-order"))
        : CoordinateOrder.sortedBy(model);
    return new CoordinateOrder(LambdaStep.DELTA, perm);
  }

  static CodecContext context(long seed, int round, int client, CodecContext.Direction direction) {
    return new CodecContext(seed, round, client, direction, "");
  }
}
