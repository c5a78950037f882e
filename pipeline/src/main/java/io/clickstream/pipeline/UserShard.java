package io.clickstream.pipeline;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.util.CoderUtils;

/**
 * The state of one shard of users in a {@link ShardedUserFn}: each user's own state, the event time
 * at which each user next needs the watermark (an index, so the earliest is found without a scan),
 * the users changed since the last early firing, and which of the shard's two timers are set.
 *
 * <p>It is one mutable object held in one value state cell. On Flink's heap backend reading and
 * writing it back is a reference swap, so an event costs one state read and one write whatever the
 * shard holds; the whole shard is encoded only when the runner checkpoints it.
 *
 * <p>A user's state is kept as its encoding until it is first read, and an encoded user is copied
 * as bytes when the shard is encoded. Why: the Direct runner copies a key's state through its coder
 * at the first access in every bundle, and a live event is alone in its bundle, so each event paid
 * for encoding and decoding every event of every user in its shard. Now it pays for the bytes of
 * the users it does not touch and for the objects of those it does (docs/benchmarks.md).
 *
 * @param <U> what is kept per user
 */
final class UserShard<U> {

  /** A due time meaning "never". */
  static final long NEVER = Long.MAX_VALUE;

  /** No due timer is set. */
  static final long NO_TIMER = Long.MIN_VALUE;

  /** A user's entry in the due index, ordered by due time and then user, so each user has one. */
  private record Due(long at, String user) implements Comparable<Due> {
    @Override
    public int compareTo(Due other) {
      int byTime = Long.compare(at, other.at);
      return byTime != 0 ? byTime : user.compareTo(other.user);
    }
  }

  /** A user's state as its encoding, until it is read. */
  private record Encoded(byte[] bytes) {}

  private final Coder<U> userCoder;

  /** Per user, its state: a {@code U}, or its {@link Encoded} form. */
  private final Map<String, Object> users = new HashMap<>();

  private final Map<String, Long> dueOf = new HashMap<>();

  /** The due index: one entry per user with a due time, earliest first. */
  private final TreeSet<Due> byDue = new TreeSet<>();

  private final Set<String> changed = new LinkedHashSet<>();
  private long watermark = Long.MIN_VALUE;
  private long dueTimer = NO_TIMER;
  private boolean earlyTimerSet;

  UserShard(Coder<U> userCoder) {
    this.userCoder = userCoder;
  }

  @SuppressWarnings("unchecked") // users holds a U or an Encoded, nothing else
  U get(String user) {
    Object kept = users.get(user);
    if (kept instanceof Encoded encoded) {
      U decoded = decode(user, encoded.bytes());
      users.put(user, decoded);
      return decoded;
    }
    return (U) kept;
  }

  /**
   * Keeps {@code state} for {@code user}, due at {@code due}; a {@code null} state forgets the
   * user.
   */
  void put(String user, U state, long due) {
    keep(user, state, due);
  }

  /** Keeps a user's state in its encoded form, as read from a checkpoint or a copy. */
  void putEncoded(String user, byte[] state, long due) {
    keep(user, new Encoded(state), due);
  }

  /** The users kept, for encoding the shard. */
  Collection<String> userIds() {
    return users.keySet();
  }

  /** The encoding of a user's state: the bytes it was read as, if it was not read since. */
  @SuppressWarnings("unchecked") // users holds a U or an Encoded, nothing else
  byte[] encodedUser(String user) throws CoderException {
    Object kept = users.get(user);
    return kept instanceof Encoded encoded
        ? encoded.bytes()
        : CoderUtils.encodeToByteArray(userCoder, (U) kept);
  }

  private U decode(String user, byte[] bytes) {
    try {
      return CoderUtils.decodeFromByteArray(userCoder, bytes);
    } catch (CoderException e) {
      throw new IllegalStateException("the kept state of user " + user + " cannot be decoded", e);
    }
  }

  private void keep(String user, Object state, long due) {
    long after = state == null ? NEVER : due;
    Long before = after == NEVER ? dueOf.remove(user) : dueOf.put(user, after);
    if (before == null || before != after) {
      if (before != null) {
        byDue.remove(new Due(before, user));
      }
      if (after != NEVER) {
        byDue.add(new Due(after, user));
      }
    }
    if (state == null) {
      users.remove(user);
      changed.remove(user);
    } else {
      users.put(user, state);
    }
  }

  void markChanged(String user) {
    changed.add(user);
  }

  /** The users changed since the last call, in the order they first changed. */
  List<String> takeChanged() {
    List<String> taken = new ArrayList<>(changed);
    changed.clear();
    return taken;
  }

  /** The users due at or before {@code time}, earliest first. */
  List<String> dueBy(long time) {
    List<String> due = new ArrayList<>();
    for (Due entry : byDue) {
      if (entry.at() > time) {
        break;
      }
      due.add(entry.user());
    }
    return due;
  }

  /** The earliest due time of any user, or {@link #NEVER}. */
  long earliestDue() {
    return byDue.isEmpty() ? NEVER : byDue.first().at();
  }

  /** True when nothing is kept and no timer is set: the state cell can be cleared. */
  boolean isIdle() {
    return users.isEmpty() && dueTimer == NO_TIMER && !earlyTimerSet;
  }

  /** How far the watermark is known to have passed: the latest due timer that fired. */
  long watermark() {
    return watermark;
  }

  void advanceWatermark(long passed) {
    watermark = Math.max(watermark, passed);
  }

  long dueTimer() {
    return dueTimer;
  }

  void setDueTimer(long at) {
    dueTimer = at;
  }

  boolean earlyTimerSet() {
    return earlyTimerSet;
  }

  void setEarlyTimerSet(boolean set) {
    earlyTimerSet = set;
  }

  /** The due time of {@code user}, or {@link #NEVER}. */
  long dueOf(String user) {
    return dueOf.getOrDefault(user, NEVER);
  }

  Set<String> changed() {
    return changed;
  }
}
