package io.clickstream.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The benchmark's command line.
 *
 * @param events about how many distinct events the dataset holds
 * @param runners the Beam runners to measure, in order
 * @param probes how many freshness probes each runner gets
 * @param loadRateDirect events/s written in the background while the Direct runner is probed
 * @param loadRateFlink events/s written in the background while the Flink runner is probed
 * @param loadRateStorm events/s written in the background while the Storm runner is probed
 */
record BenchArgs(
    int events,
    List<String> runners,
    int probes,
    double loadRateDirect,
    double loadRateFlink,
    double loadRateStorm) {

  static final String DIRECT = "DirectRunner";
  static final String FLINK = "FlinkRunner";
  static final String STORM = "StormRunner";

  static final String USAGE =
      """
      Usage: mvn -B -q -pl bench exec:exec -Dbench.args="[options]"  (see docs/benchmarks.md)
        --events N               distinct events in the dataset, about (default 100000)
        --runners A,B            runners to measure: DirectRunner, FlinkRunner, StormRunner
                                 (default DirectRunner,FlinkRunner)
        --probes P               freshness probes per runner (default 100)
        --load-rate-direct R     background events/s while probing DirectRunner (default 500)
        --load-rate-flink R      background events/s while probing FlinkRunner (default 5000)
        --load-rate-storm R      background events/s while probing StormRunner (default 500)
        --help                   this text""";

  /**
   * Thrown for a bad command line; its message says what is wrong, the caller prints {@link
   * #USAGE}.
   */
  static final class BadArgument extends Exception {
    BadArgument(String message) {
      super(message);
    }
  }

  double loadRate(String runner) {
    return switch (runner) {
      case FLINK -> loadRateFlink;
      case STORM -> loadRateStorm;
      default -> loadRateDirect;
    };
  }

  /** Returns null when help was asked for. */
  static BenchArgs parse(String[] args) throws BadArgument {
    int events = 100_000;
    List<String> runners = List.of(DIRECT, FLINK);
    int probes = 100;
    double loadRateDirect = 500;
    double loadRateFlink = 5000;
    double loadRateStorm = 500;
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (option.equals("--help") || option.equals("-h")) {
        return null;
      }
      if (i + 1 >= args.length) {
        throw new BadArgument(
            option.startsWith("--") ? option + " needs a value" : "unknown argument: " + option);
      }
      String value = args[++i];
      switch (option) {
        case "--events" -> events = positiveInt(option, value);
        case "--runners" -> runners = runners(value);
        case "--probes" -> probes = positiveInt(option, value);
        case "--load-rate-direct" -> loadRateDirect = positiveRate(option, value);
        case "--load-rate-flink" -> loadRateFlink = positiveRate(option, value);
        case "--load-rate-storm" -> loadRateStorm = positiveRate(option, value);
        default -> throw new BadArgument("unknown option: " + option);
      }
    }
    return new BenchArgs(events, runners, probes, loadRateDirect, loadRateFlink, loadRateStorm);
  }

  private static List<String> runners(String value) throws BadArgument {
    List<String> runners = new ArrayList<>();
    for (String runner : value.split(",")) {
      if (!Set.of(DIRECT, FLINK, STORM).contains(runner.trim())) {
        throw new BadArgument(
            "--runners: unknown runner \""
                + runner
                + "\" (DirectRunner, FlinkRunner or StormRunner)");
      }
      runners.add(runner.trim());
    }
    return List.copyOf(runners);
  }

  static int positiveInt(String option, String value) throws BadArgument {
    try {
      int n = Integer.parseInt(value.replace("_", ""));
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new BadArgument(option + ": expected a positive whole number, got \"" + value + "\"");
  }

  static double positiveRate(String option, String value) throws BadArgument {
    try {
      double rate = Double.parseDouble(value);
      if (rate > 0 && Double.isFinite(rate)) {
        return rate;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new BadArgument(
        option + ": expected a positive number of events per second, got \"" + value + "\"");
  }
}
