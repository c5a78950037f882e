package io.clickstream.pipeline;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What {@link ComputeUserFunnelContributions} keeps of one user: the user's open episodes, and the
 * funnel versions whose earlier history has been read from HBase for them.
 *
 * <p>An episode is a session whose gap is the reach (the session gap or the longest user-scope
 * window, whichever is longer), so it is kept as {@link UserSessions}: the same merging, and the
 * same order-independent count cap, whose excess still extends the episode but is not kept.
 */
final class UserEpisodes {

  private final UserSessions episodes;

  /** Namespaces ({@code f.{id}.{version}}) of the versions whose history was loaded. */
  private final Set<String> historyLoaded;

  UserEpisodes() {
    this(new UserSessions(), new LinkedHashSet<>());
  }

  UserEpisodes(UserSessions episodes, Set<String> historyLoaded) {
    this.episodes = episodes;
    this.historyLoaded = historyLoaded;
  }

  UserSessions episodes() {
    return episodes;
  }

  Set<String> historyLoaded() {
    return historyLoaded;
  }

  /** The time of the earliest event kept. */
  long firstEventTime() {
    return episodes.sessions().get(0).start;
  }
}
