package io.clickstream.api;

import java.util.List;

/**
 * {@code GET /api/dimensions}: the dimensions there are counts by ({@link RecordedDimensions}), for
 * the dashboard's selectors.
 */
final class DimensionsController {

  /**
   * @param liveFrom ISO-8601 UTC, when a live pipeline started counting by it; null when it counts
   *     from the start
   */
  record Dimension(String name, String liveFrom) {}

  record Dimensions(List<Dimension> dimensions) {}

  private final RecordedDimensions recorded;

  DimensionsController(RecordedDimensions recorded) {
    this.recorded = recorded;
  }

  Dimensions list() {
    return new Dimensions(
        recorded.read().stream()
            .map(
                d ->
                    new Dimension(
                        d.name().wireName(),
                        d.liveFrom() == null ? null : Json.isoOfMillis(d.liveFrom().toString())))
            .toList());
  }
}
