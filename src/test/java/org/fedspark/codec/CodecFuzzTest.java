package org.fedspark.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Decoders under damaged input (seeded, so a failure reproduces): a codec body cut short always
 * fails; random or mutated bodies either fail with a {@link CodecException} or decode to a vector of
 * the right length, never another exception; a whole message that was truncated or mutated always
 * fails (its checksum), and bytes of another codec fail naming both.
 */
class CodecFuzzTest {
  private static final CodecContext CTX = new CodecContext(3, 1, 2, CodecContext.Direction.UPLINK, "delta");

  private static List<VectorCodec> codecs() {
    return Codecs.NAMES.stream().map(n -> Codecs.create(n, new Codecs.Params(8, 4, 0.1, 8))).toList();
  }

  private static double[] decodeBody(VectorCodec c, int n, byte[] body) {
    return c.decode(n, ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN));
  }

  @Test
  void everyTruncatedBodyFails() {
    SplittableRandom rng = new SplittableRandom(1);
    for (VectorCodec c : codecs()) {
      for (int t = 0; t < 30; t++) {
        int n = 1 + rng.nextInt(300);
        double[] v = rng.nextBoolean() ? CodecTestVectors.gaussian(rng, n) : CodecTestVectors.piecewise(rng, n, 3);
        byte[] body = c.encode(v, CTX);
        for (int s = 0; s < 60; s++) {
          int len = s < 20 ? Math.max(0, body.length - 1 - s) : rng.nextInt(body.length);
          byte[] cut = Arrays.copyOf(body, len);
          assertThrows(CodecException.class, () -> decodeBody(c, n, cut), c.name() + " cut to " + len);
        }
      }
    }
  }

  @Test
  void randomAndMutatedBodiesFailCleanlyOrDecodeToTheRightLength() {
    SplittableRandom rng = new SplittableRandom(2);
    for (VectorCodec c : codecs()) {
      int failures = 0;
      for (int t = 0; t < 1500; t++) {
        int n = 1 + rng.nextInt(200);
        byte[] body;
        if (t % 3 == 0) {
          body = new byte[rng.nextInt(64)];
          for (int i = 0; i < body.length; i++) {
            body[i] = (byte) rng.nextInt(256);
          }
        } else {
          body = c.encode(CodecTestVectors.piecewise(rng, n, 1 + rng.nextInt(5)), CTX);
          for (int flips = 1 + rng.nextInt(3); flips > 0 && body.length > 0; flips--) {
            body[rng.nextInt(body.length)] ^= (byte) (1 << rng.nextInt(8));
          }
        }
        try {
          assertEquals(n, decodeBody(c, n, body).length);
        } catch (CodecException e) {
          failures++;
          assertTrue(e.getMessage().startsWith(c.name() + ":"), "names the codec: " + e.getMessage());
        } catch (RuntimeException e) {
          fail(c.name() + " threw " + e + " on damaged input " + t);
        }
      }
      assertTrue(failures > 0, c.name() + " rejected no damaged body");
    }
  }

  @Test
  void damagedMessagesAlwaysFail() {
    SplittableRandom rng = new SplittableRandom(3);
    for (VectorCodec c : codecs()) {
      for (int t = 0; t < 200; t++) {
        int n = 1 + rng.nextInt(100);
        Message m = Message.builder().vector("delta", CodecTestVectors.gaussian(rng, n)).scalar("weight", t).build();
        byte[] bytes = WireFormat.encode(m, c, CTX, null);
        byte[] cut = Arrays.copyOf(bytes, 1 + rng.nextInt(bytes.length - 1)); // 0 bytes is the empty message
        assertThrows(CodecException.class, () -> WireFormat.decode(cut, c), c.name() + " truncated");
        byte[] mutated = bytes.clone();
        int at = rng.nextInt(bytes.length);
        mutated[at] ^= (byte) (1 + rng.nextInt(255));
        assertThrows(CodecException.class, () -> WireFormat.decode(mutated, c), c.name() + " byte " + at + " changed");
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1 + rng.nextInt(4));
        assertThrows(CodecException.class, () -> WireFormat.decode(longer, c), c.name() + " extended");
      }
    }
  }

  @Test
  void randomBytesAreNeverAMessage() {
    SplittableRandom rng = new SplittableRandom(4);
    for (int t = 0; t < 20_000; t++) {
      byte[] b = new byte[1 + rng.nextInt(100)];
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) rng.nextInt(256);
      }
      if (t % 2 == 0) {
        b[0] = 2; // the format version, so the checksum is what stops it
      }
      assertThrows(CodecException.class, () -> WireFormat.decode(b));
    }
  }

  @Test
  void anotherCodecsBytesFailNamingBoth() {
    Message m = Message.builder().vector("delta", new double[] {1, 2, 3}).build();
    byte[] topk = WireFormat.encode(m, new TopKCodec(0.5), CTX, null);
    CodecException e = assertThrows(CodecException.class, () -> WireFormat.decode(topk, Float64Codec.INSTANCE));
    assertTrue(e.getMessage().contains("'topk' (id 5, version 1)") && e.getMessage().contains("expected 'float64' (id 1"),
        e.getMessage());
    // without an expected codec, the header says which one to use
    assertEquals(3, WireFormat.decode(topk).vector("delta").length);
  }
}
