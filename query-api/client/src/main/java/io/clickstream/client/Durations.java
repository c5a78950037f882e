package io.clickstream.client;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lengths of time a notebook writes: {@code 30m}, {@code 24h}, {@code 7d}, {@code 2w},
 * ISO-8601.
 */
public final class Durations {

  private static final Pattern SHORTHAND = Pattern.compile("(\\d+)\\s*([smhdw])");

  private Durations() {}

  /**
   * @throws IllegalArgumentException naming what it expected
   */
  public static Duration parse(String text) {
    Matcher shorthand = SHORTHAND.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (shorthand.matches()) {
      long n = Long.parseLong(shorthand.group(1));
      return switch (shorthand.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        default -> Duration.ofDays(7 * n);
      };
    }
    try {
      return Duration.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "not a duration: '" + text + "'; expected 30m, 24h, 7d, 2w or ISO-8601 (PT1H, P7D)", e);
    }
  }
}
