package io.clickstream.core;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The dimensions counts are kept by ({@code --dimensions}): a short list of {@link DimensionName}s,
 * without duplicates, in the order given. Every one multiplies the hashes written per event and
 * minute, so their number is capped at {@link #MAX}.
 */
public record Dimensions(List<DimensionName> names) implements Serializable {

  public static final int MAX = 16;

  /** The dimensions counts were kept by before they were data; {@code --dimensions}' default. */
  public static final String DEFAULT_TEXT = "source,partner,campaign";

  public static final Dimensions DEFAULT = parse(DEFAULT_TEXT);

  public Dimensions {
    names = List.copyOf(names);
    if (names.size() > MAX) {
      throw new IllegalArgumentException("at most " + MAX + " dimensions, got " + names.size());
    }
    if (names.stream().distinct().count() < names.size()) {
      throw new IllegalArgumentException("a dimension is named twice in " + names);
    }
  }

  /**
   * Parses a comma-separated list such as {@code source,campaign,properties.plan} (blanks around
   * names are dropped; a property name in such a list cannot hold a comma). An empty list is
   * allowed: only the undivided counts are kept. {@link IllegalArgumentException} names the first
   * bad entry.
   */
  public static Dimensions parse(String text) {
    List<DimensionName> names = new ArrayList<>();
    if (text != null && !text.isBlank()) {
      for (String part : text.split(",", -1)) {
        names.add(DimensionName.parse(part.strip()));
      }
    }
    return new Dimensions(names);
  }

  /** The list as {@link #parse} reads it. */
  public String text() {
    return String.join(",", names.stream().map(DimensionName::wireName).toList());
  }

  public boolean contains(DimensionName name) {
    return names.contains(name);
  }
}
