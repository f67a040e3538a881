package org.fedspark.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class WireFormatTest {

  @Test
  void roundTripsVectorsAndScalarsExactly() {
    double[] v = {1.5, -0.0, Double.MIN_VALUE, -1e300, Math.PI};
    Message m = Message.builder().vector("delta", v).vector("empty", new double[0]).scalar("weight", 17).build();
    byte[] b = WireFormat.encode(m, Float64Codec.INSTANCE);
    Message back = WireFormat.decode(b, Float64Codec.INSTANCE);
    assertArrayEquals(v, back.vector("delta"), 0.0);
    assertEquals(0, back.vector("empty").length);
    assertEquals(17.0, back.scalar("weight"));
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(back.vector("delta")[1]));
  }

  @Test
  void sizeIsHeaderPlusEightBytesPerValuePlusChecksum() {
    Message m = Message.builder().vector("delta", new double[1000]).scalar("weight", 1).build();
    int expected = 1 + 2 + (1 + 6 + 8) + 2 + (1 + 5 + 2 + 4 + 8 * 1000) + 4;
    assertEquals(expected, WireFormat.encode(m, Float64Codec.INSTANCE).length);
  }

  @Test
  void layoutIsAsDocumented() {
    byte[] b = WireFormat.encode(Message.builder().vector("v", new double[] {2.0}).build(), Float64Codec.INSTANCE);
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(2, buf.get());
    assertEquals(0, buf.getShort());
    assertEquals(1, buf.getShort());
    assertEquals(1, buf.get());
    assertEquals('v', buf.get());
    assertEquals(1, buf.get(), "codec id");
    assertEquals(1, buf.get(), "codec version");
    assertEquals(1, buf.getInt());
    assertEquals(2.0, buf.getDouble());
    CRC32C crc = new CRC32C();
    crc.update(b, 0, b.length - 4);
    assertEquals((int) crc.getValue(), buf.getInt());
  }

  /**
   * Scalars, then vectors with codecs of their own, byte for byte: the hex is what the encoder wrote
   * before it was changed to size the message first and write it into one array, so the two write the
   * same bytes (resume points and saved messages stay readable both ways).
   */
  @Test
  void scalarsAndVectorsWithTheirOwnCodecsAreLaidOutByteForByte() {
    Message m = Message.builder().scalar("weight", 3.5).scalar("n", -2).vector("a", new double[] {1.0, -0.5, 1e-300})
        .vector("bb", new double[] {Math.PI, -0.0}).build();
    byte[] b = WireFormat.encode(m, new Codebook(Float64Codec.INSTANCE, java.util.Map.of("bb", Float32Codec.INSTANCE)),
        CodecContext.none(CodecContext.Direction.UPLINK), null);
    assertEquals("020200067765696768740000000000000c40016e00000000000000c002000161010103000000000000000000f03f"
        + "000000000000e0bf59f3f8c21f6ea501026262020102000000db0f494000000080540326d4", java.util.HexFormat.of().formatHex(b));
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(2, buf.get(), "version");
    assertEquals(2, buf.getShort(), "scalars");
    assertEquals(6, buf.get());
    buf.position(buf.position() + 6);
    assertEquals(3.5, buf.getDouble());
    assertEquals(1, buf.get());
    assertEquals('n', buf.get());
    assertEquals(-2.0, buf.getDouble());
    assertEquals(2, buf.getShort(), "vectors");
    assertEquals(1, buf.get());
    assertEquals('a', buf.get());
    assertEquals(Float64Codec.INSTANCE.id(), buf.get());
    buf.get();
    assertEquals(3, buf.getInt());
    assertEquals(-0.5, buf.getDouble(buf.position() + 8));
    buf.position(buf.position() + 24);
    assertEquals(2, buf.get());
    assertEquals('b', buf.get());
    assertEquals('b', buf.get());
    assertEquals(Float32Codec.INSTANCE.id(), buf.get());
    buf.get();
    assertEquals(2, buf.getInt());
    assertEquals((float) Math.PI, buf.getFloat());
    buf.getFloat();
    CRC32C crc = new CRC32C();
    crc.update(b, 0, b.length - 4);
    assertEquals((int) crc.getValue(), buf.getInt());
    assertEquals(b.length, buf.position());
  }

  @Test
  void emptyMessageIsZeroBytes() {
    assertEquals(0, WireFormat.encode(Message.EMPTY, Float64Codec.INSTANCE).length);
    assertTrue(WireFormat.decode(new byte[0], Float64Codec.INSTANCE).isEmpty());
  }

  @Test
  void rejectsTrailingGarbageUnknownVersionAndUnknownCodec() {
    byte[] b = WireFormat.encode(Message.builder().scalar("a", 1).build(), Float64Codec.INSTANCE);
    byte[] longer = java.util.Arrays.copyOf(b, b.length + 1);
    assertThrows(CodecException.class, () -> WireFormat.decode(longer, Float64Codec.INSTANCE));
    byte[] old = b.clone();
    old[0] = 1;
    CodecException e = assertThrows(CodecException.class, () -> WireFormat.decode(old, Float64Codec.INSTANCE));
    assertTrue(e.getMessage().contains("format version 2"), e.getMessage());
    CodecException unknown = assertThrows(CodecException.class, () -> Codecs.byId(200));
    assertTrue(unknown.getMessage().contains("unknown codec id 200"), unknown.getMessage());
  }

  @Test
  void coordinateOrderIsUndoneOnDecode() {
    double[] v = {1, 2, 3, 4};
    CoordinateOrder order = new CoordinateOrder("delta", new int[] {2, 0, 3, 1});
    assertArrayEquals(new double[] {3, 1, 4, 2}, order.toWire(v), 0.0);
    Message m = Message.builder().vector("delta", v).vector("other", v).build();
    byte[] b = WireFormat.encode(m, Float64Codec.INSTANCE, CodecContext.none(CodecContext.Direction.UPLINK), order);
    Message back = WireFormat.decode(b, Float64Codec.INSTANCE, order);
    assertArrayEquals(v, back.vector("delta"), 0.0);
    assertArrayEquals(v, back.vector("other"), 0.0);
    assertArrayEquals(new double[] {3, 1, 4, 2}, WireFormat.decode(b).vector("delta"), 0.0, "the wire carries the order");
    assertThrows(IllegalArgumentException.class, () -> new CoordinateOrder("x", new int[] {0, 0}));
  }

  @Test
  void missingFieldNamesWhatExists() {
    Message m = Message.builder().vector("params", new double[1]).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.vector("delta"));
    assertTrue(e.getMessage().contains("params"));
  }
}
