package io.clickstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * What a notebook script prints reaches the command's output whole, however the snippets' JVM cuts
 * it into chunks: a path's "→" (three bytes in UTF-8) split between two chunks once came out as
 * three replacement characters.
 */
class NotebookOutputTest {

  @Test
  void aCharacterSplitBetweenTwoFlushedChunksIsPrintedWhole() {
    StringWriter printed = new StringWriter();
    NotebookScript.WriterStream stream =
        new NotebookScript.WriterStream(new PrintWriter(printed, true));
    byte[] bytes = "search → register ✓𝄞\n".getBytes(StandardCharsets.UTF_8);

    for (int cut = 0; cut < bytes.length; cut++) {
      stream.write(bytes[cut]);
      stream.flush();
    }

    assertThat(printed.toString()).isEqualTo("search → register ✓𝄞\n");
  }
}
