package org.fedspark.codec;

import java.util.List;

/**
 * The codecs by name (configuration) and by wire id (decoding bytes without knowing who wrote them).
 * Parameters only shape encoding; any instance of a codec decodes its bodies, so {@link #byId} needs
 * none.
 */
public final class Codecs {
  private Codecs() {}

  /** Names accepted by {@code codec.uplink} and {@code codec.downlink}. */
  public static final List<String> NAMES = List.of("float64", "float32", PiecewiseConstantCodec.NAME,
      KmeansCodec.NAME, TopKCodec.NAME, QsgdCodec.NAME, SignCodec.NAME);

  /**
   * Names accepted for the downlink: it carries the model itself, not an update, so the codecs that
   * only make sense with error feedback on an update (top-k, sign) are left out.
   */
  public static final List<String> DOWNLINK_NAMES = List.of("float64", "float32", PiecewiseConstantCodec.NAME,
      KmeansCodec.NAME, QsgdCodec.NAME);

  /** Encoding parameters of the configurable codecs. */
  public record Params(int valueWidth, int kmeansLevels, double topkFraction, int qsgdLevels) {
    public static final Params DEFAULT = new Params(8, 8, 0.01, 16);
  }

  /** The codec called {@code name}, with these parameters. */
  public static VectorCodec create(String name, Params p) {
    return switch (name) {
      case "float64" -> Float64Codec.INSTANCE;
      case "float32" -> Float32Codec.INSTANCE;
      case PiecewiseConstantCodec.NAME -> new PiecewiseConstantCodec(p.valueWidth());
      case KmeansCodec.NAME -> new KmeansCodec(p.kmeansLevels(), p.valueWidth());
      case TopKCodec.NAME -> new TopKCodec(p.topkFraction());
      case QsgdCodec.NAME -> new QsgdCodec(p.qsgdLevels());
      case SignCodec.NAME -> SignCodec.INSTANCE;
      default -> throw new IllegalArgumentException("unknown codec '" + name + "'; expected one of " + NAMES);
    };
  }

  /** A decoder for wire id {@code id}. */
  public static VectorCodec byId(int id) {
    if (id == BlockwiseCodec.ID) {
      return BlockwiseCodec.ANY;
    }
    for (String name : NAMES) {
      VectorCodec c = create(name, Params.DEFAULT);
      if (c.id() == id) {
        return c;
      }
    }
    throw new CodecException("unknown codec id " + id + " (known: " + describeAll() + ")");
  }

  private static String describeAll() {
    StringBuilder b = new StringBuilder();
    for (String name : NAMES) {
      VectorCodec c = create(name, Params.DEFAULT);
      b.append(b.length() == 0 ? "" : ", ").append(c.id()).append(" = ").append(name);
    }
    return b.append(", ").append(BlockwiseCodec.ID).append(" = ").append(BlockwiseCodec.NAME).toString();
  }
}
