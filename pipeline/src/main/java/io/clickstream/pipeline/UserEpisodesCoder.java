package io.clickstream.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;

/** Encodes one user's {@link UserEpisodes} inside a checkpointed {@link UserShard}. */
final class UserEpisodesCoder extends AtomicCoder<UserEpisodes> {

  /**
   * 2: capped episodes and the loaded versions (before: the user's events as a plain list, no
   * format byte).
   */
  private static final int FORMAT = 2;

  private static final UserEpisodesCoder INSTANCE = new UserEpisodesCoder();
  private static final Coder<String> STRING = StringUtf8Coder.of();
  private static final VarIntCoder INT = VarIntCoder.of();

  static UserEpisodesCoder of() {
    return INSTANCE;
  }

  private UserEpisodesCoder() {}

  @Override
  public void encode(UserEpisodes user, OutputStream out) throws IOException {
    out.write(FORMAT);
    UserSessionsCoder.of().encode(user.episodes(), out);
    INT.encode(user.historyLoaded().size(), out);
    for (String namespace : user.historyLoaded()) {
      STRING.encode(namespace, out);
    }
  }

  @Override
  public UserEpisodes decode(InputStream in) throws IOException {
    CoderFormat.expect(in, FORMAT, "user episodes");
    UserSessions episodes = UserSessionsCoder.of().decode(in);
    int loaded = INT.decode(in);
    Set<String> historyLoaded = new LinkedHashSet<>();
    for (int i = 0; i < loaded; i++) {
      historyLoaded.add(STRING.decode(in));
    }
    return new UserEpisodes(episodes, historyLoaded);
  }
}
