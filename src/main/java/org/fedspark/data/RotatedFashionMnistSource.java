package org.fedspark.data;

import org.apache.spark.SparkContext;

/**
 * Loads {@link DataSpec.Source#ROTATED_FASHION_MNIST}, the rotated-images setup of clustered FL (Ghosh
 * et al., "An Efficient Framework for Clustered Federated Learning", NeurIPS 2020): Fashion-MNIST split
 * into clients by {@code partition.*} exactly as {@link FashionMnistSource} does, then every image of
 * client c (training and test alike) rotated counter-clockwise by {@code g·360/K} degrees, where
 * {@code g = c mod K} is its group ({@link ClientGroups}) and K is {@link DataSpec#rotatedGroups()}. With
 * K = 4 the angles are 0°, 90°, 180°, 270°, exact pixel permutations; other K interpolate bilinearly
 * ({@link ImageRotation}). The rotation happens inside the client's partition, before its train/test
 * split.
 */
final class RotatedFashionMnistSource {
  private RotatedFashionMnistSource() {}

  static FederatedData load(SparkContext sc, DataSpec spec, int numPartitions) {
    int k = spec.rotatedGroups();
    if (k < 1) {
      throw new DataException("data.rotated.groups must be at least 1, got " + k);
    }
    FashionMnistSource.ClientTransform rotate = (client, all) -> {
      double degrees = ClientGroups.groupOf(client, k) * (360.0 / k);
      return degrees == 0 ? all : ImageRotation.rotateAll(all, degrees);
    };
    return FashionMnistSource.load(sc, spec, numPartitions, rotate, "rotated-fashion-mnist(" + k + " groups)");
  }
}
