package io.clickstream.pipeline;

import static io.clickstream.pipeline.TestEvents.BASE;
import static io.clickstream.pipeline.TestEvents.event;
import static io.clickstream.pipeline.TestEvents.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.funnel.FunnelDefinition;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a user leaves in a shard once nothing of theirs can change any more: no state and no timer,
 * asserted on the functions themselves ({@link ShardHarness}), not inferred from their output. Each
 * test fires the early timer after its events, as processing time would.
 */
class NoStateOrTimerIsLeftBehindTest {

  private static final EventTimeRules SETTINGS = ComputeUserFunnelContributionsTest.SETTINGS;
  private static final FunnelDefinition USER_SCOPE = ComputeUserFunnelContributionsTest.FUNNEL;

  @Test
  void sessionsLeaveNothingOnceTheyHaveHadTheirFinalFiring() {
    ShardHarness<UserSessions, Session> shard =
        new ShardHarness<>(new SessionizeEvents.SessionizeFn(SETTINGS));
    shard.add(event("1", "u1", "a", minutes(0), null));
    shard.add(event("2", "u1", "b", minutes(3), null));
    shard.add(event("3", "u2", "a", minutes(1), null));
    shard.fireEarly();

    shard.advanceWatermarkTo(millis(14));
    assertThat(shard.stateLeft()).as("sessions within their allowed lateness").isTrue();
    assertThat(shard.timerLeft()).isTrue();

    shard.advanceWatermarkTo(millis(60));
    assertThat(shard.stateLeft()).isFalse();
    assertThat(shard.timerLeft()).isFalse();
    assertThat(shard.emitted.stream().filter(Session::last).map(Session::userId))
        .containsExactlyInAnyOrder("u1", "u2");
  }

  @Test
  void aUserScopeEpisodeLeavesNothingOnceItCanNoLongerChange() {
    ShardHarness<UserEpisodes, Contribution> shard =
        new ShardHarness<>(userFunnels(List.of(USER_SCOPE)));
    shard.add(event("1", "u1", "a", minutes(0), null));
    shard.add(event("2", "u1", "b", minutes(15), null));
    shard.fireEarly();

    shard.advanceWatermarkTo(millis(21));
    assertThat(shard.stateLeft()).as("an episode a late event could still reach").isTrue();
    assertThat(shard.timerLeft()).isTrue();

    shard.advanceWatermarkTo(millis(120));
    assertThat(shard.stateLeft()).isFalse();
    assertThat(shard.timerLeft()).isFalse();
    assertThat(shard.emitted.get(shard.emitted.size() - 1).last()).isTrue();
  }

  @Test
  void eventsKeptWhileNoUserScopeFunnelExistsAreDroppedWhenTheirEpisodeEnds() {
    ShardHarness<UserEpisodes, Contribution> shard = new ShardHarness<>(userFunnels(List.of()));
    shard.add(event("1", "u1", "a", minutes(0), null));
    shard.fireEarly();
    assertThat(shard.stateLeft()).as("kept for a funnel the catalog may learn").isTrue();

    shard.advanceWatermarkTo(millis(120));
    assertThat(shard.stateLeft()).isFalse();
    assertThat(shard.timerLeft()).isFalse();
    assertThat(shard.emitted).isEmpty();
  }

  private static ComputeUserFunnelContributions.UserFunnelFn userFunnels(
      List<FunnelDefinition> funnels) {
    return new ComputeUserFunnelContributions.UserFunnelFn(
        FunnelCatalog.of(funnels), Coverage.LIVE, SETTINGS, UserHistory.none());
  }

  private static long millis(long minutesAfterBase) {
    return BASE.plus(minutes(minutesAfterBase)).getMillis();
  }
}
