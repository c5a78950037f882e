package io.clickstream.launcher;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Asks the pipeline started by {@code analytics run} to stop, and waits until it has. */
@Command(
    name = "stop",
    mixinStandardHelpOptions = true,
    header = "Stop the pipeline started by `./analytics run`, cleanly.",
    description = {
      "Leaves a stop request for the running pipeline and waits until it has stopped reading, "
          + "cancelled its job and withdrawn (up to --timeout seconds). Stop the demo with Ctrl-C."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped", "2:no pipeline is running, or it did not stop in time"})
final class StopCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "60",
      description = "How long to wait for the pipeline to stop (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    long pid = RunningPipeline.running();
    if (pid < 0) {
      throw new UserError(
          "no pipeline started by `./analytics run` is running ("
              + RunningPipeline.pidFile()
              + " names no live process)");
    }
    RunningPipeline.requestStop();
    long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
    while (RunningPipeline.running() >= 0) {
      if (System.nanoTime() > deadline) {
        throw new UserError(
            "the pipeline (pid " + pid + ") did not stop within " + timeoutSeconds + " s");
      }
      Thread.sleep(200);
    }
    out.println("Stopped the pipeline (pid " + pid + ").");
    return Analytics.EXIT_OK;
  }
}
