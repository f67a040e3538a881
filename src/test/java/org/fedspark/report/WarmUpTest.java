package org.fedspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WarmUpTest {
  @Test
  void eachNamedWarmUpRunsOnceOnADaemonThreadAndItsFailureStaysThere() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(1);
    boolean[] daemon = {false};
    String[] name = {null};
    WarmUp.Work work = () -> {
      runs.incrementAndGet();
      daemon[0] = Thread.currentThread().isDaemon();
      name[0] = Thread.currentThread().getName();
      done.countDown();
      throw new IllegalStateException("a failing warm-up must not reach anyone");
    };
    WarmUp.once("warm-up-test-" + System.nanoTime(), work);
    assertTrue(done.await(10, TimeUnit.SECONDS));
    String first = name[0];
    CountDownLatch again = new CountDownLatch(1);
    WarmUp.once(first, again::countDown); // the same name again: not run
    assertFalse(again.await(300, TimeUnit.MILLISECONDS), "a name runs once per JVM");
    CountDownLatch other = new CountDownLatch(1);
    WarmUp.once(first + "-other", other::countDown);
    assertTrue(other.await(10, TimeUnit.SECONDS), "another name runs");
    assertEquals(1, runs.get());
    assertTrue(daemon[0], "a warm-up never keeps the JVM alive");
    assertTrue(first.startsWith("warm-up-test-"), first);
  }
}
