package org.fedspark.run;

import java.util.Map;
import org.fedspark.client.ClientState;
import org.fedspark.codec.Message;

/**
 * Error feedback (F. Seide et al., "1-bit stochastic gradient descent and its application to
 * data-parallel distributed training of speech DNNs", Interspeech 2014; S. P. Karimireddy et al.,
 * "Error Feedback Fixes SignSGD and other Gradient Compression Schemes", ICML 2019): a client adds to
 * its update what the codec failed to deliver last time, e ← (u + e) − D(E(u + e)), so compression
 * errors are delayed, not lost.
 *
 * <p>The residual of vector {@code x} is kept in the client's {@link ClientState} as {@code ef:x}, next
 * to the algorithm's own state but hidden from it: the engine removes these vectors before calling
 * the algorithm and puts them back after, which also gives stateless algorithms (FedAvg) the state
 * this needs.
 */
final class ErrorFeedback {
  static final String PREFIX = "ef:";

  private ErrorFeedback() {}

  /** The algorithm's part of a state: everything but the residuals. */
  static ClientState algorithmPart(ClientState s) {
    ClientState out = ClientState.EMPTY;
    for (Map.Entry<String, double[]> e : s.vectors().entrySet()) {
      if (!e.getKey().startsWith(PREFIX)) {
        out = out.with(e.getKey(), e.getValue());
      }
    }
    return out.vectors().size() == s.vectors().size() ? s : out;
  }

  /** The update plus the kept residuals (a residual of another length than its vector is ignored). */
  static Message corrected(Message update, ClientState s) {
    Message.Builder b = Message.builder();
    update.scalars().forEach(b::scalar);
    for (Map.Entry<String, double[]> e : update.vectors().entrySet()) {
      double[] v = e.getValue();
      double[] r = s.vectors().get(PREFIX + e.getKey());
      if (r != null && r.length == v.length) {
        v = v.clone();
        for (int i = 0; i < v.length; i++) {
          v[i] += r[i];
        }
      }
      b.vector(e.getKey(), v);
    }
    return b.build();
  }

  /** {@code state} with the new residuals: what was meant minus what arrived, per vector. */
  static ClientState withResiduals(ClientState state, Message meant, Message arrived) {
    ClientState out = state;
    for (Map.Entry<String, double[]> e : meant.vectors().entrySet()) {
      double[] m = e.getValue();
      double[] a = arrived.vector(e.getKey());
      double[] r = new double[m.length];
      for (int i = 0; i < r.length; i++) {
        r[i] = m[i] - a[i];
      }
      out = out.with(PREFIX + e.getKey(), r);
    }
    return out;
  }
}
