package io.clickstream.pipeline.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * Deterministic coder of {@link EventRow}: row key bytes, write time (var-long), JSON (UTF-8), the
 * nullable reason its bytes were not text, and the rewrite flag. Rows only travel from the read to
 * the parse and are never kept in state or checkpoints, so the format carries no version.
 */
public final class EventRowCoder extends AtomicCoder<EventRow> {

  private static final EventRowCoder INSTANCE = new EventRowCoder();
  private static final ByteArrayCoder BYTES = ByteArrayCoder.of();
  private static final VarLongCoder LONG = VarLongCoder.of();
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();
  private static final NullableCoder<String> NOT_TEXT = NullableCoder.of(StringUtf8Coder.of());
  private static final BooleanCoder FLAG = BooleanCoder.of();

  private EventRowCoder() {}

  public static EventRowCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(EventRow value, OutputStream out) throws IOException {
    if (value == null) {
      throw new IOException("EventRowCoder cannot encode null");
    }
    BYTES.encode(value.rowKey(), out);
    LONG.encode(value.writeTimeMillis(), out);
    STRING.encode(value.json(), out);
    NOT_TEXT.encode(value.notText(), out);
    FLAG.encode(value.rewrite(), out);
  }

  @Override
  public EventRow decode(InputStream in) throws IOException {
    byte[] rowKey = BYTES.decode(in);
    long writeTime = LONG.decode(in);
    String json = STRING.decode(in);
    String notText = NOT_TEXT.decode(in);
    return new EventRow(rowKey, writeTime, json, notText, FLAG.decode(in));
  }

  @Override
  public void verifyDeterministic() {}

  /** {@link EventRow#equals} compares contents, so encoded equality and equals agree. */
  @Override
  public boolean consistentWithEquals() {
    return true;
  }

  private Object readResolve() {
    return INSTANCE;
  }
}
