package io.clickstream.pipeline.testing;

import io.clickstream.core.RedisKeys;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import redis.clients.jedis.JedisPooled;

/** Waiting on a running pipeline from a test. */
public final class Await {

  private Await() {}

  /** Polls {@code condition} until it holds (true) or {@code timeout} passes (false). */
  public static boolean until(Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(250);
    }
    return true;
  }

  /**
   * The watermark the pipeline last reported, in epoch millis (Long.MIN_VALUE before the first).
   */
  public static long watermark(JedisPooled redis) {
    String value = redis.hget(RedisKeys.PIPELINE_STATUS, RedisKeys.STATUS_WATERMARK_MS);
    return value == null ? Long.MIN_VALUE : Long.parseLong(value);
  }
}
