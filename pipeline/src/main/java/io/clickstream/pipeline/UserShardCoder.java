package io.clickstream.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.StructuredCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * Encodes a {@link UserShard} when a runner checkpoints or copies it. A leading format byte lets a
 * later release read what an earlier one wrote into a checkpoint, or refuse it by name.
 */
final class UserShardCoder<U> extends StructuredCoder<UserShard<U>> {

  /**
   * 3: a user-scope funnel user's state is {@link UserEpisodes} (2: a list of events, which this
   * release would fail to read only at the user's first event; refused at the restore instead). 2:
   * each user's state as a length-prefixed encoding of its own (1: inline).
   */
  private static final int FORMAT = 3;

  private static final ByteArrayCoder BYTES = ByteArrayCoder.of();
  private static final Coder<String> STRING = StringUtf8Coder.of();
  private static final VarLongCoder LONG = VarLongCoder.of();
  private static final VarIntCoder INT = VarIntCoder.of();

  private final Coder<U> userCoder;

  UserShardCoder(Coder<U> userCoder) {
    this.userCoder = userCoder;
  }

  @Override
  public void encode(UserShard<U> shard, OutputStream out) throws IOException {
    out.write(FORMAT);
    INT.encode(shard.userIds().size(), out);
    for (String user : shard.userIds()) {
      STRING.encode(user, out);
      BYTES.encode(shard.encodedUser(user), out);
      LONG.encode(shard.dueOf(user), out);
    }
    INT.encode(shard.changed().size(), out);
    for (String user : shard.changed()) {
      STRING.encode(user, out);
    }
    LONG.encode(shard.watermark(), out);
    LONG.encode(shard.dueTimer(), out);
    BooleanCoder.of().encode(shard.earlyTimerSet(), out);
  }

  @Override
  public UserShard<U> decode(InputStream in) throws IOException {
    CoderFormat.expect(in, FORMAT, "user shard");
    UserShard<U> shard = new UserShard<>(userCoder);
    int users = INT.decode(in);
    for (int i = 0; i < users; i++) {
      // Decoded only when read: see UserShard.
      shard.putEncoded(STRING.decode(in), BYTES.decode(in), LONG.decode(in));
    }
    int changed = INT.decode(in);
    for (int i = 0; i < changed; i++) {
      shard.markChanged(STRING.decode(in));
    }
    shard.advanceWatermark(LONG.decode(in));
    shard.setDueTimer(LONG.decode(in));
    shard.setEarlyTimerSet(BooleanCoder.of().decode(in));
    return shard;
  }

  @Override
  public List<? extends Coder<?>> getCoderArguments() {
    return List.of(userCoder);
  }

  @Override
  public void verifyDeterministic() throws NonDeterministicException {
    throw new NonDeterministicException(this, "a shard's users are kept in a hash map");
  }
}
