package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clickstream.core.CountPeriod;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadPlanTest {

  private static final long ROLLUPS_FROM_THE_START = 0;

  @Test
  void aYearOfUtcDaysReadsOneHashADay() {
    ReadPlan plan =
        plan("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z", Step.DAY, ZoneOffset.UTC, 0);

    assertThat(plan.size()).isEqualTo(366);
    assertThat(periods(plan)).containsOnly(CountPeriod.DAY);
    assertThat(plan.bucket(365)).isEqualTo(365);
  }

  @Test
  void aDayInAZoneWholeHoursOffUtcReadsItsTwentyFourHours() {
    ReadPlan plan =
        plan("2024-01-15T00:00:00+01:00", "2024-01-16T00:00:00+01:00", Step.DAY, "Europe/Paris");

    assertThat(plan.size()).isEqualTo(24);
    assertThat(periods(plan)).containsOnly(CountPeriod.HOUR);
  }

  @Test
  void aDayInAZoneHalfAnHourOffUtcReadsMinutesUpToTheFirstWholeHourThenHours() {
    ReadPlan plan =
        plan("2024-01-15T00:00:00+05:30", "2024-01-16T00:00:00+05:30", Step.DAY, "Asia/Kolkata");

    assertThat(plan.size()).isEqualTo(30 + 23 + 30);
  }

  @Test
  void aTwentyFiveHourDayWhenTheClockFallsBackIsOneBucketOfTwentyFiveHours() {
    ReadPlan plan =
        plan("2024-10-27T00:00:00+02:00", "2024-10-28T00:00:00+01:00", Step.DAY, "Europe/Paris");

    assertThat(plan.size()).isEqualTo(25);
    assertThat(plan.bucket(24)).isEqualTo(0);
  }

  @Test
  void aTotalOverARangeReadsDaysInTheMiddleAndHoursAndMinutesAtItsEdges() {
    Buckets whole =
        Buckets.whole(Instant.parse("2024-05-01T22:58:00Z"), Instant.parse("2024-05-04T01:02:00Z"));

    ReadPlan plan = ReadPlan.of(whole, ROLLUPS_FROM_THE_START);

    // 22:58, 22:59, 23:00 (an hour), 2 May and 3 May, 00:00 (an hour), 01:00 and 01:01.
    assertThat(periods(plan))
        .containsExactly(
            CountPeriod.MINUTE,
            CountPeriod.MINUTE,
            CountPeriod.HOUR,
            CountPeriod.DAY,
            CountPeriod.DAY,
            CountPeriod.HOUR,
            CountPeriod.MINUTE,
            CountPeriod.MINUTE);
  }

  @Test
  void beforeTheRollupsAreCompleteOnlyMinutesAreRead() {
    long rollupsFrom = Instant.parse("2024-05-02T00:00:00Z").getEpochSecond() / 60;

    ReadPlan plan =
        plan("2024-05-01T00:00:00Z", "2024-05-03T00:00:00Z", Step.DAY, ZoneOffset.UTC, rollupsFrom);

    assertThat(plan.size()).isEqualTo(1_440 + 1);
    assertThat(plan.period(1_440)).isEqualTo(CountPeriod.DAY);
  }

  @Test
  void moreMinutesThanTheLimitAreRefusedSayingWhyAndHowToNarrowTheQuery() {
    assertThatThrownBy(
            () ->
                plan(
                    "2024-01-01T00:00:00Z",
                    "2024-06-01T00:00:00Z",
                    Step.DAY,
                    ZoneOffset.UTC,
                    RollupsFrom.NONE))
        .isInstanceOf(BadRequest.class)
        .hasMessageContaining("from..to needs more than 132,480 hashes read")
        .hasMessageContaining("use a shorter range");
  }

  private static ReadPlan plan(String from, String to, Step step, String zone) {
    return plan(from, to, step, ZoneId.of(zone), ROLLUPS_FROM_THE_START);
  }

  private static ReadPlan plan(String from, String to, Step step, ZoneId tz, long rollupsFrom) {
    Buckets buckets =
        Buckets.of(
            Instant.from(OffsetDateTime.parse(from)),
            Instant.from(OffsetDateTime.parse(to)),
            step,
            tz,
            ReadLimits.MAX_BUCKETS);
    return ReadPlan.of(buckets, rollupsFrom);
  }

  private static List<CountPeriod> periods(ReadPlan plan) {
    List<CountPeriod> periods = new ArrayList<>();
    for (int i = 0; i < plan.size(); i++) {
      periods.add(plan.period(i));
    }
    return periods;
  }
}
