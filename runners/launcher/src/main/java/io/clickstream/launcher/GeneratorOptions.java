package io.clickstream.launcher;

import io.clickstream.core.generator.JourneyGenerator;
import picocli.CommandLine.Option;

/** How much synthetic traffic to make and from which seed: options shared by demo and generate. */
final class GeneratorOptions {

  @Option(
      names = "--rate",
      paramLabel = "N",
      defaultValue = "20",
      description = "Events per second of the generator, on average (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--users",
      paramLabel = "N",
      defaultValue = "200",
      description = "Users browsing at the same time in the generator (default: ${DEFAULT-VALUE}).")
  int users;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description =
          "Seed of the random journeys; the same seed gives the same events. Default: random.")
  Long seed;

  /** Refuses a rate or a number of users the generator cannot work with, before anything starts. */
  void check() {
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw new UserError("--rate must be a positive number of events per second, got " + rate);
    }
    if (users < 1) {
      throw new UserError("--users must be at least 1, got " + users);
    }
  }

  /** The seed given, else a fresh one; call once and report it, so that a run can be repeated. */
  long chooseSeed() {
    return seed != null ? seed : System.nanoTime();
  }

  JourneyGenerator journeys(long actualSeed) {
    return new JourneyGenerator(actualSeed, users);
  }

  /** The rate as the progress lines show it: 20, not 20.0. */
  String rateText() {
    return rate == Math.rint(rate) ? String.valueOf((long) rate) : String.valueOf(rate);
  }
}
