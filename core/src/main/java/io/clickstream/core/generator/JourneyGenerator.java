package io.clickstream.core.generator;

import io.clickstream.core.Conversion;
import io.clickstream.core.Event;
import io.clickstream.core.EventJson;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Synthetic but realistic clickstream traffic for demos and tests, deterministic for a given seed.
 *
 * <p>Each visit is a journey through the legal-services funnel:
 *
 * <pre>
 *   page_view /landing -> search -> questionnaire_start -> register (micro) -> checkout (macro)
 * </pre>
 *
 * with drop-off at every step ({@link #CONTINUE_TO_SEARCH} and the following constants), a few page
 * views and searches repeated, and the acquisition dimensions (source, partner, campaign) fixed for
 * the visit; direct traffic carries no source. A visit's events also carry the property {@link
 * #AD_CONTENT} (a breakdown dimension as {@code properties.ad_content}), now and then with a value
 * that is hard to keep exact: {@code a:b}, {@code *}, unicode, 300 characters, a literal {@code
 * (none)}; or none at all. Some users come back after a gap longer than any session gap (a new
 * session). On the wire, lines arrive out of event-time order by up to {@link #MAX_ARRIVAL_DELAY},
 * about {@link #DUPLICATE_RATE} of them are sent twice, and now and then ({@link #NEW_NAME_RATE}) a
 * brand-new event name ({@code promo_click_<n>}) appears.
 *
 * <p>Instances are immutable; every call to {@link #stream} or {@link #batch} starts from the seed,
 * so the same seed always gives the same lines.
 */
public final class JourneyGenerator {

  public static final double CONTINUE_TO_SEARCH = 0.70;
  public static final double CONTINUE_TO_QUESTIONNAIRE = 0.55;
  public static final double CONTINUE_TO_REGISTER = 0.60;
  public static final double CONTINUE_TO_CHECKOUT = 0.45;

  /** Share of lines re-sent as an exact duplicate a little later. */
  public static final double DUPLICATE_RATE = 0.01;

  /** Share of events followed by an event of a never-seen-before name. */
  public static final double NEW_NAME_RATE = 0.005;

  /** Share of finished visits whose user comes back later for another session. */
  public static final double RETURN_RATE = 0.30;

  /**
   * A returning user comes back at least this long after their last event: longer than a session
   * gap.
   */
  public static final Duration MIN_RETURN_GAP = Duration.ofMinutes(35);

  public static final Duration MAX_RETURN_GAP = Duration.ofHours(3);

  /** Lines are written up to this long after their event time, hence out of order on the wire. */
  public static final Duration MAX_ARRIVAL_DELAY = Duration.ofSeconds(3);

  public static final int DEFAULT_USERS = 200;

  /**
   * The property every event of a visit carries, the same for the whole visit (unless the visit has
   * none).
   */
  public static final String AD_CONTENT = "ad_content";

  /**
   * Its values, and {@code null} for visits without it; hostile ones on purpose (see the class
   * comment).
   */
  public static final List<String> AD_CONTENTS =
      java.util.Collections.unmodifiableList(
          java.util.Arrays.asList(
              "hero_banner",
              "sidebar",
              "a:b",
              "*",
              "Zürich ✓ 🚀",
              "x".repeat(300),
              "(none)",
              null));

  private static final String[] SOURCES = {"google", "facebook", "newsletter", null};
  private static final double[] SOURCE_WEIGHTS = {0.40, 0.25, 0.15, 0.20};
  private static final String[] PARTNERS = {"lexpartners", "justiceplus", "legalhub", null};
  private static final double[] PARTNER_WEIGHTS = {0.25, 0.20, 0.15, 0.40};
  private static final String[] CAMPAIGNS = {"spring_sale", "divorce_guide", "brand", null};
  private static final double[] CAMPAIGN_WEIGHTS = {0.25, 0.20, 0.20, 0.35};
  private static final String[] BROWSE_PAGES = {
    "/pricing", "/about", "/faq", "/lawyers", "/blog/tenancy-rights"
  };
  private static final String[] QUESTIONNAIRES = {
    "divorce", "will", "tenancy", "employment", "company"
  };
  private static final String[] QUERIES = {
    "divorce lawyer",
    "write a will",
    "tenant deposit",
    "unfair dismissal",
    "register a company",
    "power of attorney"
  };

  private final long seed;
  private final int users;

  public JourneyGenerator(long seed) {
    this(seed, DEFAULT_USERS);
  }

  /**
   * @param users how many users browse at the same time in {@link #stream}: each finished visit is
   *     followed on its slot by another, by a returning user or a new one
   */
  public JourneyGenerator(long seed, int users) {
    if (users < 1) {
      throw new IllegalArgumentException("users must be at least 1, got " + users);
    }
    this.seed = seed;
    this.users = users;
  }

  public long seed() {
    return seed;
  }

  public int users() {
    return users;
  }

  /**
   * An endless stream of lines in write order, starting at {@code start}, at {@code
   * eventsPerSecond} on average. Event times follow the journeys; {@link GeneratedEvent#writeAt()}
   * is when to send each line.
   */
  public Iterator<GeneratedEvent> stream(Instant start, double eventsPerSecond) {
    if (!(eventsPerSecond > 0) || Double.isInfinite(eventsPerSecond)) {
      throw new IllegalArgumentException(
          "eventsPerSecond must be positive, got " + eventsPerSecond);
    }
    return new LiveStream(new State(new SplittableRandom(seed)), start, eventsPerSecond, users);
  }

  /**
   * The lines of {@code users} users whose events lie within {@code [from, from + span]}, in write
   * order: slightly out of event-time order, with about {@link #DUPLICATE_RATE} exact duplicates.
   * Each user starts one visit at a random time in the span, and some come back for another session
   * when it fits.
   */
  public List<String> batch(int users, Instant from, Duration span) {
    List<String> lines = new ArrayList<>();
    for (GeneratedEvent e : batchEvents(users, from, span)) {
      lines.add(e.json());
    }
    return lines;
  }

  /** {@link #batch} with each line's event and write time. */
  public List<GeneratedEvent> batchEvents(int users, Instant from, Duration span) {
    if (users < 0) {
      throw new IllegalArgumentException("users must not be negative, got " + users);
    }
    if (span.isNegative()) {
      throw new IllegalArgumentException("span must not be negative, got " + span);
    }
    State state = new State(new SplittableRandom(seed));
    SplittableRandom r = state.random;
    long fromMs = from.toEpochMilli();
    long toMs = fromMs + span.toMillis();
    List<Event> events = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      String userId = state.newUserId();
      long visitStart = fromMs + (span.toMillis() == 0 ? 0 : r.nextLong(span.toMillis() + 1));
      while (visitStart <= toMs) {
        List<Event> visit = state.journey(userId, visitStart, () -> betweenSteps(r));
        long last = visitStart;
        for (Event e : visit) {
          if (e.timestampMillis() <= toMs) {
            events.add(e);
          }
          last = Math.max(last, e.timestampMillis());
        }
        if (r.nextDouble() >= RETURN_RATE) {
          break;
        }
        visitStart = last + returnGapMillis(r);
      }
    }
    // Write time trails event time by up to MAX_ARRIVAL_DELAY; lines are sent in write order.
    List<GeneratedEvent> sent = new ArrayList<>();
    for (Event e : events) {
      long writeAt = e.timestampMillis() + r.nextLong(MAX_ARRIVAL_DELAY.toMillis() + 1);
      GeneratedEvent line =
          new GeneratedEvent(Instant.ofEpochMilli(writeAt), EventJson.toJson(e), e, false);
      sent.add(line);
      if (r.nextDouble() < DUPLICATE_RATE) {
        long again = writeAt + 100 + r.nextLong(5_000);
        sent.add(new GeneratedEvent(Instant.ofEpochMilli(again), line.json(), e, true));
      }
    }
    // Stable sort: equal write times keep generation order, so the result is deterministic.
    sent.sort(Comparator.comparing(GeneratedEvent::writeAt));
    return sent;
  }

  /** Seconds between two steps of a visit in batches: a few seconds to under a minute. */
  private static long betweenSteps(SplittableRandom r) {
    return 2_000 + r.nextLong(40_000);
  }

  private static long returnGapMillis(SplittableRandom r) {
    long min = MIN_RETURN_GAP.toMillis();
    return min + r.nextLong(MAX_RETURN_GAP.toMillis() - min);
  }

  /** The random source and the counters of one run. */
  private static final class State {
    final SplittableRandom random;
    int promoCounter;

    State(SplittableRandom random) {
      this.random = random;
    }

    String newUserId() {
      return String.format("u-%08x", random.nextInt());
    }

    UUID newEventId() {
      long msb = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
      long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
      return new UUID(msb, lsb);
    }

    /** One visit's events in event-time order, the first at {@code start}. */
    List<Event> journey(String userId, long start, java.util.function.LongSupplier gap) {
      SplittableRandom r = random;
      Visit v = new Visit(this, userId, pick(r, SOURCES, SOURCE_WEIGHTS), null, null, start, gap);
      if (v.source != null) {
        v.partner = pick(r, PARTNERS, PARTNER_WEIGHTS);
        v.campaign = pick(r, CAMPAIGNS, CAMPAIGN_WEIGHTS);
      } else if (r.nextDouble() < 0.1) {
        v.partner =
            pick(r, PARTNERS, PARTNER_WEIGHTS); // a partner's link without tracking of the source
      }
      v.add("page_view", "/landing", null, Map.of());
      int browsing = r.nextInt(100) < 35 ? 1 + r.nextInt(2) : 0;
      for (int i = 0; i < browsing; i++) {
        v.add("page_view", BROWSE_PAGES[r.nextInt(BROWSE_PAGES.length)], null, Map.of());
      }
      if (r.nextDouble() >= CONTINUE_TO_SEARCH) {
        return v.events;
      }
      int searches = r.nextInt(100) < 30 ? 2 + r.nextInt(2) : 1;
      for (int i = 0; i < searches; i++) {
        v.add("search", "/search", null, Map.of("query", QUERIES[r.nextInt(QUERIES.length)]));
      }
      if (r.nextDouble() >= CONTINUE_TO_QUESTIONNAIRE) {
        return v.events;
      }
      String topic = QUESTIONNAIRES[r.nextInt(QUESTIONNAIRES.length)];
      v.add("questionnaire_start", "/questionnaire/" + topic, null, Map.of("questionnaire", topic));
      if (r.nextDouble() >= CONTINUE_TO_REGISTER) {
        return v.events;
      }
      v.add("register", "/register", Conversion.MICRO, Map.of("questionnaire", topic));
      if (r.nextDouble() >= CONTINUE_TO_CHECKOUT) {
        return v.events;
      }
      Map<String, Object> order = new LinkedHashMap<>();
      order.put("questionnaire", topic);
      order.put("amount_cents", 4_900L + 1_000L * r.nextInt(20));
      order.put("currency", "EUR");
      v.add("checkout", "/checkout", Conversion.MACRO, order);
      return v.events;
    }

    private static String pick(SplittableRandom r, String[] values, double[] weights) {
      double x = r.nextDouble();
      for (int i = 0; i < values.length - 1; i++) {
        x -= weights[i];
        if (x < 0) {
          return values[i];
        }
      }
      return values[values.length - 1];
    }
  }

  /** A visit being built: its fixed dimensions and the time of its next step. */
  private static final class Visit {
    final State state;
    final String userId;
    final String source;
    String partner;
    String campaign;
    final java.util.function.LongSupplier gap;
    final String adContent;
    long clock;
    final List<Event> events = new ArrayList<>();

    Visit(
        State state,
        String userId,
        String source,
        String partner,
        String campaign,
        long start,
        java.util.function.LongSupplier gap) {
      this.state = state;
      this.userId = userId;
      this.source = source;
      this.partner = partner;
      this.campaign = campaign;
      this.clock = start;
      this.gap = gap;
      // From the visit's user and start rather than the random source, so that adding it left every
      // other generated value as it was.
      this.adContent =
          AD_CONTENTS.get(
              Math.floorMod(31 * userId.hashCode() + Long.hashCode(start), AD_CONTENTS.size()));
    }

    void add(String name, String page, Conversion conversion, Map<String, Object> properties) {
      if (!events.isEmpty()) {
        clock += gap.getAsLong();
      }
      events.add(event(name, page, conversion, properties));
      if (state.random.nextDouble() < NEW_NAME_RATE) {
        clock += gap.getAsLong();
        String promo = "promo_click_" + (++state.promoCounter);
        events.add(event(promo, page, null, Map.of("promo", promo)));
      }
    }

    private Event event(
        String name, String page, Conversion conversion, Map<String, Object> stepProperties) {
      Map<String, Object> properties = new LinkedHashMap<>(stepProperties);
      if (adContent != null) {
        properties.put(AD_CONTENT, adContent);
      }
      return new Event(
          state.newEventId().toString(),
          userId,
          name,
          clock,
          source,
          partner,
          campaign,
          page,
          conversion,
          properties);
    }
  }

  /**
   * {@code users} slots, each running one visit after another. A visit's events are queued by write
   * time when it starts; when it ends, its slot starts the next one after a short pause, with a
   * returning user (one whose last visit ended at least {@link #MIN_RETURN_GAP} ago) or a new one.
   * The mean time between two steps of one slot is {@code users / eventsPerSecond}, so the slots
   * together give the asked rate.
   */
  private static final class LiveStream implements Iterator<GeneratedEvent> {
    private final State state;
    private final double meanGapMillis;
    private final PriorityQueue<Pending> queue =
        new PriorityQueue<>(
            Comparator.comparingLong((Pending p) -> p.at).thenComparingLong(p -> p.order));
    private final Deque<long[]> returning =
        new ArrayDeque<>(); // {index into returningIds, eligible-from}
    private final List<String> returningIds = new ArrayList<>();
    private long order;

    LiveStream(State state, Instant start, double eventsPerSecond, int users) {
      this.state = state;
      this.meanGapMillis = users * 1000.0 / eventsPerSecond;
      long startMs = start.toEpochMilli();
      // Stagger the first visits over one mean gap: the stream is at full rate at once, without a
      // burst.
      long spread = Math.max(1, (long) meanGapMillis);
      for (int slot = 0; slot < users; slot++) {
        queue.add(new Pending(startMs + state.random.nextLong(spread), null, order++));
      }
    }

    @Override
    public boolean hasNext() {
      return true;
    }

    @Override
    public GeneratedEvent next() {
      while (true) {
        Pending p = queue.poll();
        if (p == null) {
          throw new NoSuchElementException(); // never: every slot always has a next visit queued
        }
        if (p.line == null) {
          startVisit(p.at);
          continue;
        }
        if (!p.line.duplicate() && state.random.nextDouble() < DUPLICATE_RATE) {
          long again = p.at + 100 + state.random.nextLong(5_000);
          GeneratedEvent dup =
              new GeneratedEvent(Instant.ofEpochMilli(again), p.line.json(), p.line.event(), true);
          queue.add(new Pending(again, dup, order++));
        }
        return p.line;
      }
    }

    private long gap() {
      // Uniform on [0.2, 1.8] x mean: never zero, mean as asked.
      return Math.max(1, (long) (meanGapMillis * (0.2 + 1.6 * state.random.nextDouble())));
    }

    private void startVisit(long at) {
      SplittableRandom r = state.random;
      String userId;
      long[] head = returning.peekFirst();
      if (head != null && head[1] <= at && r.nextDouble() < 0.5) {
        returning.pollFirst();
        userId = returningIds.get((int) head[0]);
      } else {
        userId = state.newUserId();
      }
      List<Event> visit = state.journey(userId, at, this::gap);
      long last = at;
      for (Event e : visit) {
        long writeAt = e.timestampMillis() + r.nextLong(MAX_ARRIVAL_DELAY.toMillis() + 1);
        GeneratedEvent line =
            new GeneratedEvent(Instant.ofEpochMilli(writeAt), EventJson.toJson(e), e, false);
        queue.add(new Pending(writeAt, line, order++));
        last = Math.max(last, e.timestampMillis());
      }
      if (r.nextDouble() < RETURN_RATE) {
        if (returningIds.size() > 100_000) { // bound memory on very long runs
          returningIds.clear();
          returning.clear();
        }
        returningIds.add(userId);
        returning.addLast(new long[] {returningIds.size() - 1, last + returnGapMillis(r)});
      }
      // The slot's next visit starts after a pause once this one is over.
      queue.add(new Pending(last + gap(), null, order++));
    }
  }

  private record Pending(long at, GeneratedEvent line, long order) {}
}
