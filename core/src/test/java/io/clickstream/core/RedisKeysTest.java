package io.clickstream.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RedisKeysTest {

  @Test
  void escapingKeepsNoGlobColonOrWhitespace() {
    String escaped = RedisKeys.escape("a:b *?[x]{y} \u00e9\u6f22 \n");
    assertThat(escaped).matches("[A-Za-z0-9._%-]*");
  }

  @Test
  void distinctNamesNeverShareAKey() {
    List<String> names =
        List.of(
            "a:b",
            "a%3Ab",
            "a_b",
            "a.b",
            "*",
            "%2A",
            "",
            "x".repeat(10_000),
            "x".repeat(10_001),
            "\u00e9",
            "e\u0301",
            "sessions",
            "micro");
    Set<String> keys = new HashSet<>();
    for (String n : names) {
      keys.add(RedisKeys.counts(RedisKeys.eventMetric(n), RedisKeys.UNDIVIDED, 1));
    }
    keys.add(RedisKeys.counts(RedisKeys.METRIC_SESSIONS, RedisKeys.UNDIVIDED, 1));
    keys.add(RedisKeys.counts(RedisKeys.METRIC_MICRO, RedisKeys.UNDIVIDED, 1));
    assertThat(keys).hasSize(names.size() + 2);
  }

  @Test
  void aMinutesCountsAndFunnelResultsRollUpIntoTheirUtcHourAndDayAndNothingElseDoes() {
    long minute = 28_575_961; // 2024-05-01T10:01Z
    String counts = RedisKeys.counts(RedisKeys.eventMetric("a:b"), "source", minute);

    assertThat(RedisKeys.rollupsOf(counts))
        .containsExactly(
            RedisKeys.counts(RedisKeys.eventMetric("a:b"), "source", CountPeriod.HOUR, 476_266),
            RedisKeys.counts(RedisKeys.eventMetric("a:b"), "source", CountPeriod.DAY, 19_844));
    assertThat(RedisKeys.rollupsOf(RedisKeys.funnelResults("f", 2, minute)))
        .containsExactly(
            RedisKeys.funnelResults("f", 2, CountPeriod.HOUR, 476_266),
            RedisKeys.funnelResults("f", 2, CountPeriod.DAY, 19_844));
    assertThat(RedisKeys.rollupsOf(RedisKeys.CATALOG_TOTAL)).isEmpty();
    assertThat(
            RedisKeys.rollupsOf(
                RedisKeys.counts(RedisKeys.METRIC_SESSIONS, "all", CountPeriod.HOUR, 476_266)))
        .isEmpty();
  }
}
