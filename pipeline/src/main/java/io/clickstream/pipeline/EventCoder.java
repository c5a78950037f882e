package io.clickstream.pipeline;

import io.clickstream.core.Conversion;
import io.clickstream.core.Event;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BigEndianLongCoder;
import org.apache.beam.sdk.coders.ByteCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * A compact, deterministic coder for {@link Event}: it crosses every shuffle, so Java serialization
 * won't do.
 *
 * <p>Events sit in runner state (sessions, episodes, Flink checkpoints), so a release must read
 * what an earlier one wrote. An encoding starts with {@link #VERSIONED} and a format byte ({@link
 * CoderFormat}). The first release wrote no such bytes: its encoding starts with the varint length
 * of the event id, which is never 0 (an event id is not empty), so a leading 0 tells the two apart
 * and the legacy body is still read ({@code EventCoderTest} decodes bytes that release wrote).
 */
public final class EventCoder extends AtomicCoder<Event> {

  /**
   * The first byte of every encoding since formats were numbered; never the first byte of a legacy
   * one.
   */
  private static final int VERSIONED = 0;

  private static final int FORMAT = 1;

  private static final EventCoder INSTANCE = new EventCoder();
  private static final Coder<String> STRING = StringUtf8Coder.of();
  private static final Coder<String> OPTIONAL = NullableCoder.of(StringUtf8Coder.of());
  private static final byte TEXT = 0;
  private static final byte WHOLE = 1;
  private static final byte REAL = 2;

  public static EventCoder of() {
    return INSTANCE;
  }

  private EventCoder() {}

  @Override
  public void encode(Event e, OutputStream out) throws IOException {
    out.write(VERSIONED);
    out.write(FORMAT);
    STRING.encode(e.eventId(), out);
    STRING.encode(e.userId(), out);
    STRING.encode(e.name(), out);
    BigEndianLongCoder.of().encode(e.timestampMillis(), out);
    OPTIONAL.encode(e.source(), out);
    OPTIONAL.encode(e.partner(), out);
    OPTIONAL.encode(e.campaign(), out);
    OPTIONAL.encode(e.page(), out);
    OPTIONAL.encode(e.conversion() == null ? null : e.conversion().wireName(), out);
    VarIntCoder.of().encode(e.properties().size(), out);
    for (Map.Entry<String, Object> p : e.properties().entrySet()) {
      STRING.encode(p.getKey(), out);
      Object value = p.getValue();
      if (value instanceof Long whole) {
        ByteCoder.of().encode(WHOLE, out);
        VarLongCoder.of().encode(whole, out);
      } else if (value instanceof Double real) {
        ByteCoder.of().encode(REAL, out);
        DoubleCoder.of().encode(real, out);
      } else {
        ByteCoder.of().encode(TEXT, out);
        STRING.encode((String) value, out);
      }
    }
  }

  @Override
  public Event decode(InputStream in) throws IOException {
    int first = in.read();
    if (first == -1) {
      throw new EOFException("an event expected, the input has ended");
    }
    String eventId;
    if (first == VERSIONED) {
      CoderFormat.expect(in, FORMAT, "event");
      eventId = STRING.decode(in);
    } else { // the legacy format: the byte read is the first of the event id's length
      PushbackInputStream legacy = new PushbackInputStream(in, 1);
      legacy.unread(first);
      eventId =
          STRING.decode(
              legacy); // reads the pushed-back byte and then only from in: nothing stays behind
    }
    String userId = STRING.decode(in);
    String name = STRING.decode(in);
    long ts = BigEndianLongCoder.of().decode(in);
    String source = OPTIONAL.decode(in);
    String partner = OPTIONAL.decode(in);
    String campaign = OPTIONAL.decode(in);
    String page = OPTIONAL.decode(in);
    String conversion = OPTIONAL.decode(in);
    int size = VarIntCoder.of().decode(in);
    Map<String, Object> properties = new LinkedHashMap<>();
    for (int i = 0; i < size; i++) {
      String key = STRING.decode(in);
      byte type = ByteCoder.of().decode(in);
      properties.put(
          key,
          switch (type) {
            case WHOLE -> VarLongCoder.of().decode(in);
            case REAL -> DoubleCoder.of().decode(in);
            default -> STRING.decode(in);
          });
    }
    return new Event(
        eventId,
        userId,
        name,
        ts,
        source,
        partner,
        campaign,
        page,
        conversion == null ? null : Conversion.fromWire(conversion),
        properties);
  }

  @Override
  public void verifyDeterministic() {}
}
