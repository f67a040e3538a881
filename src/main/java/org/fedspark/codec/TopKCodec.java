package org.fedspark.codec;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Top-k sparsification: only the k = ⌈fraction·n⌉ largest-magnitude values are sent (ties to the
 * lower index), as float32, with their indices as Elias-gamma-coded gaps (first index + 1, then the
 * differences), so an index costs about 2·log₂(n/k) + 1 bits instead of 32. The rest are dropped, which
 * biases the update; with error feedback (on by default for this codec) the client adds what it did
 * not send to its next update, which restores convergence (Stich, Cordonnier and Jaggi, "Sparsified SGD
 * with memory", NeurIPS 2018; Karimireddy et al., ICML 2019).
 *
 * <pre>  u32 k; u32 B; B bytes of gamma-coded index gaps; k float32 values</pre>
 * Error bound: the decoded vector equals x on the kept coordinates up to float rounding (2⁻²⁴
 * relative) and is 0 elsewhere, so ‖x̂ − x‖² ≤ (1 − k/n)‖x‖² + rounding.
 */
public final class TopKCodec implements VectorCodec {
  private static final long serialVersionUID = 1L;
  static final String NAME = "topk";

  private final double fraction;

  /** @param fraction share of the coordinates sent, in (0, 1] */
  public TopKCodec(double fraction) {
    if (!(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException("top-k fraction must be in (0, 1], got " + fraction);
    }
    this.fraction = fraction;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int id() {
    return 5;
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public boolean lossless() {
    return false;
  }

  @Override
  public boolean wantsErrorFeedback() {
    return true;
  }

  /** k for a vector of length n: ⌈fraction·n⌉, at least 1 (0 for an empty vector). */
  public int k(int n) {
    return n == 0 ? 0 : (int) Math.max(1, Math.min(n, Math.ceil(fraction * n)));
  }

  @Override
  public byte[] encode(double[] v, CodecContext ctx) {
    int n = v.length;
    int k = k(n);
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    // descending |v| (NaN first, so a poisoned update is sent and seen), ties to the lower index
    Arrays.sort(order, (a, b) -> {
      int c = Double.compare(Math.abs(v[b]), Math.abs(v[a]));
      return c != 0 ? c : Integer.compare(a, b);
    });
    int[] kept = new int[k];
    for (int i = 0; i < k; i++) {
      kept[i] = order[i];
    }
    Arrays.sort(kept);
    BitWriter bits = new BitWriter();
    int previous = -1;
    for (int i : kept) {
      bits.gamma(i - previous);
      previous = i;
    }
    byte[] stream = bits.toBytes();
    ByteBuffer out = Bodies.allocate(4 + 4 + stream.length + 4 * k);
    out.putInt(k);
    out.putInt(stream.length);
    out.put(stream);
    for (int i : kept) {
      out.putFloat((float) v[i]);
    }
    return out.array();
  }

  @Override
  public double[] decode(int n, ByteBuffer in) {
    int k = Bodies.count(in, n, NAME, "number of kept values");
    int streamBytes = Bodies.count(in, in.remaining(), NAME, "bit stream length");
    BitReader bits = new BitReader(Bodies.bytes(in, streamBytes, NAME, "index stream"), NAME);
    int[] index = new int[k];
    long previous = -1;
    for (int i = 0; i < k; i++) {
      long next = previous + bits.gamma(32);
      if (next >= n) {
        throw new CodecException(NAME + ": index " + next + " out of range for length " + n);
      }
      index[i] = (int) next;
      previous = next;
    }
    bits.requireEnd();
    Bodies.need(in, 4L * k, NAME, k + " values");
    double[] v = new double[n];
    for (int i = 0; i < k; i++) {
      v[index[i]] = in.getFloat();
    }
    return v;
  }
}
