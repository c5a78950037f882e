package io.clickstream.core.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.Conversion;
import io.clickstream.core.Event;
import io.clickstream.core.EventParser;
import io.clickstream.core.ParseResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class JourneyGeneratorTest {

  private static final Instant FROM = Instant.parse("2024-05-01T10:00:00Z");
  private static final Duration SPAN = Duration.ofHours(4);

  @Test
  void theSameSeedGivesTheSameLinesAndAnotherSeedDifferentOnes() {
    assertThat(new JourneyGenerator(7).batch(300, FROM, SPAN))
        .isEqualTo(new JourneyGenerator(7).batch(300, FROM, SPAN))
        .isNotEqualTo(new JourneyGenerator(8).batch(300, FROM, SPAN));
    assertThat(jsonOf(new JourneyGenerator(7, 50).stream(FROM, 20), 2_000))
        .isEqualTo(jsonOf(new JourneyGenerator(7, 50).stream(FROM, 20), 2_000))
        .isNotEqualTo(jsonOf(new JourneyGenerator(8, 50).stream(FROM, 20), 2_000));
  }

  @Test
  void everyLinePassesTheParserAndEveryEventIdIsUniqueApartFromDuplicates() {
    List<String> lines = new JourneyGenerator(1).batch(2_000, FROM, SPAN);
    Map<String, String> jsonById = new HashMap<>();
    for (String line : lines) {
      ParseResult parsed = EventParser.parse(line);
      assertThat(parsed.error()).as(line).isNull();
      String previous = jsonById.putIfAbsent(parsed.event().eventId(), line);
      // An id seen twice is a duplicate: the very same line, never another event with the same id.
      assertThat(previous).isIn(null, line);
    }
    for (GeneratedEvent e : take(new JourneyGenerator(1).stream(FROM, 50), 5_000)) {
      assertThat(EventParser.parse(e.json()).event()).isEqualTo(e.event());
    }
  }

  @Test
  void fewerVisitorsReachEachFunnelStepThanTheOneBefore() {
    Map<String, Integer> users = usersPerStep(new JourneyGenerator(3).batch(5_000, FROM, SPAN));
    assertThat(users.get("page_view")).isGreaterThan(users.get("search"));
    assertThat(users.get("search")).isGreaterThan(users.get("questionnaire_start"));
    assertThat(users.get("questionnaire_start")).isGreaterThan(users.get("register"));
    assertThat(users.get("register")).isGreaterThan(users.get("checkout"));
    assertThat(users.get("checkout")).isPositive();
    // Roughly the advertised drop-off: about 70% of landings search.
    assertThat(users.get("search") / (double) users.get("page_view")).isBetween(0.6, 0.85);
  }

  @Test
  void conversionsAreMarkedOnRegisterAndCheckoutOnly() {
    for (String line : new JourneyGenerator(4).batch(1_000, FROM, SPAN)) {
      Event e = EventParser.parse(line).event();
      Conversion expected =
          switch (e.name()) {
            case "register" -> Conversion.MICRO;
            case "checkout" -> Conversion.MACRO;
            default -> null;
          };
      assertThat(e.conversion()).as(line).isEqualTo(expected);
    }
  }

  @Test
  void duplicatesAndBrandNewEventNamesOccurNowAndThen() {
    List<String> lines = new JourneyGenerator(5).batch(3_000, FROM, SPAN);
    long duplicates = lines.size() - new HashSet<>(lines).size();
    assertThat(duplicates).isBetween((long) (lines.size() * 0.005), (long) (lines.size() * 0.02));
    Set<String> promos =
        lines.stream()
            .map(l -> EventParser.parse(l).event().name())
            .filter(n -> n.startsWith("promo_click_"))
            .collect(Collectors.toSet());
    assertThat(promos).hasSizeGreaterThan(5);

    List<GeneratedEvent> live = take(new JourneyGenerator(5, 100).stream(FROM, 100), 20_000);
    assertThat(live).anyMatch(GeneratedEvent::duplicate);
    assertThat(live).anyMatch(e -> e.event().name().startsWith("promo_click_"));
  }

  @Test
  void sourcesPartnersAndCampaignsVaryAndAreSometimesAbsent() {
    List<Event> events =
        new JourneyGenerator(6)
            .batch(1_000, FROM, SPAN).stream().map(l -> EventParser.parse(l).event()).toList();
    assertThat(events.stream().map(Event::source).collect(Collectors.toSet()))
        .contains("google", "facebook", "newsletter", null);
    assertThat(events.stream().map(Event::partner).collect(Collectors.toSet()))
        .contains((String) null)
        .hasSizeGreaterThan(2);
    assertThat(events.stream().map(Event::campaign).collect(Collectors.toSet()))
        .contains((String) null)
        .hasSizeGreaterThan(2);
  }

  @Test
  void batchEventsLieInTheSpanAndArriveSlightlyOutOfOrder() {
    List<GeneratedEvent> sent = new JourneyGenerator(9).batchEvents(1_000, FROM, SPAN);
    long max = FROM.plus(SPAN).toEpochMilli();
    long outOfOrder = 0;
    long latestSeen = Long.MIN_VALUE;
    Instant previousWrite = Instant.MIN;
    for (GeneratedEvent e : sent) {
      long ts = e.event().timestampMillis();
      assertThat(ts).isBetween(FROM.toEpochMilli(), max);
      assertThat(e.writeAt()).isAfterOrEqualTo(previousWrite);
      previousWrite = e.writeAt();
      if (ts < latestSeen) {
        outOfOrder++;
        // ...but never by more than the arrival delay plus the duplicates' re-send delay.
        assertThat(latestSeen - ts)
            .isLessThanOrEqualTo(JourneyGenerator.MAX_ARRIVAL_DELAY.toMillis() + 5_100);
      }
      latestSeen = Math.max(latestSeen, ts);
    }
    assertThat(outOfOrder).isPositive();
  }

  @Test
  void someUsersComeBackAfterAGapLongerThanASession() {
    Map<String, List<Long>> tsByUser = new HashMap<>();
    for (String line : new JourneyGenerator(10).batch(500, FROM, Duration.ofHours(12))) {
      Event e = EventParser.parse(line).event();
      tsByUser.computeIfAbsent(e.userId(), u -> new ArrayList<>()).add(e.timestampMillis());
    }
    long returning =
        tsByUser.values().stream()
            .filter(ts -> hasGapOver(ts, JourneyGenerator.MIN_RETURN_GAP.toMillis()))
            .count();
    assertThat(returning).isBetween(50L, 250L);
  }

  @Test
  void theLiveStreamKeepsTheAskedRateAndStaysNearItsClock() {
    Instant start = Instant.parse("2024-05-01T10:00:00Z");
    List<GeneratedEvent> events = take(new JourneyGenerator(11, 200).stream(start, 20), 24_000);
    // 24,000 events at 20/s is 20 minutes, give or take the start-up and randomness.
    Duration covered = Duration.between(start, events.get(events.size() - 1).writeAt());
    assertThat(covered.toSeconds()).isBetween(1_000L, 1_400L);
    for (GeneratedEvent e : events) {
      long lag = e.writeAt().toEpochMilli() - e.event().timestampMillis();
      assertThat(lag).isBetween(0L, JourneyGenerator.MAX_ARRIVAL_DELAY.toMillis() + 5_100);
    }
  }

  @Test
  void inALongLiveRunSomeUsersComeBackForANewSession() {
    Map<String, List<Long>> tsByUser = new HashMap<>();
    for (GeneratedEvent e : take(new JourneyGenerator(12, 20).stream(FROM, 1), 20_000)) {
      tsByUser
          .computeIfAbsent(e.event().userId(), u -> new ArrayList<>())
          .add(e.event().timestampMillis());
    }
    assertThat(tsByUser.values())
        .anyMatch(ts -> hasGapOver(ts, JourneyGenerator.MIN_RETURN_GAP.toMillis()));
  }

  private static boolean hasGapOver(List<Long> timestamps, long gap) {
    List<Long> sorted = timestamps.stream().sorted().toList();
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i) - sorted.get(i - 1) > gap) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, Integer> usersPerStep(List<String> lines) {
    Map<String, Set<String>> users = new TreeMap<>();
    for (String line : lines) {
      Event e = EventParser.parse(line).event();
      users.computeIfAbsent(e.name(), n -> new HashSet<>()).add(e.userId());
    }
    Map<String, Integer> counts = new HashMap<>();
    users.forEach((name, ids) -> counts.put(name, ids.size()));
    return counts;
  }

  private static List<GeneratedEvent> take(Iterator<GeneratedEvent> it, int n) {
    List<GeneratedEvent> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(it.next());
    }
    return out;
  }

  private static List<String> jsonOf(Iterator<GeneratedEvent> it, int n) {
    return take(it, n).stream().map(GeneratedEvent::json).toList();
  }
}
