package io.clickstream.pipeline.testing;

import java.time.Duration;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Lets a test see Redis as it would be after some time: every key whose time-to-live would have run
 * out is deleted, as Redis itself would have done. Nothing else changes, so a guarantee that still
 * holds afterwards does not rest on a key that expires within that time.
 */
public final class RedisTime {

  private RedisTime() {}

  public static void advance(JedisPooled redis, Duration by) {
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = redis.scan(cursor, new ScanParams().count(1000));
      for (String key : page.getResult()) {
        long ttl = redis.pttl(key);
        if (ttl >= 0 && ttl <= by.toMillis()) {
          redis.del(key);
        }
      }
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
  }
}
