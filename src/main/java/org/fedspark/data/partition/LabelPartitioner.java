package org.fedspark.data.partition;

/**
 * Splits a labelled dataset into clients when the data does not say which client owns which example.
 *
 * <p>Implementations are pure functions: the result depends only on the arguments, never on the
 * order or place the method runs in, so the loader can run them on the driver over the labels alone
 * and get the same federation on any cluster. Each is O(n log n) or better in the number of examples
 * and always terminates (no resampling until a condition holds: many public Dirichlet partitioners
 * redraw until every client has 10 examples, which for small α and many clients practically never
 * happens; docs/data.md, section 4).
 */
public interface LabelPartitioner {
  /**
   * @param labels class of example i at index i, each in {@code [0, numClasses)}
   * @param numClasses number of classes
   * @param numClients number of clients {@code N ≥ 1}
   * @param seed seed of every random choice
   * @return the client in {@code [0, N)} of example i at index i
   */
  int[] assign(int[] labels, int numClasses, int numClients, long seed);

  /** A short description such as {@code dirichlet(0.5)}. */
  String describe();
}
