package org.fedspark.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.fedspark.model.BlockSet;
import org.fedspark.model.ParamLayout;
import org.junit.jupiter.api.Test;

/** Per-block codecs: the rules, the exact bytes of every block, self-describing decoding, damaged input. */
class BlockwiseCodecTest {
  /** An MLP-shaped layout: W1 2×3, b1 2, W2 2×2, b2 2 (head = W2, b2). */
  private static final ParamLayout LAYOUT = ParamLayout.builder().matrix("W1", 2, 3).bias("b1", 2).matrix("W2", 2, 2)
      .bias("b2", 2).build();
  private static final Codecs.Params PARAMS = new Codecs.Params(8, 8, 0.25, 4);
  private static final CodecContext CTX = new CodecContext(5, 2, 9, CodecContext.Direction.UPLINK, "");

  private static final double[] W1 = {1, 1, 1, 2, 2, 2};
  private static final double[] B1 = {0.1, -0.3};
  private static final double[] W2 = {0.5, -1.25, 3.0, 0.7};
  private static final double[] B2 = {1e-3, 7.1};

  private static double[] delta() {
    double[] v = new double[14];
    System.arraycopy(W1, 0, v, 0, 6);
    System.arraycopy(B1, 0, v, 6, 2);
    System.arraycopy(W2, 0, v, 8, 4);
    System.arraycopy(B2, 0, v, 12, 2);
    return v;
  }

  private static Codebook book(String spec, VectorCodec codec, Map<String, BlockSet> vectors) {
    return BlockCodecs.resolve(BlockCodecs.parse(spec, Codecs.NAMES), codec, PARAMS, vectors);
  }

  private static Map<String, BlockSet> deltaOverAll() {
    return Map.of("delta", BlockSet.all(LAYOUT));
  }

  private static Message upload() {
    return Message.builder().vector("delta", delta()).scalar("weight", 12).build();
  }

  @Test
  void everyBlockCostsExactlyWhatItsCodecWrites() {
    Codebook book = book("kmeans W1; float32 b*", Float64Codec.INSTANCE, deltaOverAll());
    byte[] bytes = WireFormat.encode(upload(), book, CTX, null);
    // W1 as k-means (2 distinct values, runs 3 and 3: gamma(3) = 3 bits + a 1-bit index each, one byte):
    // width 1, m 4, 2 float64 values, runs 4, B 4, 1 byte of bits.
    int w1 = 1 + 4 + 2 * 8 + 4 + 4 + 1;
    int b1 = 2 * 4;
    int w2 = 4 * 8;
    int b2 = 2 * 4;
    int body = 2 + 4 * (1 + 1 + 4) + w1 + b1 + w2 + b2;
    assertEquals(1 + 2 + (1 + 6 + 8) + 2 + (1 + 5 + 1 + 1 + 4) + body + 4, bytes.length);

    // Walk the body: each part's header, then exactly its codec's bytes for that block.
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    in.position(1 + 2 + 15 + 2 + 6);
    assertEquals(BlockwiseCodec.ID, Byte.toUnsignedInt(in.get()), "the vector's codec id");
    in.get();
    assertEquals(14, in.getInt());
    assertEquals(4, Short.toUnsignedInt(in.getShort()));
    int[] ids = {4, 2, 1, 2};
    int[] lengths = {6, 2, 4, 2};
    int[] sizes = {w1, b1, w2, b2};
    double[][] blocks = {W1, B1, W2, B2};
    VectorCodec[] codecs = {new KmeansCodec(8, 8), Float32Codec.INSTANCE, Float64Codec.INSTANCE, Float32Codec.INSTANCE};
    for (int i = 0; i < 4; i++) {
      assertEquals(ids[i], Byte.toUnsignedInt(in.get()), "part " + i + " id");
      assertEquals(1, Byte.toUnsignedInt(in.get()), "part " + i + " version");
      assertEquals(lengths[i], in.getInt(), "part " + i + " length");
      byte[] alone = codecs[i].encode(blocks[i], CTX);
      assertEquals(sizes[i], alone.length, "part " + i + " size");
      byte[] part = new byte[sizes[i]];
      in.get(part);
      assertArrayEquals(alone, part, "part " + i + " is its codec's body for its block");
    }
    assertEquals(4, in.remaining(), "only the checksum is left");

    // Decoded without knowing the rules: W1 and W2 exact, the biases rounded to float.
    double[] back = WireFormat.decode(bytes).vector("delta");
    double[] expected = delta();
    for (int i : new int[] {6, 7, 12, 13}) {
      expected[i] = (float) expected[i];
    }
    assertArrayEquals(expected, back, 0.0);
    assertNotEquals(delta()[6], back[6], "b1 went as float32");
    assertEquals(12.0, WireFormat.decode(bytes, book).scalar("weight"));
  }

  @Test
  void aReaderExpectingOtherBlocksOrCodecsFailsNamingTheBlock() {
    byte[] bytes = WireFormat.encode(upload(), book("kmeans W1; float32 b*", Float64Codec.INSTANCE, deltaOverAll()), CTX, null);
    Codebook other = book("float32 W1", Float64Codec.INSTANCE, deltaOverAll());
    CodecException e = assertThrows(CodecException.class, () -> WireFormat.decode(bytes, other));
    assertTrue(e.getMessage().contains("block 'W1'") && e.getMessage().contains("float32"), e.getMessage());
    CodecException plain = assertThrows(CodecException.class, () -> WireFormat.decode(bytes, Float64Codec.INSTANCE));
    assertTrue(plain.getMessage().contains("'blocks'"), plain.getMessage());
  }

  @Test
  void rulesApplyInOrderOverTheDirectionsCodecAndOnlyToDeclaredVectors() {
    BlockwiseCodec c = (BlockwiseCodec) book("float32 all; qsgd W*; float32 W2", Float64Codec.INSTANCE, deltaOverAll())
        .codecFor("delta");
    assertEquals(List.of("qsgd", "float32", "float32", "float32"), c.parts().stream().map(p -> p.codec().name()).toList());
    assertEquals(List.of("W1", "b1", "W2", "b2"), c.parts().stream().map(BlockwiseCodec.Part::block).toList());
    assertEquals(List.of(6, 2, 4, 2), c.parts().stream().map(BlockwiseCodec.Part::length).toList());

    Codebook b = book("float32 head", Float64Codec.INSTANCE, deltaOverAll());
    assertEquals(List.of("float64", "float64", "float32", "float32"),
        ((BlockwiseCodec) b.codecFor("delta")).parts().stream().map(p -> p.codec().name()).toList());
    assertEquals(Float64Codec.INSTANCE, b.codecFor("weight"), "undeclared vectors keep the direction's codec");

    // A vector carrying only the body (FedPer's upload): a head rule does not touch it.
    Codebook body = book("float32 head", Float64Codec.INSTANCE, Map.of("delta", BlockSet.of(LAYOUT, List.of("W1", "b1"))));
    assertFalse(body.blockwise());
    // Rules that name the direction's own codec change nothing, not even the bytes.
    Codebook same = book("float64 all", Float64Codec.INSTANCE, deltaOverAll());
    assertFalse(same.blockwise());
    assertArrayEquals(WireFormat.encode(upload(), Float64Codec.INSTANCE, CTX, null), WireFormat.encode(upload(), same, CTX, null));
    assertTrue(book("topk W1", Float64Codec.INSTANCE, deltaOverAll()).wantsErrorFeedback(), "top-k on a block asks for error feedback");
    assertFalse(book("float32 W1", Float64Codec.INSTANCE, deltaOverAll()).wantsErrorFeedback());
  }

  @Test
  void badRulesFailNamingTheRule() {
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> BlockCodecs.parse("W1 b1", Codecs.NAMES));
    assertTrue(none.getMessage().contains("'W1 b1' needs one codec"), none.getMessage());
    IllegalArgumentException two = assertThrows(IllegalArgumentException.class, () -> BlockCodecs.parse("kmeans float32 W1", Codecs.NAMES));
    assertTrue(two.getMessage().contains("two codecs"), two.getMessage());
    IllegalArgumentException bare = assertThrows(IllegalArgumentException.class, () -> BlockCodecs.parse("kmeans; float32 b1", Codecs.NAMES));
    assertTrue(bare.getMessage().contains("'kmeans'"), bare.getMessage());
    IllegalArgumentException down = assertThrows(IllegalArgumentException.class,
        () -> BlockCodecs.parse("topk W1", Codecs.DOWNLINK_NAMES));
    assertTrue(down.getMessage().contains("needs one codec"), "topk is not a downlink codec: " + down.getMessage());
    IllegalArgumentException unmatched = assertThrows(IllegalArgumentException.class,
        () -> book("float32 W3", Float64Codec.INSTANCE, deltaOverAll()));
    assertTrue(unmatched.getMessage().contains("'W3'") && unmatched.getMessage().contains("W1"), unmatched.getMessage());
    IllegalArgumentException undeclared = assertThrows(IllegalArgumentException.class,
        () -> book("float32 W1", Float64Codec.INSTANCE, Map.of()));
    assertTrue(undeclared.getMessage().contains("declare no parameter blocks"), undeclared.getMessage());
    assertTrue(BlockCodecs.parse(" ; ", Codecs.NAMES).isEmpty());
  }

  @Test
  void stochasticBlocksDrawTheirOwnStreams() {
    double[] v = new double[200];
    SplittableRandom rng = new SplittableRandom(4);
    for (int i = 0; i < 100; i++) {
      v[i] = v[i + 100] = rng.nextDouble() - 0.5;
    }
    ParamLayout twin = ParamLayout.builder().matrix("A", 10, 10).matrix("B", 10, 10).build();
    BlockwiseCodec c = (BlockwiseCodec) BlockCodecs.resolve(BlockCodecs.parse("qsgd all", Codecs.NAMES), Float64Codec.INSTANCE,
        PARAMS, Map.of("delta", BlockSet.all(twin))).codecFor("delta");
    CodecContext ctx = CTX.forVector("delta");
    double[] back = c.decode(200, ByteBuffer.wrap(c.encode(v, ctx)).order(ByteOrder.LITTLE_ENDIAN));
    assertFalse(Arrays.equals(Arrays.copyOf(back, 100), Arrays.copyOfRange(back, 100, 200)),
        "equal blocks are rounded independently");
    assertArrayEquals(c.encode(v, ctx), c.encode(v, ctx), "and reproducibly");
  }

  @Test
  void damagedBodiesFailCleanlyOrDecodeToTheRightLength() {
    BlockwiseCodec c = (BlockwiseCodec) book("kmeans W1; float32 b*; qsgd W2", Float64Codec.INSTANCE, deltaOverAll())
        .codecFor("delta");
    byte[] body = c.encode(delta(), CTX);
    for (int len = 0; len < body.length; len++) {
      byte[] cut = Arrays.copyOf(body, len);
      assertThrows(CodecException.class, () -> c.decode(14, wrap(cut)), "cut to " + len);
      assertThrows(CodecException.class, () -> BlockwiseCodec.ANY.decode(14, wrap(cut)), "ANY, cut to " + len);
    }
    SplittableRandom rng = new SplittableRandom(8);
    int failures = 0;
    for (int t = 0; t < 2000; t++) {
      byte[] bad = body.clone();
      for (int flips = 1 + rng.nextInt(3); flips > 0; flips--) {
        bad[rng.nextInt(bad.length)] ^= (byte) (1 << rng.nextInt(8));
      }
      for (VectorCodec reader : new VectorCodec[] {c, BlockwiseCodec.ANY}) {
        try {
          assertEquals(14, reader.decode(14, wrap(bad)).length);
        } catch (CodecException e) {
          failures++;
          assertTrue(e.getMessage().startsWith("blocks:"), "names the codec: " + e.getMessage());
        } catch (RuntimeException e) {
          fail("threw " + e + " on damaged input " + t);
        }
      }
    }
    assertTrue(failures > 0);
    // A part that claims to be blockwise itself is refused.
    ByteBuffer nested = ByteBuffer.allocate(2 + 6).order(ByteOrder.LITTLE_ENDIAN);
    nested.putShort((short) 1).put((byte) BlockwiseCodec.ID).put((byte) 1).putInt(0);
    CodecException e = assertThrows(CodecException.class, () -> BlockwiseCodec.ANY.decode(0, wrap(nested.array())));
    assertTrue(e.getMessage().contains("itself blockwise"), e.getMessage());
    assertInstanceOf(BlockwiseCodec.class, Codecs.byId(BlockwiseCodec.ID));
  }

  private static ByteBuffer wrap(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }
}
