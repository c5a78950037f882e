package io.clickstream.launcher;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A command that runs until stopped ({@code demo}, {@code run}) on a thread of its own, as if in
 * another terminal. Not the common fork-join pool: on two cores it runs one task at a time.
 */
record Background(Thread thread, CompletableFuture<Run> result) {

  static Background start(String... args) {
    CompletableFuture<Run> result = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                result.complete(Run.of(args));
              } catch (Throwable t) {
                result.completeExceptionally(t);
              }
            },
            "analytics " + args[0]);
    thread.start();
    return new Background(thread, result);
  }

  /** Stops a demo as Ctrl-C would (the JVM excepted) and returns what it printed. */
  Run interrupt() throws Exception {
    thread.interrupt();
    return end();
  }

  /** What the command printed, once it has ended (within a minute). */
  Run end() throws Exception {
    return result.get(60, TimeUnit.SECONDS);
  }
}
