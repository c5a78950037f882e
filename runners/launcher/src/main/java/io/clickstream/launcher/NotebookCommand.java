package io.clickstream.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clickstream.client.Clickstream;
import io.clickstream.client.ClickstreamException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import jdk.jshell.tool.JavaShellToolBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./analytics notebook}: jshell with the Java client and this launcher's class path, the
 * imports made and {@code cs} connected; with {@code --execute}, a script run to its end.
 */
@Command(
    name = "notebook",
    mixinStandardHelpOptions = true,
    header = "Ask the running demo anything from jshell, or run a notebook script.",
    description = {
      "Opens jshell with the Java client (io.clickstream.client) and everything the launcher has "
          + "(Beam, the pipeline, HBase) on its class path, the imports made, and `cs` connected to "
          + "the running ./analytics demo (or to --url). Try: cs.top(\"search\").by(\"source\").last(\"1h\").show()",
      "With --execute SCRIPT, runs the script's snippets in order instead and exits: 1 at the "
          + "first snippet that does not compile or throws, naming it; 0 when all ran. For CI and docs.",
      "See docs/notebook.md, \"The notebook in Java\"."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:a snippet of the script failed",
      "2:usage error, or no API to connect to"
    })
final class NotebookCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description =
          "The API to connect cs to (http://host:port); default: the running demo's, found through "
              + "its discovery file. Reads send $CLICKSTREAM_READ_TOKEN when set.")
  String url;

  @Option(
      names = "--execute",
      paramLabel = "SCRIPT",
      description = "Run this jshell script (Java snippets; /exit ends it) and exit.")
  Path script;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    String connect = connectSnippet();
    List<String> startup = new ArrayList<>(STARTUP);
    startup.add("var cs = " + connect + ";");
    if (script != null) {
      String source;
      try {
        source = Files.readString(script);
      } catch (java.io.IOException e) {
        throw new UserError("cannot read " + script + ": " + e.getMessage());
      }
      return NotebookScript.run(
          startup, source, spec.commandLine().getOut(), err, classPath(), remoteVmOptions());
    }
    Path file = Files.createTempFile("clickstream-notebook", ".jsh");
    try {
      Files.writeString(file, String.join("\n", startup) + "\n");
      List<String> args = new ArrayList<>(List.of("--class-path", classPath()));
      args.addAll(List.of("--startup", file.toString(), "--feedback", "normal"));
      for (String option : remoteVmOptions()) {
        args.add("-R" + option);
      }
      err.println("jshell with cs = " + connect + "; /exit to leave");
      err.flush();
      return JavaShellToolBuilder.builder().start(args.toArray(String[]::new));
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /**
   * The snippet that connects {@code cs}, tried here first, so that a missing demo is one error
   * line before jshell starts rather than an exception inside it.
   */
  private String connectSnippet() throws Exception {
    try {
      if (url == null) {
        Clickstream.connect();
        return "Clickstream.connect()";
      }
      Clickstream.connect(url);
      return "Clickstream.connect(" + new ObjectMapper().writeValueAsString(url) + ")";
    } catch (ClickstreamException | IllegalArgumentException e) {
      throw new UserError("notebook: " + e.getMessage());
    }
  }

  /** What every notebook starts with: jshell's default imports, the client's, Beam's. */
  static final List<String> STARTUP =
      List.of(
          "import java.io.*;",
          "import java.math.*;",
          "import java.net.*;",
          "import java.nio.file.*;",
          "import java.time.*;",
          "import java.util.*;",
          "import java.util.function.*;",
          "import java.util.regex.*;",
          "import java.util.stream.*;",
          "import io.clickstream.client.*;",
          "import static io.clickstream.client.Funnel.Order.*;",
          "import io.clickstream.core.Event;",
          "import io.clickstream.launcher.Interactive;",
          "import org.apache.beam.sdk.transforms.*;",
          "import org.apache.beam.sdk.values.*;");

  /** The snippets' class path: this launcher's own, so the client, Beam and HBase. */
  private static String classPath() {
    return System.getProperty("java.class.path");
  }

  /**
   * The options of the JVM that runs the snippets: this one's {@code --add-opens} (HBase and Beam
   * reflect into the JDK, for {@link Interactive}) and heap size, and where the discovery file is
   * when a system property says (as in tests; else the environment, which it inherits, does).
   */
  private static List<String> remoteVmOptions() {
    List<String> options = new ArrayList<>();
    List<String> mine = ManagementFactory.getRuntimeMXBean().getInputArguments();
    for (int i = 0; i < mine.size(); i++) {
      String option = mine.get(i);
      if (option.equals("--add-opens") && i + 1 < mine.size()) {
        options.add(option + "=" + mine.get(++i));
      } else if (option.startsWith("--add-opens=") || option.startsWith("-Xmx")) {
        options.add(option);
      }
    }
    String home = System.getProperty("clickstream.home");
    if (home != null) {
      options.add("-Dclickstream.home=" + home);
    }
    options.add("--class-path");
    options.add(classPath());
    return options;
  }
}
