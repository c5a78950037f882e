package io.clickstream.launcher;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Consumer;
import picocli.CommandLine;

/** A command line run in-process, with its exit code and what it printed. */
record Run(int exitCode, String out, String err) {

  static Run of(String... args) {
    return of(cli -> {}, args);
  }

  /** Runs after {@code setUp} has seen the command line (to replace stdin of a subcommand, say). */
  static Run of(Consumer<CommandLine> setUp, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Analytics.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
    setUp.accept(cli);
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
