package io.clickstream.launcher;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a duration as ISO-8601 ({@code PT5M}) or in short form: {@code 90s}, {@code 5m}, {@code
 * 1h30m}, {@code 2d}.
 */
final class DurationConverter implements ITypeConverter<Duration> {

  private static final Pattern SHORT =
      Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  static Duration parse(String value) {
    String text = value.trim().toLowerCase(Locale.ROOT);
    if (text.startsWith("p") || text.startsWith("-p")) {
      try {
        return nonNegative(Duration.parse(text.toUpperCase(Locale.ROOT)), value);
      } catch (DateTimeParseException e) {
        throw invalid(value);
      }
    }
    Matcher m = SHORT.matcher(text);
    if (text.isEmpty() || !m.matches()) {
      throw invalid(value);
    }
    Duration d = Duration.ZERO;
    d = d.plusDays(number(m.group(1)));
    d = d.plusHours(number(m.group(2)));
    d = d.plusMinutes(number(m.group(3)));
    d = d.plusSeconds(number(m.group(4)));
    d = d.plusMillis(number(m.group(5)));
    return d;
  }

  private static Duration nonNegative(Duration d, String value) {
    if (d.isNegative()) {
      throw new TypeConversionException("'" + value + "' is negative");
    }
    return d;
  }

  private static long number(String group) {
    return group == null ? 0 : Long.parseLong(group);
  }

  private static TypeConversionException invalid(String value) {
    return new TypeConversionException(
        "'" + value + "' is not a duration: use ISO-8601 (PT5M, PT1H30M) or 90s, 5m, 1h30m, 2d");
  }
}
