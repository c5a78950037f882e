package io.clickstream.launcher;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * The {@code analytics} command line: {@code demo}, {@code load}, {@code generate}.
 *
 * <p>{@link #main} never lets an exception escape: the HBase mini cluster installs its own default
 * uncaught-exception handler and leaves non-daemon threads behind, so an escaping exception would
 * be swallowed and the JVM would hang. Every failure becomes one {@code error: ...} line and an
 * exit code.
 */
@Command(
    name = "analytics",
    mixinStandardHelpOptions = true,
    versionProvider = Analytics.Version.class,
    description = {
      "Clickstream: real-time funnel analytics (HBase -> Apache Beam -> Redis -> JSON API and dashboard).",
      ""
    },
    subcommands = {
      DemoCommand.class,
      RunCommand.class,
      StopCommand.class,
      LoadCommand.class,
      GenerateCommand.class,
      BackfillCommand.class,
      NotebookCommand.class,
      HelpCommand.class
    },
    footer = {
      "",
      "Run `./analytics test` to build and run every test (handled by the script itself).",
      "Exit codes: 0 success; 1 `load` rejected some lines, or the `run` or `backfill` job failed; 2 usage error, or a server could not be reached."
    })
public final class Analytics implements Callable<Integer> {

  public static final int EXIT_OK = 0;

  /** {@code load}: some lines were rejected (the others were written). */
  public static final int EXIT_REJECTED = 1;

  /**
   * {@code run}, {@code backfill}: the job ended in failure. The same code as a rejection: both are
   * "done, but not all".
   */
  public static final int EXIT_JOB_FAILED = 1;

  public static final int EXIT_ERROR = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** No subcommand: show what there is. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    spec.commandLine().getErr().println("error: a subcommand is required");
    return EXIT_ERROR;
  }

  public static void main(String[] args) {
    int code;
    try {
      code =
          execute(
              new PrintWriter(System.out, true, StandardCharsets.UTF_8),
              new PrintWriter(System.err, true, StandardCharsets.UTF_8),
              args);
    } catch (Throwable t) {
      System.err.println("error: " + describe(t));
      code = EXIT_ERROR;
    }
    System.out.flush();
    System.err.flush();
    System.exit(code);
  }

  /** Runs a command line with the given output streams and returns its exit code; never throws. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = commandLine(out, err);
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Analytics());
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("error: " + describe(e));
          commandLine.getErr().flush();
          return EXIT_ERROR;
        });
    // Picocli's usage errors: the message and a hint, not the whole usage text.
    cli.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine c = e.getCommandLine();
          PrintWriter w = c.getErr();
          w.println("error: " + e.getMessage());
          w.println(
              "Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
          w.flush();
          return EXIT_ERROR;
        });
    return cli;
  }

  /** One line saying what went wrong: the message, with the root cause when it adds something. */
  static String describe(Throwable t) {
    if (t instanceof UserError) {
      return t.getMessage();
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String top = text(t);
    String bottom = text(root);
    String line = root == t || top.contains(bottom) ? top : top + " (caused by " + bottom + ")";
    return line.replace('\n', ' ');
  }

  private static String text(Throwable t) {
    String message = t.getMessage();
    return message == null || message.isBlank()
        ? t.getClass().getName()
        : t.getClass().getSimpleName() + ": " + message;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Analytics.class.getPackage().getImplementationVersion();
      return new String[] {"Clickstream " + (v == null ? "0.1.0-SNAPSHOT" : v)};
    }
  }
}
