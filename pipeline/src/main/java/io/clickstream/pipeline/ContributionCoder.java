package io.clickstream.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * The coder of {@link Contribution}: every firing of every session crosses it, so Java
 * serialization (class descriptors, boxed maps) costs too much on the hot path. A leading format
 * byte lets a later release read what an earlier one wrote into a runner's checkpoint.
 */
public final class ContributionCoder extends AtomicCoder<Contribution> {

  private static final ContributionCoder INSTANCE = new ContributionCoder();
  private static final int FORMAT = 1;
  private static final Coder<String> STRING = StringUtf8Coder.of();
  private static final VarLongCoder LONG = VarLongCoder.of();
  private static final VarIntCoder INT = VarIntCoder.of();

  public static ContributionCoder of() {
    return INSTANCE;
  }

  private ContributionCoder() {}

  @Override
  public void encode(Contribution c, OutputStream out) throws IOException {
    out.write(FORMAT);
    STRING.encode(c.namespace(), out);
    STRING.encode(c.userId(), out);
    LONG.encode(c.startMillis(), out);
    LONG.encode(c.endMillis(), out);
    LONG.encode(c.version(), out);
    BooleanCoder.of().encode(c.last(), out);
    encodeMap(c.counts(), out);
    encodeMap(c.firstSeen(), out);
    encodeMap(c.lastSeen(), out);
  }

  @Override
  public Contribution decode(InputStream in) throws IOException {
    CoderFormat.expect(in, FORMAT, "session contribution");
    return new Contribution(
        STRING.decode(in),
        STRING.decode(in),
        LONG.decode(in),
        LONG.decode(in),
        LONG.decode(in),
        BooleanCoder.of().decode(in),
        decodeMap(in),
        decodeMap(in),
        decodeMap(in));
  }

  private static void encodeMap(Map<String, Long> map, OutputStream out) throws IOException {
    INT.encode(map.size(), out);
    for (Map.Entry<String, Long> entry : map.entrySet()) {
      STRING.encode(entry.getKey(), out);
      LONG.encode(entry.getValue(), out);
    }
  }

  private static Map<String, Long> decodeMap(InputStream in) throws IOException {
    int size = INT.decode(in);
    if (size < 0) {
      throw new IOException("corrupt session contribution: negative map size " + size);
    }
    Map<String, Long> map = new HashMap<>(Math.min(size, 1 << 16) * 2);
    for (int i = 0; i < size; i++) {
      map.put(STRING.decode(in), LONG.decode(in));
    }
    return map;
  }
}
