package io.clickstream.core;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * A breakdown dimension, as data (docs/data-model.md, "Dimensions"): one of the event's top-level
 * text fields ({@link #FIELDS}) or {@code properties.NAME}, a value of its {@code properties} map.
 * The one place that knows how an event's value for a dimension is found ({@link #valueOf}) and how
 * it is stored as a hash field ({@link #field}, {@link #fromField}).
 *
 * @param wireName the name as the user gives it ({@code --dimensions}, {@code by=}) and the API
 *     shows it
 */
public record DimensionName(String wireName) implements Serializable {

  /** The top-level fields a dimension may name: the event's optional text fields. */
  public static final List<String> FIELDS = List.of("source", "partner", "campaign", "page");

  public static final String PROPERTY_PREFIX = "properties.";

  /** What the API shows for a missing value, and the hash field it is stored under. */
  public static final String NONE = "(none)";

  /**
   * The hash field that counts, in one minute's hash of a dimension, the values over the cap on
   * distinct values (docs/redis-keys.md, "The cap on distinct values"); what the API shows for
   * them.
   */
  public static final String OTHER = "(other)";

  /**
   * The longest value counted under a field of its own; a longer one is counted under {@link
   * #OTHER}, in counts and funnel breakdowns alike. Together with the cap on distinct values per
   * minute it bounds a dimension's hash: without it, a value could be as long as an event (64 KiB).
   * Cutting long values instead would merge different ones into one field.
   */
  public static final int MAX_VALUE_CHARS = 1_024;

  /**
   * The escape that keeps a real value from being read as {@link #NONE} or {@link #OTHER} (see
   * {@link #field}).
   */
  private static final char ESCAPE = '\\';

  /** The allowed forms, for error messages. */
  public static final String FORMS =
      String.join(", ", FIELDS)
          + " or properties.NAME (NAME: 1 to "
          + EventParser.MAX_PROPERTY_NAME_CHARS
          + " characters)";

  public DimensionName {
    Objects.requireNonNull(wireName, "wireName");
    if (!FIELDS.contains(wireName) && !isPropertyName(wireName)) {
      throw new IllegalArgumentException(
          "unknown dimension \"" + wireName + "\": expected " + FORMS);
    }
  }

  /**
   * The dimension {@code text} names; {@link IllegalArgumentException} naming it and the allowed
   * forms if none.
   */
  public static DimensionName parse(String text) {
    return new DimensionName(text);
  }

  private static boolean isPropertyName(String text) {
    int length = text.length() - PROPERTY_PREFIX.length();
    return text.startsWith(PROPERTY_PREFIX)
        && length >= 1
        && length <= EventParser.MAX_PROPERTY_NAME_CHARS;
  }

  /**
   * The event's value for this dimension, or {@code null} when it has none. A property's whole
   * number is its decimal text ({@code 4900}), another number Java's shortest text for the double
   * ({@code 1.5}, {@code 1000.0}, {@code 1.0E21}); the parser admits no other property values, and
   * anything else would count as missing rather than as a made-up text.
   */
  public String valueOf(Event event) {
    return switch (wireName) {
      case "source" -> event.source();
      case "partner" -> event.partner();
      case "campaign" -> event.campaign();
      case "page" -> event.page();
      default -> propertyText(event.properties().get(wireName.substring(PROPERTY_PREFIX.length())));
    };
  }

  private static String propertyText(Object value) {
    if (value instanceof String text) {
      return text;
    }
    if (value instanceof Long || value instanceof Double) {
      return value.toString();
    }
    return null;
  }

  /**
   * This dimension's part of a Redis key ({@code RedisKeys.counts}) and of a funnel breakdown
   * field: escaped, as a property name may hold colons or glob characters. The three original
   * dimensions escape to themselves, so their keys are those written before dimensions were data.
   */
  public String keyPart() {
    return RedisKeys.escape(wireName);
  }

  /**
   * The hash field a value is counted under: {@link #NONE} for a missing value ({@code null}),
   * {@link #OTHER} for one longer than {@link #MAX_VALUE_CHARS}, the value itself otherwise, except
   * that a value made of backslashes followed by {@code (none)} or {@code (other)} gains one more
   * leading backslash. So no real value is stored as {@link #NONE} or {@link #OTHER} (a literal
   * {@code (none)} is {@code \(none)}, a literal {@code (other)} {@code \(other)}), the mapping is
   * injective, and every other value, colons and all, is stored as is.
   */
  public static String field(String value) {
    if (value == null) {
      return NONE;
    }
    if (value.length() > MAX_VALUE_CHARS) {
      return OTHER;
    }
    return isReservedOrEscaped(value) ? ESCAPE + value : value;
  }

  /**
   * The value {@link #field} stored under {@code field}, or {@code null} for a missing one. Not for
   * {@link #OTHER}, which stands for many values ({@link #isOther}).
   */
  public static String fromField(String field) {
    if (field.equals(NONE)) {
      return null;
    }
    return isReservedOrEscaped(field) ? field.substring(1) : field;
  }

  /**
   * Whether {@code field} is the bucket of the values over the cap rather than one value's field.
   */
  public static boolean isOther(String field) {
    return field.equals(OTHER);
  }

  /** The field of this dimension's value in {@code event}. */
  public String fieldOf(Event event) {
    return field(valueOf(event));
  }

  /** Whether {@code value} is {@link #NONE} or {@link #OTHER} after zero or more escapes. */
  private static boolean isReservedOrEscaped(String value) {
    int i = 0;
    while (i < value.length() && value.charAt(i) == ESCAPE) {
      i++;
    }
    String rest = value.substring(i);
    return rest.equals(NONE) || rest.equals(OTHER);
  }

  @Override
  public String toString() {
    return wireName;
  }
}
