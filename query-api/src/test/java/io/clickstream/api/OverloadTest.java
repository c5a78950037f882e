package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

class OverloadTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  private static final String COUNTS =
      "/api/counts?event=signup&from=2024-05-01T10:00:00Z&to=2024-05-01T11:00:00Z";

  @Test
  void aRangeQueryPastTheLimitOnQueriesAtOnceGets503WithRetryAfterWhileHealthAnswersAtOnce() {
    Semaphore permits = api.heavyQueryPermits();
    permits.acquireUninterruptibly(HeavyQueries.AT_ONCE);
    try {
      ApiFixture.Reply counts = api.get(COUNTS);
      ApiFixture.Reply results =
          api.get("/api/funnels/buy/results?from=2024-05-01T10:00:00Z&to=2024-05-01T11:00:00Z");
      long started = System.nanoTime();
      ApiFixture.Reply health = api.get("/api/health");
      Duration healthTook = Duration.ofNanos(System.nanoTime() - started);

      assertThat(counts.status()).isEqualTo(503);
      assertThat(counts.contentType()).startsWith("application/json");
      assertThat(counts.headers().firstValue("Retry-After")).contains("1");
      assertThat(counts.json().get("error").asText()).startsWith("busy: ");
      assertThat(results.status()).isEqualTo(503);
      assertThat(results.headers().firstValue("Retry-After")).contains("1");
      assertThat(health.status()).isEqualTo(200);
      assertThat(healthTook).isLessThan(HeavyQueries.WAIT);
    } finally {
      permits.release(HeavyQueries.AT_ONCE);
    }
    assertThat(api.get(COUNTS).status()).isEqualTo(200);
  }

  @Test
  void withEveryQueryConnectionTakenARouteGets503AndHealthStillAnswersFromItsOwnConnections() {
    List<Jedis> taken = new ArrayList<>();
    try {
      for (int i = 0; i < ApiServer.QUERY_CONNECTIONS; i++) {
        taken.add(api.queryConnections().getResource());
      }
      ApiFixture.Reply events = api.get("/api/events");
      long started = System.nanoTime();
      ApiFixture.Reply health = api.get("/api/health");
      Duration healthTook = Duration.ofNanos(System.nanoTime() - started);

      assertThat(events.status()).isEqualTo(503);
      assertThat(events.headers().firstValue("Retry-After")).contains("1");
      assertThat(events.json().get("error").asText()).isEqualTo("busy: retry shortly");
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.json().get("redis").get("status").asText()).isEqualTo("up");
      assertThat(healthTook).isLessThan(ApiServer.CONNECTION_WAIT);
    } finally {
      taken.forEach(Jedis::close);
    }
    assertThat(api.get("/api/events").status()).isEqualTo(200);
  }
}
