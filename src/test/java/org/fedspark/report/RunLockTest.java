package org.fedspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.fedspark.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run directory's lock: one writer, stale locks taken over, live ones never. */
class RunLockTest {
  @TempDir
  Path tmp;

  private OutputDir dir() {
    return new OutputDir(tmp.toString(), new Configuration());
  }

  private void writeLock(String host, long pid, Instant heartbeat) throws Exception {
    Files.writeString(tmp.resolve(RunLock.FILE), "{\"run_id\":\"other\",\"host\":\"" + host + "\",\"pid\":" + pid
        + ",\"started\":\"" + heartbeat + "\",\"heartbeat\":\"" + heartbeat + "\"}");
  }

  @Test
  void aSecondWriterIsRefusedUntilTheFirstReleases() {
    OutputDir out = dir();
    try (RunLock first = RunLock.acquire(out)) {
      ConfigException e = assertThrows(ConfigException.class, () -> RunLock.acquire(out));
      assertTrue(e.getMessage().contains("is in use by another fedspark run (run " + first.runId()), e.getMessage());
      assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
    }
    assertFalse(out.exists(RunLock.FILE), "released on close");
    try (RunLock again = RunLock.acquire(out)) {
      assertTrue(out.exists(RunLock.FILE));
    }
  }

  @Test
  void ofManyRunsStartedTogetherExactlyOneGetsTheLock() throws Exception {
    OutputDir out = dir();
    int n = 8;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<RunLock>> tries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tries.add(pool.submit(() -> {
        go.await();
        try {
          return RunLock.acquire(out);
        } catch (ConfigException refused) {
          return null;
        }
      }));
    }
    go.countDown();
    List<RunLock> won = new ArrayList<>();
    for (Future<RunLock> f : tries) {
      if (f.get() != null) {
        won.add(f.get());
      }
    }
    pool.shutdown();
    assertEquals(1, won.size());
    won.get(0).close();
  }

  @Test
  void aLockOfADeadProcessOnThisHostIsTakenOver() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    writeLock(RunLock.hostName(), p.pid(), Instant.now());
    try (RunLock lock = RunLock.acquire(dir())) {
      assertEquals(lock.runId(), RunLock.holder(dir()).orElseThrow().runId());
    }
  }

  @Test
  void onAnotherHostOnlyAnOldHeartbeatMakesALockStale() throws Exception {
    writeLock("another-node.example", 12345, Instant.now().minusSeconds(5));
    ConfigException e = assertThrows(ConfigException.class, () -> RunLock.acquire(dir()));
    assertTrue(e.getMessage().contains("another-node.example"), e.getMessage());

    writeLock("another-node.example", 12345, Instant.now().minus(RunLock.STALE_AFTER).minusSeconds(1));
    try (RunLock lock = RunLock.acquire(dir())) {
      assertNotEquals("other", RunLock.holder(dir()).orElseThrow().runId());
    }
  }

  @Test
  void aLockBeingWrittenIsNotTakenOverButAnOldUnreadableOneIs() throws Exception {
    Files.writeString(tmp.resolve(RunLock.FILE), ""); // created, not yet written
    assertThrows(ConfigException.class, () -> RunLock.acquire(dir()));
    Files.setLastModifiedTime(tmp.resolve(RunLock.FILE),
        java.nio.file.attribute.FileTime.from(Instant.now().minus(RunLock.STALE_AFTER).minusSeconds(1)));
    try (RunLock lock = RunLock.acquire(dir())) {
      assertEquals(lock.runId(), RunLock.holder(dir()).orElseThrow().runId());
    }
  }

  @Test
  void theHeartbeatMovesForward() throws Exception {
    try (RunLock lock = RunLock.acquire(dir())) {
      Instant before = RunLock.holder(dir()).orElseThrow().heartbeat();
      Thread.sleep(5);
      lock.beat();
      Instant after = RunLock.holder(dir()).orElseThrow().heartbeat();
      assertTrue(after.isAfter(before), before + " -> " + after);
      assertEquals(lock.runId(), RunLock.holder(dir()).orElseThrow().runId());
      String[] leftovers = tmp.toFile().list((d, n) -> n.startsWith("."));
      assertEquals(0, leftovers.length, String.join(",", leftovers));
    }
  }
}
