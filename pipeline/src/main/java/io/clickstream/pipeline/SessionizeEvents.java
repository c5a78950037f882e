package io.clickstream.pipeline;

import io.clickstream.core.Event;
import io.clickstream.core.EventJson;
import io.clickstream.core.EventTable;
import io.clickstream.core.SaturatingTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Groups each user's events into sessions and re-emits a whole session every time it changes:
 * shortly after new events (early firings, for a live view), when the watermark passes its end (on
 * time), for each late event, and once more when it expires (the final firing, which lets the
 * writer release the session's bookkeeping).
 *
 * <p>These are the firings of Beam's session windows with an early, on-time, late and final trigger
 * and accumulating panes, computed in a {@link ShardedUserFn} instead (its javadoc says why). Every
 * firing carries the session's full event list, so the contribution computed from it is absolute;
 * the writer retracts what a session (or the sessions it merged) contributed before.
 */
public class SessionizeEvents extends PTransform<PCollection<Event>, PCollectionTuple> {

  /** The sessions' firings. */
  public static final TupleTag<Session> SESSIONS = new TupleTag<>() {};

  /**
   * Events the session caps leave out ({@link SessionCaps}), as dead letters of kind {@code
   * capped}.
   */
  public static final TupleTag<DeadLetter> CAPPED = ShardedUserFn.SET_ASIDE;

  private final EventTimeRules settings;

  public SessionizeEvents(EventTimeRules settings) {
    this.settings = settings;
  }

  @Override
  public PCollectionTuple expand(PCollection<Event> events) {
    PCollectionTuple out =
        events
            .apply("KeyByUserShard", new KeyByUserShard())
            .apply(
                "SessionizeShards",
                ParDo.of(new SessionizeFn(settings))
                    .withOutputTags(SESSIONS, TupleTagList.of(CAPPED)));
    out.get(SESSIONS).setCoder(SessionCoder.of());
    out.get(CAPPED).setCoder(SerializableCoder.of(DeadLetter.class));
    return out;
  }

  static final class SessionizeFn extends ShardedUserFn<UserSessions, Session> {
    private final long gap;
    private final long lateness;
    private final SessionCaps caps;
    private final Counter expired =
        Metrics.counter(SessionizeEvents.class, "events_after_session_expiry");
    private final Counter capped = Metrics.counter(SessionizeEvents.class, "dead_letter_capped");

    SessionizeFn(EventTimeRules settings) {
      super(SESSIONS, UserSessionsCoder.of(), settings.earlyFiringDelay());
      this.gap = settings.sessionGap().getMillis();
      this.lateness = settings.windowAllowedLateness().getMillis();
      this.caps = SessionCaps.of(settings);
    }

    @Override
    UserSessions add(
        String user,
        UserSessions state,
        Event event,
        long watermark,
        OutputReceiver<Session> out,
        OutputReceiver<DeadLetter> setAside) {
      long onTime = SaturatingTime.plus(event.timestampMillis(), gap) - 1;
      if (SaturatingTime.plus(onTime, lateness) <= watermark) {
        // Parsing sets aside events later than the allowed lateness by their write time, with
        // slack; one still reaching here would only be dropped by Beam's windows as well.
        expired.inc();
        return state;
      }
      UserSessions sessions = state == null ? new UserSessions() : state;
      List<Event> aside = new ArrayList<>();
      UserSessions.Open session = sessions.add(event, gap, caps, aside);
      for (Event e : aside) {
        capped.inc();
        setAside.output(deadLetter(e, session));
      }
      if (session.onTime(gap) <= watermark) {
        out.output(session.fire(user, Session.Firing.LATE, false, gap));
        session.closed = true;
      }
      return sessions;
    }

    private DeadLetter deadLetter(Event e, UserSessions.Open session) {
      String reason =
          e.timestampMillis() >= caps.lengthLimit(session.start)
              ? "more than "
                  + Duration.ofMillis(caps.maxLengthMillis())
                  + " after the start of its session ("
                  + Instant.ofEpochMilli(session.start)
                  + "); --maxSessionLength sets the cap"
              : "its session (from "
                  + Instant.ofEpochMilli(session.start)
                  + ") already counts "
                  + caps.maxEvents()
                  + " earlier events; --maxSessionEvents sets the cap";
      // The row is named by its key; the write time is not known here (-1).
      return new DeadLetter(
          DeadLetter.Kind.CAPPED,
          "user " + e.userId() + ": " + reason,
          HexFormat.of().formatHex(EventTable.rowKey(e.userId(), e.eventId())),
          -1,
          EventJson.toJson(e));
    }

    @Override
    long dueTime(UserSessions state, long watermark) {
      return state.dueTime(gap, lateness);
    }

    @Override
    void emitChanged(String user, UserSessions state, long watermark, OutputReceiver<Session> out) {
      for (UserSessions.Open s : state.sessions()) {
        if (s.changed && !s.closed) {
          out.output(s.fire(user, Session.Firing.EARLY, false, gap));
        }
      }
    }

    @Override
    UserSessions advance(
        String user, UserSessions state, long watermark, OutputReceiver<Session> out) {
      for (Iterator<UserSessions.Open> it = state.sessions().iterator(); it.hasNext(); ) {
        UserSessions.Open s = it.next();
        if (s.expiry(gap, lateness) <= watermark) {
          out.output(
              s.fire(user, s.closed ? Session.Firing.LATE : Session.Firing.ON_TIME, true, gap));
          it.remove();
        } else if (!s.closed && s.onTime(gap) <= watermark) {
          out.output(s.fire(user, Session.Firing.ON_TIME, false, gap));
          s.closed = true;
        }
      }
      return state.isEmpty() ? null : state;
    }
  }
}
