package io.clickstream.pipeline;

import io.clickstream.core.Event;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/** Encodes one user's {@link UserSessions} inside a checkpointed {@link UserShard}. */
final class UserSessionsCoder extends AtomicCoder<UserSessions> {

  private static final int FORMAT = 2;
  private static final UserSessionsCoder INSTANCE = new UserSessionsCoder();
  private static final VarLongCoder LONG = VarLongCoder.of();
  private static final VarIntCoder INT = VarIntCoder.of();
  private static final int CHANGED = 1;
  private static final int CLOSED = 2;

  static UserSessionsCoder of() {
    return INSTANCE;
  }

  private UserSessionsCoder() {}

  @Override
  public void encode(UserSessions user, OutputStream out) throws IOException {
    out.write(FORMAT);
    INT.encode(user.sessions().size(), out);
    for (UserSessions.Open s : user.sessions()) {
      LONG.encode(s.start, out);
      LONG.encode(s.lastEventTime, out);
      out.write((s.changed ? CHANGED : 0) | (s.closed ? CLOSED : 0));
      SessionCoder.encodeEvents(s.events, out);
      INT.encode(s.setAside, out);
    }
  }

  @Override
  public UserSessions decode(InputStream in) throws IOException {
    // Before format 2 there was no format byte (and no set-aside count): such state is refused
    // here,
    // unless its session count happens to read as 2, which then fails further on.
    CoderFormat.expect(in, FORMAT, "user sessions");
    UserSessions user = new UserSessions();
    int count = INT.decode(in);
    for (int i = 0; i < count; i++) {
      long start = LONG.decode(in);
      long last = LONG.decode(in);
      int flags = in.read();
      List<Event> events = SessionCoder.decodeEvents(in);
      user.sessions()
          .add(
              new UserSessions.Open(
                  start,
                  last,
                  events,
                  (flags & CHANGED) != 0,
                  (flags & CLOSED) != 0,
                  INT.decode(in)));
    }
    return user;
  }
}
