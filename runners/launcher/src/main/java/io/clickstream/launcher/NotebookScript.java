package io.clickstream.launcher;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;

/**
 * {@code notebook --execute}: a jshell script run snippet by snippet through the JShell API, which,
 * unlike the jshell tool, tells a snippet that failed from one that ran, so the script can stop
 * there with exit code 1.
 */
final class NotebookScript {

  private NotebookScript() {}

  static int run(
      List<String> startup,
      String script,
      PrintWriter out,
      PrintWriter err,
      String classPath,
      List<String> remoteVmOptions) {
    PrintStream snippetsOut = new PrintStream(new WriterStream(out), true, StandardCharsets.UTF_8);
    PrintStream snippetsErr = new PrintStream(new WriterStream(err), true, StandardCharsets.UTF_8);
    try (JShell shell =
        JShell.builder()
            .out(snippetsOut)
            .err(snippetsErr)
            .remoteVMOptions(remoteVmOptions.toArray(String[]::new))
            .build()) {
      shell.addToClasspath(classPath);
      for (String snippet : startup) {
        if (!eval(shell, snippet, "the notebook's start", err)) {
          return Analytics.EXIT_ERROR;
        }
      }
      SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
      String rest = script;
      int number = 0;
      while (!rest.isBlank()) {
        String trimmed = rest.stripLeading();
        if (trimmed.startsWith("/") && !trimmed.startsWith("//") && !trimmed.startsWith("/*")) {
          String command = trimmed.lines().findFirst().orElse("").trim();
          if (command.equals("/exit")) {
            break;
          }
          err.println(
              "error: jshell commands other than /exit are not run by --execute: " + command);
          return Analytics.EXIT_JOB_FAILED;
        }
        SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
        if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
          break;
        }
        if (!info.completeness().isComplete()) {
          err.println("error: the script ends in the middle of a snippet: " + firstLine(rest));
          return Analytics.EXIT_JOB_FAILED;
        }
        number++;
        if (!eval(shell, info.source(), "snippet " + number, err)) {
          return Analytics.EXIT_JOB_FAILED;
        }
        rest = info.remaining();
      }
      return Analytics.EXIT_OK;
    } finally {
      snippetsOut.flush();
      snippetsErr.flush();
      out.flush();
      err.flush();
    }
  }

  /** Evaluates one snippet; false, saying why on {@code err}, if it did not compile or threw. */
  private static boolean eval(JShell shell, String source, String what, PrintWriter err) {
    for (SnippetEvent event : shell.eval(source)) {
      if (event.causeSnippet() != null) {
        continue; // another snippet's status changing because of this one
      }
      Snippet snippet = event.snippet();
      if (event.exception() != null) {
        err.println(
            "error: " + what + " threw " + describe(event.exception()) + ": " + firstLine(source));
        return false;
      }
      if (event.status() == Snippet.Status.REJECTED
          || event.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED
          || event.status() == Snippet.Status.RECOVERABLE_DEFINED) {
        String problems =
            shell
                .diagnostics(snippet)
                .map(d -> d.getMessage(null))
                .collect(Collectors.joining("; "));
        if (problems.isEmpty()) {
          problems =
              "unresolved: "
                  + shell
                      .unresolvedDependencies((jdk.jshell.DeclarationSnippet) snippet)
                      .collect(Collectors.joining(", "));
        }
        err.println(
            "error: " + what + " does not compile (" + problems + "): " + firstLine(source));
        return false;
      }
    }
    return true;
  }

  private static String describe(Exception e) {
    if (e instanceof EvalException thrown) {
      return thrown.getExceptionClassName() + ": " + thrown.getMessage();
    }
    if (e instanceof UnresolvedReferenceException unresolved) {
      return "an unresolved reference in " + unresolved.getSnippet().source();
    }
    return e.toString();
  }

  private static String firstLine(String source) {
    return source.strip().lines().findFirst().orElse("");
  }

  /**
   * The snippets' output (UTF-8) into the command's writer, which a test captures. The remote VM's
   * output arrives in chunks, each flushed: a character whose bytes a chunk splits waits for the
   * rest of its bytes (decoded apart, "→" became "���").
   */
  static final class WriterStream extends OutputStream {
    private final PrintWriter writer;
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

    WriterStream(PrintWriter writer) {
      this.writer = writer;
    }

    @Override
    public synchronized void write(int b) {
      line.write(b);
      if (b == '\n') {
        flush();
      }
    }

    @Override
    public synchronized void flush() {
      byte[] bytes = line.toByteArray();
      int whole = wholeCharacters(bytes);
      writer.write(new String(bytes, 0, whole, StandardCharsets.UTF_8));
      writer.flush();
      line.reset();
      line.write(bytes, whole, bytes.length - whole);
    }

    /** How many of the bytes end with a whole UTF-8 character: all but an unfinished last one. */
    static int wholeCharacters(byte[] bytes) {
      int lead = bytes.length - 1;
      // Back over at most three continuation bytes (10xxxxxx) to the last character's first byte.
      while (lead >= 0 && bytes.length - lead <= 3 && (bytes[lead] & 0xC0) == 0x80) {
        lead--;
      }
      if (lead < 0) {
        return bytes.length;
      }
      int first = bytes[lead] & 0xFF;
      int length = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1;
      return lead + length > bytes.length ? lead : bytes.length;
    }
  }
}
