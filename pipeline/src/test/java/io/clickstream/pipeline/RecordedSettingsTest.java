package io.clickstream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clickstream.core.DimensionName;
import io.clickstream.core.Dimensions;
import io.clickstream.core.RedisKeys;
import io.clickstream.pipeline.RecordedSettings.Setting;
import io.clickstream.pipeline.testing.SharedRedis;
import java.time.Instant;
import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.JedisPooled;

/**
 * Issue 9, finding 7: a backfill counts with the live pipeline's event-time rules, or refuses to
 * run.
 */
class RecordedSettingsTest {

  private JedisPooled redis;

  @BeforeEach
  void freshRedis() {
    redis = SharedRedis.flushed();
  }

  @AfterEach
  void close() {
    redis.close();
  }

  @Test
  void aBackfillGivenNoSettingsCountsWithTheOnesTheLivePipelineRecorded() {
    record("PT10M", "PT20M", "PT2S");

    ClickstreamOptions backfill = options();
    Map<Setting, String> adopted = RecordedSettings.adopt(backfill, Map.of());

    assertThat(backfill.getSessionGap()).isEqualTo("PT10M");
    assertThat(backfill.getAllowedLateness()).isEqualTo("PT20M");
    assertThat(backfill.getOutOfOrderness()).isEqualTo("PT2S");
    assertThat(adopted).containsOnlyKeys(Setting.values());
    assertThat(redis.hget(RedisKeys.SESSION_SETTINGS, "session_gap")).isEqualTo("PT10M");
  }

  @Test
  void aBackfillGivenAnotherSessionGapIsRefusedNamingBothValues() {
    record("PT10M", "PT10M", "PT5S");

    assertThatThrownBy(
            () -> RecordedSettings.adopt(options(), Map.of(Setting.SESSION_GAP, "PT30M")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--session-gap PT30M differs from the live pipeline's PT10M")
        .hasMessageContaining(RedisKeys.SESSION_SETTINGS);
  }

  @Test
  void theSameDurationWrittenAnotherWayIsAccepted() {
    record("PT10M", "PT10M", "PT5S");

    ClickstreamOptions backfill = options();
    RecordedSettings.adopt(backfill, Map.of(Setting.SESSION_GAP, "PT600S"));

    assertThat(backfill.getSessionGap()).isEqualTo("PT600S");
  }

  @Test
  void theFirstListIsLiveFromTheStartAndADimensionAddedLaterFromTheStartThatAddedIt() {
    ClickstreamOptions live = options();
    live.setDimensions("source,properties.plan");
    CountedDimensions first =
        RecordedSettings.record(live, EventTimeRules.dimensionsFrom(live), 1_000L);
    live.setDimensions("source,page");
    CountedDimensions second =
        RecordedSettings.record(live, EventTimeRules.dimensionsFrom(live), 2_000L);

    assertThat(redis.hgetAll(RedisKeys.DIMENSIONS))
        .isEqualTo(Map.of("source", "0", "properties.plan", "0", "page", "2000"));
    assertThat(first.countedFor(0))
        .extracting(DimensionName::wireName)
        .containsExactly("source", "properties.plan");
    assertThat(second.countedFor(1_999))
        .extracting(DimensionName::wireName)
        .containsExactly("source");
    assertThat(second.countedFor(2_000))
        .extracting(DimensionName::wireName)
        .containsExactly("source", "page");
    assertThat(redis.hget(RedisKeys.SESSION_SETTINGS, RedisKeys.SETTING_DIMENSIONS))
        .isEqualTo("source,page");
  }

  @Test
  void aBackfillCountsByTheLivePipelinesDimensionsAndRefusesOthers() {
    ClickstreamOptions live = options();
    live.setDimensions("campaign,properties.plan");
    RecordedSettings.record(live, EventTimeRules.dimensionsFrom(live), 1_000L);

    ClickstreamOptions backfill = options();
    RecordedSettings.adopt(backfill, Map.of(Setting.DIMENSIONS, "properties.plan, campaign"));
    assertThat(EventTimeRules.dimensionsFrom(backfill).names())
        .containsExactlyInAnyOrder(
            DimensionName.parse("campaign"), DimensionName.parse("properties.plan"));
    ClickstreamOptions adopting = options();
    RecordedSettings.adopt(adopting, Map.of());
    assertThat(adopting.getDimensions()).isEqualTo("campaign,properties.plan");
    assertThatThrownBy(
            () -> RecordedSettings.adopt(options(), Map.of(Setting.DIMENSIONS, "source")))
        .hasMessageContaining(
            "--dimensions source differs from the live pipeline's campaign,properties.plan");
  }

  @Test
  void anUnknownDimensionStopsThePipelineBeforeItStartsNamingItAndTheAllowedForms() {
    ClickstreamOptions live = options();
    live.setDimensions("source,country");

    assertThatThrownBy(() -> ClickstreamPipeline.run(live))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--dimensions: unknown dimension \"country\"")
        .hasMessageContaining("properties.NAME");
    assertThat(redis.exists(RedisKeys.SESSION_SETTINGS)).as("nothing recorded").isFalse();
  }

  @Test
  void aBackfillCapsDimensionValuesAndEventNamesAsTheLivePipelineDidAndRefusesAnotherCap() {
    ClickstreamOptions live = options();
    live.setMaxDimensionValues(50);
    live.setMaxEventNames(20);
    RecordedSettings.record(live, Dimensions.DEFAULT, 1_000L);

    ClickstreamOptions adopting = options();
    RecordedSettings.adopt(adopting, Map.of());
    assertThat(adopting.getMaxDimensionValues()).isEqualTo(50);
    assertThat(adopting.getMaxEventNames()).isEqualTo(20);
    assertThatThrownBy(
            () -> RecordedSettings.adopt(options(), Map.of(Setting.MAX_DIMENSION_VALUES, "1000")))
        .hasMessageContaining("--maxDimensionValues 1000 differs from the live pipeline's 50");
    assertThatThrownBy(
            () -> RecordedSettings.adopt(options(), Map.of(Setting.MAX_EVENT_NAMES, "10000")))
        .hasMessageContaining("--maxEventNames 10000 differs from the live pipeline's 20");
  }

  @ParameterizedTest
  @ValueSource(strings = {"--maxDimensionValues", "--maxEventNames"})
  void aCapBelowOneStopsThePipelineBeforeItStarts(String cap) {
    ClickstreamOptions live =
        PipelineOptionsFactory.fromArgs(cap + "=0").as(ClickstreamOptions.class);
    live.setRedisUrl(SharedRedis.url());

    assertThatThrownBy(() -> ClickstreamPipeline.run(live))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(cap + ": must be at least 1, got 0");
    assertThat(redis.exists(RedisKeys.SESSION_SETTINGS)).as("nothing recorded").isFalse();
  }

  @Test
  void theFirstPipelineWritesRollupsFromTheStartAndLaterStartsKeepThat() {
    RecordedSettings.record(options(), Dimensions.DEFAULT, 1_000L);
    RecordedSettings.record(options(), Dimensions.DEFAULT, 2_000_000_000_000L);

    assertThat(redis.get(RedisKeys.ROLLUPS_FROM)).isEqualTo("0");
  }

  @Test
  void aRedisAnEarlierReleaseWroteHasRollupsFromTheMidnightAfterItsLastFinishedSession() {
    redis.hset(RedisKeys.DIMENSIONS, "source", "0");
    long start = Instant.parse("2026-12-04T23:57:00Z").toEpochMilli();

    RecordedSettings.record(options(), Dimensions.DEFAULT, start);

    // An event may be 5 minutes ahead of its write, so a session finished by 23:57 may reach 00:02.
    assertThat(redis.get(RedisKeys.ROLLUPS_FROM))
        .isEqualTo(Long.toString(Instant.parse("2026-12-06T00:00:00Z").toEpochMilli()));
  }

  @Test
  void withNothingRecordedABackfillKeepsItsDefaults() {
    ClickstreamOptions backfill = options();

    assertThat(RecordedSettings.adopt(backfill, Map.of())).isEmpty();
    assertThat(backfill.getSessionGap()).isEqualTo("PT30M");
  }

  private static void record(String gap, String lateness, String outOfOrderness) {
    ClickstreamOptions live = options();
    live.setSessionGap(gap);
    live.setAllowedLateness(lateness);
    live.setOutOfOrderness(outOfOrderness);
    RecordedSettings.record(live, Dimensions.DEFAULT, 1_000L);
  }

  private static ClickstreamOptions options() {
    ClickstreamOptions options = PipelineOptionsFactory.as(ClickstreamOptions.class);
    options.setRedisUrl(SharedRedis.url());
    return options;
  }
}
