package org.fedspark.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  void sizeIsHeaderPlusEightBytesPerValue() {
    Message m = Message.builder().vector("delta", new double[1000]).scalar("weight", 1).build();
    int expected = 1 + 2 + (1 + 6 + 8) + 2 + (1 + 5 + 4 + 8 * 1000);
    assertEquals(expected, WireFormat.encode(m, Float64Codec.INSTANCE).length);
  }

  @Test
  void emptyMessageIsZeroBytes() {
    assertEquals(0, WireFormat.encode(Message.EMPTY, Float64Codec.INSTANCE).length);
    assertTrue(WireFormat.decode(new byte[0], Float64Codec.INSTANCE).isEmpty());
  }

  @Test
  void rejectsTrailingGarbageAndUnknownVersion() {
    byte[] b = WireFormat.encode(Message.builder().scalar("a", 1).build(), Float64Codec.INSTANCE);
    byte[] longer = java.util.Arrays.copyOf(b, b.length + 1);
    assertThrows(IllegalArgumentException.class, () -> WireFormat.decode(longer, Float64Codec.INSTANCE));
    b[0] = 9;
    assertThrows(IllegalArgumentException.class, () -> WireFormat.decode(b, Float64Codec.INSTANCE));
  }

  @Test
  void missingFieldNamesWhatExists() {
    Message m = Message.builder().vector("params", new double[1]).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.vector("delta"));
    assertTrue(e.getMessage().contains("params"));
  }
}
