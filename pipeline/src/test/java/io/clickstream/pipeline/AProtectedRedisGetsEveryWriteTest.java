package io.clickstream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.RedisKeys;
import io.clickstream.pipeline.testing.Await;
import io.clickstream.pipeline.testing.EventsTable;
import io.clickstream.pipeline.testing.LivePipelines;
import io.clickstream.pipeline.testing.SharedMiniHBase;
import io.clickstream.pipeline.testing.SharedRedis;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.StreamEntryID;
import redis.embedded.RedisServer;

/**
 * Against a Redis with a password, in a database other than 0, every writer of the pipeline uses
 * the whole {@code --redisUrl}: counts and dead letters land in that database, and a huge rejected
 * row is kept cut to its first 4,096 characters.
 */
class AProtectedRedisGetsEveryWriteTest {

  @Test
  void countsAndDeadLettersReachAPasswordProtectedRedisInItsNamedDatabase() throws Exception {
    int port = SharedRedis.freePort();
    RedisServer server =
        RedisServer.builder()
            .port(port)
            .bind("127.0.0.1")
            .setting("save \"\"")
            .setting("requirepass s3cret")
            .build();
    server.start();
    String url = "redis://:s3cret@127.0.0.1:" + port + "/3";
    try (JedisPooled redis = new JedisPooled(URI.create(url))) {
      SharedMiniHBase.resetEventsTable();
      Instant now = Instant.now();
      EventsTable.write(
          List.of(
              "{\"event_id\":\"p1\",\"user_id\":\"u1\",\"name\":\"search\",\"ts\":\""
                  + now
                  + "\"}"));
      String huge =
          "{\"event_id\":\"h1\",\"user_id\":\"u1\",\"name\":\"search\",\"ts\":\""
              + now
              + "\",\"page\":\""
              + "x".repeat(70_000)
              + "\"}";
      EventsTable.writeRawText(List.of(huge, "not json"));

      PipelineResult pipeline =
          ClickstreamPipeline.run(
              LivePipelines.options(
                  "--redisUrl=" + url,
                  "--sessionGap=PT5S",
                  "--readFromMillis=" + now.minusSeconds(60).toEpochMilli()));
      try {
        assertThat(
                Await.until(
                    Duration.ofSeconds(60),
                    () ->
                        redis.xlen(RedisKeys.DEAD_LETTERS) == 2
                            && redis.hget(RedisKeys.CATALOG_TOTAL, "search") != null))
            .as("both writers reached database 3")
            .isTrue();
        List<Map<String, String>> deadLetters =
            redis
                .xrange(RedisKeys.DEAD_LETTERS, (StreamEntryID) null, (StreamEntryID) null)
                .stream()
                .map(e -> e.getFields())
                .toList();
        assertThat(deadLetters)
            .anySatisfy(
                d -> {
                  assertThat(d.get("reason")).startsWith("event: longer than");
                  assertThat(d.get("raw"))
                      .startsWith(huge.substring(0, 4_096))
                      .contains("[cut: " + huge.length() + " characters in all]")
                      .hasSizeLessThan(4_200);
                });
        assertThat(redis.hget(RedisKeys.CATALOG_TOTAL, "search")).isEqualTo("1");
        assertThat(pipeline.getState()).isEqualTo(PipelineResult.State.RUNNING);
      } finally {
        pipeline.cancel();
      }
    } finally {
      server.stop();
    }
  }
}
