package org.fedspark.run;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.fedspark.model.ParamBlock;
import org.fedspark.model.ParamLayout;

/**
 * Writes {@link SavedModels}' rows as a Parquet file with Parquet's own writer: the file Spark SQL
 * writes for {@link SavedModels#schema()} (the same column types, lists in Parquet's standard
 * three-level form, snappy), so {@code spark.read.parquet} and {@code fedspark evaluate} read it as
 * they read Spark's, but without starting Spark SQL inside a run, whose start-up (catalyst, its
 * function registry, code generation) is about a second and a half that a run otherwise never needs.
 */
final class ModelsParquet {
  /** The Parquet schema of {@link SavedModels#schema()}. */
  static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
      message spark_schema {
        required int32 round;
        required binary kind (STRING);
        optional int32 client;
        optional binary client_name (STRING);
        required binary block (STRING);
        required group shape (LIST) {
          repeated group list {
            required int32 element;
          }
        }
        required group values (LIST) {
          repeated group list {
            required double element;
          }
        }
      }""");

  private ModelsParquet() {}

  /** One saved model: a client's personal model, or the global one ({@code client} null). */
  record Model(int round, String kind, Integer client, String clientName, double[] params) {}

  /** One row: a block of a model. */
  private record BlockRow(Model model, ParamBlock block) {}

  /**
   * Writes one row per (model, block of {@code layout}) to {@code file}. The file appears whole or not
   * at all: it is written under a hidden name (which Parquet readers skip) and renamed. A retried task
   * writes the same rows again: its file replaces the first attempt's, or, on a file system that will
   * not rename over a file (HDFS), the first one stays.
   */
  static void write(Configuration conf, Path file, ParamLayout layout, List<Model> models) throws IOException {
    FileSystem fs = file.getFileSystem(conf);
    Path partial = new Path(file.getParent(), "." + file.getName() + "." + UUID.randomUUID() + ".tmp");
    try (ParquetWriter<BlockRow> w = builder(HadoopOutputFile.fromPath(partial, conf), conf).build()) {
      for (Model m : models) {
        for (ParamBlock b : layout.blocks()) {
          w.write(new BlockRow(m, b));
        }
      }
    }
    if (!fs.rename(partial, file)) {
      boolean taken = fs.exists(file);
      fs.delete(partial, false);
      if (!taken) {
        throw new IOException("cannot rename " + partial + " to " + file);
      }
    }
  }

  /**
   * Writes one small model with the real writer (schema, snappy, Hadoop's codec factory) into a stream
   * that keeps nothing, on a daemon thread, so that the writer's one-time start-up is paid while a
   * run trains rather than after its last round. The first Parquet file of a JVM cost 160-200 ms
   * against a few ms for the next: loading and linking Parquet's writer, its column encoders and
   * the snappy codec, measured on {@code fmnist-fedavg.conf}. Nothing is written; a failure here
   * only leaves that cost to {@link #write}.
   */
  static void warmUpInBackground(Configuration conf) {
    org.fedspark.report.WarmUp.once("fedspark-parquet-warm-up", () -> warmUp(conf));
  }

  /** The warm-up's work: a small model through the real writer into nowhere; returns the bytes the writer produced. */
  static long warmUp(Configuration conf) throws IOException {
    ParamLayout layout = ParamLayout.builder().matrix("W", 2, 3).bias("b", 2).build();
    Discarding file = new Discarding();
    try (ParquetWriter<BlockRow> w = builder(file, conf).build()) {
      Model m = new Model(0, "warm-up", 1, "warm-up", new double[layout.size()]);
      for (ParamBlock b : layout.blocks()) {
        w.write(new BlockRow(m, b));
      }
    }
    return file.written;
  }

  /** The writer every file of saved models is written with (and the warm-up, to warm up exactly that). */
  private static Builder builder(org.apache.parquet.io.OutputFile file, Configuration conf) {
    return new Builder(file).withConf(conf).withCompressionCodec(CompressionCodecName.SNAPPY)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE);
  }

  /** An output file whose bytes go nowhere. */
  private static final class Discarding implements org.apache.parquet.io.OutputFile {
    private long written;

    @Override
    public org.apache.parquet.io.PositionOutputStream create(long blockSizeHint) {
      return new org.apache.parquet.io.PositionOutputStream() {
        @Override
        public long getPos() {
          return written;
        }

        @Override
        public void write(int b) {
          written++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
          written += len;
        }
      };
    }

    @Override
    public org.apache.parquet.io.PositionOutputStream createOrOverwrite(long blockSizeHint) {
      return create(blockSizeHint);
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }
  }

  private static final class Builder extends ParquetWriter.Builder<BlockRow, Builder> {
    Builder(org.apache.parquet.io.OutputFile file) {
      super(file);
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<BlockRow> getWriteSupport(Configuration conf) {
      return new Support();
    }
  }

  /** Turns a row into Parquet's record events, field by field in {@link #SCHEMA}'s order. */
  private static final class Support extends WriteSupport<BlockRow> {
    private RecordConsumer out;

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(SCHEMA, new HashMap<>());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.out = recordConsumer;
    }

    @Override
    public void write(BlockRow r) {
      Model m = r.model();
      ParamBlock b = r.block();
      out.startMessage();
      field("round", 0, () -> out.addInteger(m.round()));
      field("kind", 1, () -> out.addBinary(Binary.fromString(m.kind())));
      if (m.client() != null) {
        field("client", 2, () -> out.addInteger(m.client()));
      }
      if (m.clientName() != null) {
        field("client_name", 3, () -> out.addBinary(Binary.fromString(m.clientName())));
      }
      field("block", 4, () -> out.addBinary(Binary.fromString(b.name())));
      int[] shape = b.isBias() ? new int[] {b.size()} : new int[] {b.rows(), b.cols()};
      field("shape", 5, () -> list(shape.length, i -> out.addInteger(shape[i])));
      double[] p = m.params();
      field("values", 6, () -> list(b.size(), i -> out.addDouble(p[b.offset() + i])));
      out.endMessage();
    }

    private void field(String name, int index, Runnable value) {
      out.startField(name, index);
      value.run();
      out.endField(name, index);
    }

    /** A LIST: a group whose repeated {@code list} group holds one {@code element} per entry. */
    private void list(int n, java.util.function.IntConsumer element) {
      out.startGroup();
      if (n > 0) {
        out.startField("list", 0);
        for (int i = 0; i < n; i++) {
          out.startGroup();
          out.startField("element", 0);
          element.accept(i);
          out.endField("element", 0);
          out.endGroup();
        }
        out.endField("list", 0);
      }
      out.endGroup();
    }
  }
}
