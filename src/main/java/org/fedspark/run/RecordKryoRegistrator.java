package org.fedspark.run;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Teaches Spark's Kryo (version 4, as bundled with Spark 4.0) to serialize Java records.
 *
 * <p>Why: fedspark runs with {@code spark.serializer=KryoSerializer}, and Kryo 4's default
 * {@code FieldSerializer} fails on every record ("can't get field offset on a record class"), because
 * a record's final fields cannot be written reflectively. Kryo is used for shuffles, for task results
 * ({@code collect}, {@code reduce}) and for persisted blocks that spill to disk, so without this an RDD
 * of {@code ClientData} breaks as soon as memory runs short, and collecting any record from a task
 * fails. The serializer below writes a record's components in declaration order and rebuilds it
 * through its canonical constructor, so the record's own validation runs on deserialization too.
 */
public final class RecordKryoRegistrator implements KryoRegistrator {
  @Override
  public void registerClasses(Kryo kryo) {
    kryo.addDefaultSerializer(Record.class, RecordSerializer.class);
  }

  /** Serializes one record class component by component; Kryo creates one per class. */
  public static final class RecordSerializer<T extends Record> extends Serializer<T> {
    private final Method[] accessors;
    private final Class<?>[] types;
    private final Constructor<T> constructor;

    public RecordSerializer(Kryo kryo, Class<T> type) {
      RecordComponent[] components = type.getRecordComponents();
      accessors = new Method[components.length];
      types = new Class<?>[components.length];
      for (int i = 0; i < components.length; i++) {
        accessors[i] = components[i].getAccessor();
        accessors[i].setAccessible(true);
        types[i] = components[i].getType();
      }
      try {
        constructor = type.getDeclaredConstructor(types);
        constructor.setAccessible(true);
      } catch (NoSuchMethodException e) {
        throw new IllegalStateException("record " + type.getName() + " has no canonical constructor", e);
      }
    }

    @Override
    public void write(Kryo kryo, Output output, T record) {
      for (int i = 0; i < accessors.length; i++) {
        Object value;
        try {
          value = accessors[i].invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
          throw new IllegalStateException("cannot read component " + accessors[i].getName(), e);
        }
        writeValue(kryo, output, types[i], value);
      }
    }

    @Override
    public T read(Kryo kryo, Input input, Class<T> type) {
      Object[] args = new Object[types.length];
      for (int i = 0; i < types.length; i++) {
        args[i] = readValue(kryo, input, types[i]);
      }
      try {
        return constructor.newInstance(args);
      } catch (InstantiationException | IllegalAccessException e) {
        throw new IllegalStateException("cannot construct " + type.getName(), e);
      } catch (InvocationTargetException e) {
        throw new IllegalStateException("cannot construct " + type.getName() + ": " + e.getCause(), e.getCause());
      }
    }

    private static void writeValue(Kryo kryo, Output output, Class<?> type, Object value) {
      if (type == int.class) {
        output.writeInt((Integer) value);
      } else if (type == long.class) {
        output.writeLong((Long) value);
      } else if (type == double.class) {
        output.writeDouble((Double) value);
      } else if (type == float.class) {
        output.writeFloat((Float) value);
      } else if (type == boolean.class) {
        output.writeBoolean((Boolean) value);
      } else if (type == byte.class) {
        output.writeByte((Byte) value);
      } else if (type == short.class) {
        output.writeShort((Short) value);
      } else if (type == char.class) {
        output.writeChar((Character) value);
      } else {
        kryo.writeClassAndObject(output, value);
      }
    }

    private static Object readValue(Kryo kryo, Input input, Class<?> type) {
      if (type == int.class) {
        return input.readInt();
      } else if (type == long.class) {
        return input.readLong();
      } else if (type == double.class) {
        return input.readDouble();
      } else if (type == float.class) {
        return input.readFloat();
      } else if (type == boolean.class) {
        return input.readBoolean();
      } else if (type == byte.class) {
        return input.readByte();
      } else if (type == short.class) {
        return input.readShort();
      } else if (type == char.class) {
        return input.readChar();
      }
      return kryo.readClassAndObject(input);
    }
  }
}
