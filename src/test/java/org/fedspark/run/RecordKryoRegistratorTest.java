package org.fedspark.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.fedspark.data.ClientData;
import org.fedspark.data.DatasetInfo;
import org.fedspark.data.LocalDataset;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

class RecordKryoRegistratorTest {
  private record Mixed(int i, long l, double d, float f, boolean b, byte y, short s, char c, String text,
      int[] array, Mixed next) {}

  private static final SerializerInstance KRYO = new KryoSerializer(new SparkConf()
      .set("spark.kryo.registrator", RecordKryoRegistrator.class.getName())).newInstance();

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T value) {
    ClassTag<T> tag = (ClassTag<T>) ClassTag$.MODULE$.apply(value.getClass());
    ByteBuffer bytes = KRYO.serialize(value, tag);
    return KRYO.deserialize(bytes, tag);
  }

  @Test
  void clientDataSurvivesKryo() {
    ClientData cd = new ClientData(7, new LocalDataset(new double[] {1.5, -2, 3, 4}, new int[] {1, 0}, 2),
        new LocalDataset(new double[] {9, 8}, new int[] {3}, 2));
    ClientData back = roundTrip(cd);
    assertEquals(7, back.clientId());
    assertArrayEquals(cd.train().features(), back.train().features());
    assertArrayEquals(cd.train().labels(), back.train().labels());
    assertArrayEquals(cd.test().features(), back.test().features());
    assertArrayEquals(cd.test().labels(), back.test().labels());
  }

  @Test
  void everyComponentKindSurvivesKryo() {
    Mixed inner = new Mixed(-1, Long.MIN_VALUE, Double.NaN, 2.5f, false, (byte) -3, (short) 300, 'z', null,
        null, null);
    Mixed m = new Mixed(42, 1L << 40, -0.0, 1e-3f, true, (byte) 7, (short) -2, 'é', "hello", new int[] {4, 5},
        inner);
    Mixed back = roundTrip(m);
    assertEquals(m.i(), back.i());
    assertEquals(m.l(), back.l());
    assertEquals(Double.doubleToRawLongBits(m.d()), Double.doubleToRawLongBits(back.d()));
    assertEquals(m.f(), back.f());
    assertEquals(m.b(), back.b());
    assertEquals(m.y(), back.y());
    assertEquals(m.s(), back.s());
    assertEquals(m.c(), back.c());
    assertEquals(m.text(), back.text());
    assertArrayEquals(m.array(), back.array());
    assertEquals(inner.l(), back.next().l());
    assertEquals(inner.y(), back.next().y());
    assertNull(back.next().text());
    assertNull(back.next().next());
  }

  @Test
  void datasetInfoSurvivesKryo() {
    DatasetInfo info = new DatasetInfo("x", 3, 2, new int[] {5, 6}, new int[] {1, 1});
    DatasetInfo back = roundTrip(info);
    assertEquals("x", back.name());
    assertArrayEquals(info.trainCounts(), back.trainCounts());
    assertArrayEquals(info.testCounts(), back.testCounts());
  }
}
