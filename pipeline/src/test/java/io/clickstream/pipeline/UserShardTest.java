package io.clickstream.pipeline;

import static io.clickstream.pipeline.TestEvents.event;
import static io.clickstream.pipeline.TestEvents.minutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.Test;

public class UserShardTest {

  private static final long GAP = minutes(10).getMillis();
  private static final SessionCaps NO_CAPS = new SessionCaps(Integer.MAX_VALUE, Long.MAX_VALUE);
  private static final long LATENESS = minutes(6).getMillis();

  @Test
  public void theEarliestDueUserIsFoundAndAForgottenUserLeavesNothingBehind() {
    UserShard<String> shard = new UserShard<>(StringUtf8Coder.of());
    shard.put("u1", "a", 30);
    shard.put("u2", "b", 10);
    shard.put("u3", "c", UserShard.NEVER);
    shard.markChanged("u2");

    assertThat(shard.earliestDue()).isEqualTo(10);
    assertThat(shard.dueBy(30)).containsExactlyInAnyOrder("u1", "u2");

    shard.put("u2", null, 0);
    shard.put("u1", "a", 40);
    assertThat(shard.earliestDue()).isEqualTo(40);
    assertThat(shard.takeChanged()).isEmpty();
    shard.put("u1", null, 0);
    shard.put("u3", null, 0);
    assertThat(shard.isIdle()).isTrue();
    assertThat(shard.earliestDue()).isEqualTo(UserShard.NEVER);
  }

  @Test
  public void aCheckpointedShardOfSessionsDecodesToTheSameSessionsDueTimesAndTimers()
      throws Exception {
    UserSessions sessions = new UserSessions();
    sessions.add(
        event("e1", "u1", "page_view", minutes(0), "google"), GAP, NO_CAPS, new ArrayList<>());
    sessions.add(
                event("e2", "u1", "search", minutes(30), "google"), GAP, NO_CAPS, new ArrayList<>())
            .closed =
        true;
    UserShard<UserSessions> shard = new UserShard<>(UserSessionsCoder.of());
    shard.put("u1", sessions, sessions.dueTime(GAP, LATENESS));
    shard.markChanged("u1");
    shard.advanceWatermark(123);
    shard.setDueTimer(456);
    shard.setEarlyTimerSet(true);

    UserShardCoder<UserSessions> coder = new UserShardCoder<>(UserSessionsCoder.of());
    UserShard<UserSessions> copy = CoderUtils.clone(coder, shard);

    assertThat(copy.dueOf("u1")).isEqualTo(shard.dueOf("u1"));
    assertThat(copy.takeChanged()).containsExactly("u1");
    assertThat(List.of(copy.watermark(), copy.dueTimer())).containsExactly(123L, 456L);
    assertThat(copy.earlyTimerSet()).isTrue();
    List<UserSessions.Open> decoded = copy.get("u1").sessions();
    assertThat(decoded)
        .extracting(s -> s.start, s -> s.closed, s -> s.changed, s -> s.events.size())
        .containsExactly(
            tuple(sessions.sessions().get(0).start, false, true, 1),
            tuple(sessions.sessions().get(1).start, true, true, 1));
  }

  @Test
  public void aUserReadFromACopyKeepsItsChangesThroughTheNextCopyAndTheOthersStayAsTheyWere()
      throws Exception {
    UserShardCoder<UserSessions> coder = new UserShardCoder<>(UserSessionsCoder.of());
    UserShard<UserSessions> shard = new UserShard<>(UserSessionsCoder.of());
    for (String user : List.of("u1", "u2")) {
      UserSessions sessions = new UserSessions();
      sessions.add(
          event("e-" + user, user, "page_view", minutes(0), "google"),
          GAP,
          NO_CAPS,
          new ArrayList<>());
      shard.put(user, sessions, sessions.dueTime(GAP, LATENESS));
    }

    UserShard<UserSessions> copy = CoderUtils.clone(coder, shard);
    copy.get("u1")
        .add(event("e2", "u1", "search", minutes(1), "google"), GAP, NO_CAPS, new ArrayList<>());
    copy.get("u1").sessions().get(0).changed = false;
    UserShard<UserSessions> next = CoderUtils.clone(coder, copy);

    assertThat(next.get("u1").sessions().get(0).events)
        .extracting(e -> e.eventId())
        .containsExactly("e-u1", "e2");
    assertThat(next.get("u1").sessions().get(0).changed).isFalse();
    assertThat(next.get("u2").sessions().get(0).events)
        .extracting(e -> e.eventId())
        .containsExactly("e-u2");
    assertThat(shard.get("u1").sessions().get(0).events).hasSize(1);
  }

  @Test
  public void anEventBridgingTwoSessionsMergesThemAndKeepsTheOthersInStartOrder() {
    UserSessions sessions = new UserSessions();
    sessions.add(event("a", "u1", "x", minutes(0), null), GAP, NO_CAPS, new ArrayList<>());
    sessions.add(event("b", "u1", "x", minutes(15), null), GAP, NO_CAPS, new ArrayList<>());
    sessions.add(event("c", "u1", "x", minutes(40), null), GAP, NO_CAPS, new ArrayList<>());
    sessions.add(event("z", "u1", "x", minutes(-30), null), GAP, NO_CAPS, new ArrayList<>());

    UserSessions.Open bridged =
        sessions.add(event("bridge", "u1", "x", minutes(8), null), GAP, NO_CAPS, new ArrayList<>());

    assertThat(bridged.events)
        .extracting(e -> e.eventId())
        .containsExactlyInAnyOrder("bridge", "a", "b");
    assertThat(sessions.sessions())
        .extracting(s -> (s.start - sessions.sessions().get(0).start) / 60_000)
        .containsExactly(0L, 30L, 70L);
    // Sessions [t, t+gap) that only touch do not merge, as Beam's session windows do not.
    sessions.add(event("d", "u1", "x", minutes(50), null), GAP, NO_CAPS, new ArrayList<>());
    assertThat(sessions.sessions()).hasSize(4);
  }

  @Test
  public void aCheckpointedShardOfEpisodesDecodesToTheSameEpisodesAndLoadedVersions()
      throws Exception {
    UserEpisodes episodes = new UserEpisodes();
    episodes
        .episodes()
        .add(
            event("e1", "u1", "page_view", minutes(0), "google"),
            GAP,
            new SessionCaps(1, Long.MAX_VALUE),
            new ArrayList<>());
    episodes
        .episodes()
        .add(
            event("e2", "u1", "search", minutes(1), "google"),
            GAP,
            new SessionCaps(1, Long.MAX_VALUE),
            new ArrayList<>());
    episodes.historyLoaded().add("f.returning.3");
    UserShard<UserEpisodes> shard = new UserShard<>(UserEpisodesCoder.of());
    shard.put("u1", episodes, 99);

    UserEpisodes copy =
        CoderUtils.clone(new UserShardCoder<>(UserEpisodesCoder.of()), shard).get("u1");

    assertThat(copy.historyLoaded()).containsExactly("f.returning.3");
    assertThat(copy.episodes().sessions())
        .extracting(s -> s.events.size(), s -> s.setAside, s -> s.lastEventTime)
        .containsExactly(tuple(1, 1, episodes.episodes().sessions().get(0).lastEventTime));
  }

  @Test
  public void aUserScopeStateOfTheFormerFormatIsRefusedByName() throws Exception {
    // The former state: the user's events as a plain list, with no format byte.
    byte[] former =
        CoderUtils.encodeToByteArray(
            ListCoder.of(EventCoder.of()),
            List.of(event("e1", "u1", "page_view", minutes(0), "google")));

    assertThatThrownBy(() -> UserEpisodesCoder.of().decode(new ByteArrayInputStream(former)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("user episodes of format 0");
  }
}
