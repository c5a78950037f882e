package io.clickstream.bench;

import io.clickstream.core.RedisKeys;
import io.clickstream.pipeline.Contribution;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.util.SafeEncoder;

/**
 * What an engine's results cost in Redis once it has caught up: memory in use, keys, the part of
 * them that is per-user bookkeeping (session records, docs/redis-keys.md), and bytes per
 * event-minute (one event name counted in one minute, the unit the count hashes grow by).
 *
 * @param usedBytes Redis's {@code used_memory} less what an empty Redis uses
 * @param eventMinutes distinct (event name, minute) pairs counted
 */
record RedisFootprint(long usedBytes, long keys, long bookkeepingKeys, long eventMinutes) {

  /** One event's undivided count hash for one minute: {@code cs:cnt:e.NAME:all:MINUTE}. */
  private static final Pattern EVENT_MINUTE =
      Pattern.compile("cs:cnt:e\\.[^:]*:" + RedisKeys.UNDIVIDED + ":\\d+");

  /**
   * Redis's memory in use by an empty database, measured after a flush once Redis has freed what it
   * held: a {@code FLUSHALL ASYNC} frees in the background, and measured at once the "empty" figure
   * still held the previous runner's data, which made the next runner's footprint negative.
   */
  static long emptyBytes(JedisPooled redis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (memoryInfo(redis, "lazyfree_pending_objects") > 0 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    return usedMemory(redis);
  }

  static RedisFootprint measure(JedisPooled redis, long emptyBytes, Map<String, Long> aggregates) {
    long eventMinutes =
        aggregates.keySet().stream()
            .map(field -> field.substring(0, field.indexOf(Contribution.FIELD_SEPARATOR)))
            .filter(key -> EVENT_MINUTE.matcher(key).matches())
            .distinct()
            .count();
    return new RedisFootprint(
        usedMemory(redis) - emptyBytes,
        redis.dbSize(),
        count(redis, RedisKeys.PREFIX + "u:*"),
        eventMinutes);
  }

  long bytesPerEventMinute() {
    return eventMinutes == 0 ? 0 : usedBytes / eventMinutes;
  }

  @Override
  public String toString() {
    return String.format(
        "%,d KiB in %,d keys (%,d of them per-user session records), %,d bytes per event-minute "
            + "over %,d event-minutes",
        usedBytes >> 10, keys, bookkeepingKeys, bytesPerEventMinute(), eventMinutes);
  }

  private static long usedMemory(JedisPooled redis) {
    long used = memoryInfo(redis, "used_memory");
    if (used < 0) {
      throw new IllegalStateException("INFO memory has no used_memory line");
    }
    return used;
  }

  /** A figure of {@code INFO memory}, or -1 when this Redis does not report it. */
  private static long memoryInfo(JedisPooled redis, String name) {
    String info = SafeEncoder.encode((byte[]) redis.sendCommand(Protocol.Command.INFO, "memory"));
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(name + ":")) {
        return Long.parseLong(line.substring(name.length() + 1).trim());
      }
    }
    return -1;
  }

  private static long count(JedisPooled redis, String pattern) {
    ScanParams params = new ScanParams().match(pattern).count(1000);
    String cursor = ScanParams.SCAN_POINTER_START;
    long n = 0;
    do {
      ScanResult<String> page = redis.scan(cursor, params);
      n += page.getResult().size();
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    return n;
  }
}
