package org.fedspark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fedspark.testing.FedSparkProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What can be tested of the Kubernetes recipe without a cluster: {@code spark-submit --master k8s://…
 * --deploy-mode cluster --properties-file docker/k8s.properties} of fedspark, against fabric8's mock
 * Kubernetes API server on 127.0.0.1, and the driver pod Spark's {@code KubernetesClientApplication}
 * asks that server to create: the image, the entry point's arguments (fedspark's main class, the jar
 * inside the image, the run's config path and output directory), resources, service account, the
 * shared volume, and a driver that binds to its pod's address (not the loopback interface fedspark
 * uses for embedded runs). No pod runs: the mock has no kubelet, and this machine no container engine.
 */
class KubernetesIT {
  @TempDir
  Path tmp;

  @Test
  void theDriverPodCarriesFedsparksImageMainClassConfigAndResources() throws Exception {
    ApplyingCrudDispatcher dispatcher = new ApplyingCrudDispatcher();
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        dispatcher, false);
    server.init(InetAddress.getByName("127.0.0.1"), 0);
    try {
      List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
          "@" + Path.of("bin", "jvm.options").toAbsolutePath(), "-cp", System.getProperty("java.class.path"),
          "org.apache.spark.deploy.SparkSubmit",
          "--master", "k8s://http://127.0.0.1:" + server.getPort(), "--deploy-mode", "cluster",
          "--name", "fedspark-quickstart", "--class", "org.fedspark.cli.FedSparkCli",
          "--properties-file", Path.of("docker", "k8s.properties").toAbsolutePath().toString(),
          // the mock runs no pod: return once it is created (and no credentials to look for)
          "--conf", "spark.kubernetes.submission.waitAppCompletion=false",
          "local:///opt/fedspark/fedspark-all.jar",
          "run", "/opt/fedspark/conf/quickstart.conf", "--out", "/runs/quickstart");
      FedSparkProcess submit = FedSparkProcess.startCommand(tmp, Map.of("KUBECONFIG", tmp.resolve("none").toString()), cmd);
      int code = submit.waitFor(300);

      assertEquals(0, code, "spark-submit failed:\n" + stderrOf(submit));
      List<io.fabric8.kubernetes.api.model.Pod> pods;
      String podJson;
      try (io.fabric8.kubernetes.client.KubernetesClient k8s = server.createClient()) {
        pods = k8s.pods().inNamespace("fedspark").list().getItems();
        assertEquals(1, pods.size(), "driver pods created in namespace fedspark");
        podJson = k8s.getKubernetesSerialization().asJson(pods.get(0));
      }
      JsonNode pod = new ObjectMapper().readTree(podJson);
      JsonNode spec = pod.get("spec");
      assertEquals("spark", spec.get("serviceAccountName").asText());
      assertEquals("driver", pod.get("metadata").get("labels").get("spark-role").asText());
      JsonNode driver = spec.get("containers").get(0);
      assertEquals("fedspark:0.1.0", driver.get("image").asText());
      assertEquals("IfNotPresent", driver.get("imagePullPolicy").asText());

      List<String> args = new ArrayList<>();
      driver.get("args").forEach(a -> args.add(a.asText()));
      assertEquals("driver", args.get(0), args.toString());
      int cls = args.indexOf("--class");
      assertTrue(cls > 0 && args.get(cls + 1).equals("org.fedspark.cli.FedSparkCli"), args.toString());
      assertEquals(List.of("local:///opt/fedspark/fedspark-all.jar", "run", "/opt/fedspark/conf/quickstart.conf",
          "--out", "/runs/quickstart"), args.subList(cls + 2, args.size()), "the jar, then fedspark's own arguments");

      // 2g of heap plus Spark's default overhead, max(384 MiB, 10 %); one core
      JsonNode res = driver.get("resources");
      assertEquals("2432Mi", res.get("requests").get("memory").asText());
      assertEquals("2432Mi", res.get("limits").get("memory").asText());
      assertEquals("1", res.get("requests").get("cpu").asText());

      // the shared volume for outputs, at /runs
      JsonNode claim = null;
      for (JsonNode v : spec.get("volumes")) {
        if (v.get("name").asText().equals("runs")) {
          claim = v.get("persistentVolumeClaim");
        }
      }
      assertNotNull(claim, "no volume 'runs' in " + spec.get("volumes"));
      assertEquals("fedspark-runs", claim.get("claimName").asText());
      boolean mounted = false;
      for (JsonNode m : driver.get("volumeMounts")) {
        mounted |= m.get("name").asText().equals("runs") && m.get("mountPath").asText().equals("/runs");
      }
      assertTrue(mounted, "the claim is not mounted at /runs: " + driver.get("volumeMounts"));

      // the driver listens on its pod's address (executors in other pods connect to it), on Spark's
      // fixed driver and block-manager ports
      String bind = null;
      for (JsonNode e : driver.get("env")) {
        if (e.get("name").asText().equals("SPARK_DRIVER_BIND_ADDRESS")) {
          bind = e.get("valueFrom").get("fieldRef").get("fieldPath").asText();
        }
        assertFalse(e.get("name").asText().equals("SPARK_LOCAL_IP"), "a loopback SPARK_LOCAL_IP would hide the driver");
      }
      assertEquals("status.podIP", bind);
      List<Integer> ports = new ArrayList<>();
      driver.get("ports").forEach(p -> ports.add(p.get("containerPort").asInt()));
      assertTrue(ports.containsAll(List.of(7078, 7079)), "driver ports " + ports);

      // the Spark properties the driver starts with: the submission's, with no loopback binding
      String configMaps = dispatcher.applied.stream().filter(a -> a.path("kind").asText().equals("ConfigMap"))
          .map(JsonNode::toString).reduce("", String::concat);
      assertTrue(configMaps.contains("spark.kubernetes.container.image=fedspark\\\\:0.1.0")
          || configMaps.contains("spark.kubernetes.container.image=fedspark:0.1.0"), configMaps);
      assertFalse(configMaps.contains("spark.driver.bindAddress"), configMaps);
    } finally {
      server.destroy();
    }
  }

  /**
   * The mock's in-memory API server, plus server-side apply: Spark creates the driver's service and
   * config map with it (PATCH, {@code application/apply-patch+yaml}, which creates an object that does
   * not exist yet), and the mock answers such a patch of a missing object with 404. Here it is
   * acknowledged with the applied object, as a real API server does.
   */
  static final class ApplyingCrudDispatcher extends KubernetesCrudDispatcher {
    final List<JsonNode> applied = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public MockResponse handlePatch(RecordedRequest request) {
      String type = String.valueOf(request.getHeader("Content-Type"));
      if (!type.contains("apply-patch")) {
        return super.handlePatch(request);
      }
      try {
        JsonNode applied = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
            .readTree(request.getUtf8Body()); // YAML, or JSON (which is YAML too)
        this.applied.add(applied);
        return new MockResponse().setResponseCode(200).setBody(new ObjectMapper().writeValueAsString(applied));
      } catch (java.io.IOException e) {
        return new MockResponse().setResponseCode(400).setBody(String.valueOf(e.getMessage()));
      }
    }
  }

  private static String stderrOf(FedSparkProcess p) {
    try {
      String s = p.stderr();
      return s.substring(Math.max(0, s.length() - 6000));
    } catch (java.io.IOException e) {
      return "(no stderr: " + e.getMessage() + ")";
    }
  }
}
