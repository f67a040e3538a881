package org.fedspark.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Spark standalone cluster on the loopback interface, as the README's recipe starts one: a master
 * ({@code org.apache.spark.deploy.master.Master --host 127.0.0.1}) and workers of one core and 1 GB each
 * ({@code org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 --memory 1g spark://…}), on free
 * ports, web UIs on loopback ({@code SPARK_LOCAL_IP}) at free ports.
 */
final class StandaloneCluster {
  final String masterUrl;
  final List<Process> workers = new ArrayList<>();
  final List<Path> workDirs = new ArrayList<>();

  private StandaloneCluster(String masterUrl) {
    this.masterUrl = masterUrl;
  }

  static StandaloneCluster start(ClusterProcesses procs, Path dir, int workers) throws IOException, InterruptedException {
    int port = ClusterProcesses.freePort();
    Process master = procs.java("master", "512m", "org.apache.spark.deploy.master.Master",
        List.of("--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port",
            Integer.toString(ClusterProcesses.freePort())));
    procs.await("master", master, "I have been elected leader", Duration.ofSeconds(90));
    StandaloneCluster c = new StandaloneCluster("spark://127.0.0.1:" + port);
    for (int i = 0; i < workers; i++) {
      Path work = Files.createDirectories(dir.resolve("worker-" + i));
      Process w = procs.java("worker-" + i, "512m", "org.apache.spark.deploy.worker.Worker",
          List.of("--host", "127.0.0.1", "--port", Integer.toString(ClusterProcesses.freePort()), "--webui-port",
              Integer.toString(ClusterProcesses.freePort()), "--cores", "1", "--memory", "1g", "--work-dir",
              work.toString(), c.masterUrl));
      c.workers.add(w);
      c.workDirs.add(work);
    }
    for (int i = 0; i < workers; i++) {
      procs.await("worker-" + i, c.workers.get(i), "Successfully registered with master", Duration.ofSeconds(90));
    }
    return c;
  }

  /** The executors (CoarseGrainedExecutorBackend JVMs) running under worker {@code i}. */
  List<ProcessHandle> executors(int i) {
    return ClusterProcesses.descendants(workers.get(i), "CoarseGrainedExecutorBackend");
  }
}
