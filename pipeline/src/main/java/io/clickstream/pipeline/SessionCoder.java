package io.clickstream.pipeline;

import io.clickstream.core.Event;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * The coder of {@link Session}, every session firing crosses it. A leading format byte versions it.
 */
public final class SessionCoder extends AtomicCoder<Session> {

  private static final SessionCoder INSTANCE = new SessionCoder();
  private static final int FORMAT = 2;
  private static final Coder<String> STRING = StringUtf8Coder.of();
  private static final VarLongCoder LONG = VarLongCoder.of();
  private static final VarIntCoder INT = VarIntCoder.of();
  private static final Session.Firing[] FIRINGS = Session.Firing.values();

  public static SessionCoder of() {
    return INSTANCE;
  }

  private SessionCoder() {}

  @Override
  public void encode(Session s, OutputStream out) throws IOException {
    out.write(FORMAT);
    STRING.encode(s.userId(), out);
    LONG.encode(s.startMillis(), out);
    LONG.encode(s.endMillis(), out);
    out.write(s.firing().ordinal());
    BooleanCoder.of().encode(s.last(), out);
    encodeEvents(s.events(), out);
    INT.encode(s.setAside(), out);
  }

  @Override
  public Session decode(InputStream in) throws IOException {
    CoderFormat.expect(in, FORMAT, "session");
    String user = STRING.decode(in);
    long start = LONG.decode(in);
    long end = LONG.decode(in);
    int firing = in.read();
    if (firing < 0 || firing >= FIRINGS.length) {
      throw new IOException("corrupt session: firing " + firing);
    }
    boolean last = BooleanCoder.of().decode(in);
    List<Event> events = decodeEvents(in);
    return new Session(user, start, end, FIRINGS[firing], last, events, INT.decode(in));
  }

  static void encodeEvents(List<Event> events, OutputStream out) throws IOException {
    INT.encode(events.size(), out);
    for (Event e : events) {
      EventCoder.of().encode(e, out);
    }
  }

  static List<Event> decodeEvents(InputStream in) throws IOException {
    int size = INT.decode(in);
    if (size < 0) {
      throw new IOException("corrupt event list: negative size " + size);
    }
    List<Event> events = new ArrayList<>(Math.min(size, 1 << 16));
    for (int i = 0; i < size; i++) {
      events.add(EventCoder.of().decode(in));
    }
    return events;
  }
}
