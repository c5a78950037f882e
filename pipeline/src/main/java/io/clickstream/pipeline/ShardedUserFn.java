package io.clickstream.pipeline;

import io.clickstream.core.Event;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Per-user event-time logic (sessions, user-scope funnels) run on a shard of users instead of one
 * key per user ({@link KeyByUserShard}). Each shard holds its users in one {@link UserShard} and
 * has exactly two timers: a processing-time one for early firings of the users changed since the
 * last, and an event-time one at the earliest time any of its users needs the watermark.
 *
 * <p>Why not one key per user, which Beam would do for us with session windows: a runner's cost per
 * key is what limits a drain. The Direct runner walks every key with a pending timer on each step
 * (quadratic in users over a backlog), and on Flink every element of a merging session window pays
 * a dozen state accesses, each behind a Base64 window key (docs/benchmarks.md). Here the keys with
 * timers are bounded by the shard count, and an element costs one state read and one write.
 *
 * <p>Subclasses say what a user's state is and what it emits; this class keeps the shard, its due
 * index and its timers. The "watermark" given to them is the latest due timer that fired in the
 * shard: the runner's watermark has passed it (it may be further still).
 *
 * @param <U> what is kept per user
 * @param <OutputT> what the subclass emits
 */
abstract class ShardedUserFn<U, OutputT> extends DoFn<KV<Integer, Event>, OutputT> {

  @StateId("shard")
  private final StateSpec<ValueState<UserShard<U>>> shardSpec;

  @TimerId("early")
  private final TimerSpec earlySpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

  @TimerId("due")
  private final TimerSpec dueSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  /** Events a subclass leaves out (the session caps), as dead letters: its second output. */
  static final TupleTag<DeadLetter> SET_ASIDE = new TupleTag<>() {};

  private final TupleTag<OutputT> mainTag;
  private final Coder<U> userCoder;
  private final Duration earlyDelay;

  ShardedUserFn(TupleTag<OutputT> mainTag, Coder<U> userCoder, Duration earlyDelay) {
    this.mainTag = mainTag;
    this.userCoder = userCoder;
    this.shardSpec = StateSpecs.value(new UserShardCoder<>(userCoder));
    this.earlyDelay = earlyDelay;
  }

  /**
   * Takes {@code event} into its user's state ({@code null} when the user has none) and returns the
   * user's state after, {@code null} to keep nothing. May emit at once (a late event's session),
   * and set events aside.
   */
  abstract @Nullable U add(
      String user,
      @Nullable U state,
      Event event,
      long watermark,
      OutputReceiver<OutputT> out,
      OutputReceiver<DeadLetter> setAside);

  /** When the user next needs the watermark, or {@link UserShard#NEVER}. */
  abstract long dueTime(U state, long watermark);

  /** An early firing: re-emits what changed for the user since the last one. */
  abstract void emitChanged(String user, U state, long watermark, OutputReceiver<OutputT> out);

  /**
   * The watermark has passed {@code watermark}, at or after the user's due time: emits what that
   * ends and returns the user's state after, {@code null} once nothing is left to keep. {@link
   * Long#MAX_VALUE} means the input is finished.
   */
  abstract @Nullable U advance(String user, U state, long watermark, OutputReceiver<OutputT> out);

  @ProcessElement
  public void process(
      @Element KV<Integer, Event> element,
      @AlwaysFetched @StateId("shard") ValueState<UserShard<U>> state,
      @TimerId("early") Timer early,
      @TimerId("due") Timer due,
      MultiOutputReceiver outs) {
    UserShard<U> shard = read(state);
    Event event = element.getValue();
    String user = event.userId();
    U after =
        add(
            user,
            shard.get(user),
            event,
            shard.watermark(),
            outs.get(mainTag),
            outs.get(SET_ASIDE));
    keep(shard, user, after);
    if (after != null) {
      shard.markChanged(user);
      if (!shard.earlyTimerSet()) {
        early.offset(earlyDelay).setRelative();
        shard.setEarlyTimerSet(true);
      }
    }
    scheduleDue(shard, due);
    writeBack(state, shard);
  }

  @OnTimer("early")
  public void onEarly(
      @AlwaysFetched @StateId("shard") ValueState<UserShard<U>> state, MultiOutputReceiver outs) {
    OutputReceiver<OutputT> out = outs.get(mainTag);
    UserShard<U> shard = read(state);
    shard.setEarlyTimerSet(false);
    for (String user : shard.takeChanged()) {
      U kept = shard.get(user);
      if (kept != null) {
        emitChanged(user, kept, shard.watermark(), out);
      }
    }
    writeBack(state, shard);
  }

  @OnTimer("due")
  public void onDue(
      OnTimerContext context,
      @AlwaysFetched @StateId("shard") ValueState<UserShard<U>> state,
      @TimerId("due") Timer due,
      MultiOutputReceiver outs) {
    OutputReceiver<OutputT> out = outs.get(mainTag);
    UserShard<U> shard = read(state);
    long fired = context.fireTimestamp().getMillis();
    // A timer clamped to the end of the global window fires only when the input is finished.
    long passed =
        fired >= GlobalWindow.INSTANCE.maxTimestamp().getMillis() ? Long.MAX_VALUE : fired;
    shard.advanceWatermark(passed);
    shard.setDueTimer(UserShard.NO_TIMER);
    for (String user : shard.dueBy(passed)) {
      keep(shard, user, advance(user, shard.get(user), passed, out));
    }
    scheduleDue(shard, due);
    writeBack(state, shard);
  }

  private void keep(UserShard<U> shard, String user, @Nullable U state) {
    shard.put(user, state, state == null ? UserShard.NEVER : dueTime(state, shard.watermark()));
  }

  /** Moves the due timer to the shard's earliest due time, if that changed. */
  private static void scheduleDue(UserShard<?> shard, Timer due) {
    long next = shard.earliestDue();
    if (next == UserShard.NEVER) {
      if (shard.dueTimer() != UserShard.NO_TIMER) {
        due.clear();
        shard.setDueTimer(UserShard.NO_TIMER);
      }
      return;
    }
    // No later than the global window allows; such a timer fires when the input is finished.
    long at = Math.min(next, GlobalWindow.INSTANCE.maxTimestamp().getMillis());
    if (at != shard.dueTimer()) {
      due.set(new Instant(at));
      shard.setDueTimer(at);
    }
  }

  private UserShard<U> read(ValueState<UserShard<U>> state) {
    UserShard<U> shard = state.read();
    return shard == null ? new UserShard<>(userCoder) : shard;
  }

  private static <U> void writeBack(ValueState<UserShard<U>> state, UserShard<U> shard) {
    if (shard.isIdle()) {
      state.clear();
    } else {
      state.write(shard);
    }
  }
}
