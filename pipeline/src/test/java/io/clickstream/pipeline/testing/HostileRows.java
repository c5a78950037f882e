package io.clickstream.pipeline.testing;

import io.clickstream.core.EventTable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded rows that a careless or hostile application could write straight into the events table,
 * each with the verdict our rules (docs/data-model.md, docs/pipeline.md) give it, so a test can
 * hold the pipeline to that verdict row by row.
 *
 * <p>Garbage bytes, huge and deep documents, dates that are in the future, ancient or no dates at
 * all, and injection text in every field. Injection text is not hostile by itself: an event whose
 * fields carry Redis protocol, Lua, {@code :} or {@code {}} but breaks no rule is an event, to be
 * counted (and to stay out of every other event's Redis keys). Duplicates with other content are
 * {@link #rewrites}: the same row key written again, with a plain {@code Put}.
 *
 * <p>Rows our rules accept are built to stay out of the way of the good rows: each has a user of
 * its own and an event id no other row has, because the oracle identifies an event by its event id
 * alone.
 */
public final class HostileRows {

  /** What our rules do with a row. */
  public enum Verdict {
    /** Dead-lettered as {@code invalid}. */
    INVALID,
    /** Dead-lettered as {@code future}: more than 5 minutes after its write time. */
    FUTURE,
    /** Dead-lettered as {@code late}: further behind its write time than the allowed lateness. */
    LATE,
    /**
     * Dead-lettered as {@code rewritten}: a later write of a row, whose first write is its event.
     */
    REWRITTEN,
    /** A valid event, counted once. */
    COUNTED;

    /** The {@code kind} of its dead letter, or null when it is none. */
    public String deadLetterKind() {
      return this == COUNTED ? null : name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public enum Kind {
    GARBAGE_BYTES,
    HUGE,
    DEEP,
    FUTURE,
    ANCIENT,
    INVALID_DATE,
    INJECTION_REFUSED,
    INJECTION_ACCEPTED,
    /**
     * The first, valid copy of an event that a {@link #rewrites rewrite} later overwrites: not
     * hostile.
     */
    ORIGINAL,
    DUPLICATE_WITH_OTHER_CONTENT
  }

  /**
   * One row to write under {@code rowKey}; {@code reasonContains} is a piece of the dead letter's
   * reason (empty when any reason will do).
   */
  public record Row(
      Kind kind, byte[] rowKey, byte[] value, Verdict verdict, String reasonContains) {
    public boolean hostile() {
      return kind != Kind.ORIGINAL;
    }
  }

  /** A first copy, remembered until its rewrite. */
  private record Original(byte[] rowKey, String user, String id, long ts) {}

  /** Text that has meant something to some layer between HBase and a dashboard. */
  private static final String[] INJECTIONS = {
    "\r\n",
    "*1\r\n$4\r\nPING\r\n",
    "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n",
    "$-1\r\n",
    "+OK\r\n",
    "redis.call('FLUSHALL')",
    "\"); redis.call('FLUSHALL') --",
    "]]..redis.call('DEL','cs:catalog:total')..[[",
    ":",
    "a:b:c",
    "::",
    "{user}",
    "{",
    "}",
    "}{",
    "cs:cnt:e.page_view:all:29000000",
    "cs:u:x:events:sessions",
    "%3A",
    "%",
    "%25",
    "'",
    "\"",
    "`",
    "\\",
    "\\\"",
    "\t",
    "\n",
    "\u0085",
    "\u2028",
    "*",
    "?",
    "[a-z]",
    "\u202Egnp.exe",
    "\u200B",
    "\uFEFF",
    "\u0301",
    "😀",
    "👨‍👩‍👧",
    "𝕏",
    "ﷺ",
    "中文",
    "日本語",
    "مرحبا",
    "\u0000",
    "all",
    "(none)",
    "reached:1",
    "by:source:1:x",
    "_end",
    "_ver",
    "-",
    " ",
    "",
  };

  /**
   * JSON values {@code ts} may not be: texts that are no ISO-8601 instant with an offset, numbers
   * out of range.
   */
  private static final String[] INVALID_TS = {
    "\"2026-02-30T00:00:00Z\"",
    "\"2026-02-29T00:00:00Z\"",
    "\"2026-01-01T25:61:00Z\"",
    "\"2026-13-01T00:00:00Z\"",
    "\"2026-00-10T00:00:00Z\"",
    "\"2026-01-01T10:00:00\"",
    "\"2026-01-01 10:00:00Z\"",
    "\"2026-01-01\"",
    "\"01/02/2026 10:00\"",
    "\"Tue, 1 Dec 2026 10:00:00 GMT\"",
    "\"yesterday\"",
    "\"\"",
    "\" \"",
    "\"NaN\"",
    "\"1714551330000\"",
    "\"2026-01-01T10:00:00+25:00\"",
    "\"2026-01-01T10:00:00Z[Europe/Paris]\"",
    "\"2026-W01-1T10:00:00Z\"",
    "\"２０２６-01-01T00:00:00Z\"",
    "\"2026-01-01T10:00:00\\u0000Z\"",
    "1.5",
    "1714551330000.0",
    "1e3",
    "1e300",
    "-1e300",
    "true",
    "false",
    "null",
    "[]",
    "{}",
    "[1714551330000]",
    "\"2100-01-01T00:00:00Z\"",
    "4102444800000",
    "\"+300000000-01-01T00:00:00Z\"",
    "\"+999999999-12-31T23:59:59Z\"",
    "99999999999999999999",
    "9223372036854775807",
    "-99999999999999999",
    "\"0001-01-01T00:00:00Z\"",
    "-1",
    "-9223372036854775808",
    "\"1969-12-31T23:59:59.999Z\"",
    "\"-000001-01-01T00:00:00Z\"",
    "\"-999999999-01-01T00:00:00Z\"",
    "\"\\ud800\"",
  };

  /** {@code ts} values JSON does not have at all: the row is not valid JSON. */
  private static final String[] NOT_JSON_TS = {
    "NaN", "Infinity", "-Infinity", "+1", "0x10", "01714551330000", "1_000"
  };

  private final SplittableRandom random;
  private final List<Original> originals = new ArrayList<>();
  private long sequence;

  public HostileRows(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /**
   * {@code hostile} hostile rows to write at about {@code now}, plus the {@link Kind#ORIGINAL} of
   * each duplicate, whose hostile copy {@link #rewrites} returns later (and which counts among the
   * {@code hostile} asked for here).
   */
  public List<Row> next(int hostile, Instant now) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < hostile; i++) {
      int pick = random.nextInt(100);
      if (pick < 12) {
        rows.add(garbage());
      } else if (pick < 16) {
        rows.add(huge(now));
      } else if (pick < 22) {
        rows.add(deep(now));
      } else if (pick < 31) {
        rows.add(future(now));
      } else if (pick < 40) {
        rows.add(ancient(now));
      } else if (pick < 55) {
        rows.add(invalidDate(now));
      } else if (pick < 70) {
        rows.add(injectionRefused(now));
      } else if (pick < 88) {
        rows.add(injectionAccepted(now));
      } else {
        rows.add(original(now));
      }
    }
    return rows;
  }

  /**
   * The duplicates: every {@link Kind#ORIGINAL} handed out so far, written again under its row key
   * with other content, as a plain {@code Put} does. Whatever a copy holds (the same event a second
   * later or in another session, a time in the future or past the allowed lateness, no JSON at
   * all), it is a rewrite, and the original is the event (docs/data-model.md, "The rule").
   */
  public List<Row> rewrites(Instant now) {
    List<Row> rows = new ArrayList<>();
    for (Original o : originals) {
      String later = Long.toString(now.plus(Duration.ofHours(1)).toEpochMilli());
      String earlier = Long.toString(now.minus(Duration.ofHours(1)).toEpochMilli());
      String json =
          switch (random.nextInt(5)) {
            case 0 ->
                event(
                    o.id(),
                    o.user(),
                    "changed",
                    Long.toString(o.ts() + 1_000),
                    ",\"source\":\"other\"");
            // A minute before: another session, under every gap the tests use, and not late under
            // theirs.
            case 1 ->
                event(
                    o.id(),
                    o.user(),
                    "changed",
                    Long.toString(o.ts() - 60_000),
                    ",\"source\":\"other\"");
            case 2 -> event(o.id(), o.user(), "changed", later, "");
            case 3 -> event(o.id(), o.user(), "changed", earlier, "");
            default -> event(o.id(), o.user(), "changed", "", "");
          };
      rows.add(
          new Row(
              Kind.DUPLICATE_WITH_OTHER_CONTENT,
              o.rowKey(),
              bytes(json),
              Verdict.REWRITTEN,
              "its first write is the event"));
    }
    originals.clear();
    return rows;
  }

  private Row garbage() {
    byte[] bytes = new byte[random.nextInt(2) == 0 ? random.nextInt(16) : random.nextInt(4096)];
    random.nextBytes(bytes);
    if (bytes.length > 2) {
      // Never valid UTF-8: a lone continuation byte and a truncated sequence.
      bytes[random.nextInt(bytes.length)] = (byte) 0x80;
      bytes[bytes.length - 1] = (byte) 0xE2;
    }
    // The key is garbage too (a salt byte that is no salt, NULs, invalid UTF-8), made unique.
    byte[] key = new byte[1 + random.nextInt(24)];
    random.nextBytes(key);
    byte[] rowKey = ByteBuffer.allocate(key.length + 8).put(key).putLong(sequence++).array();
    return new Row(Kind.GARBAGE_BYTES, rowKey, bytes, Verdict.INVALID, "");
  }

  private Row huge(Instant now) {
    String id = nextId("huge");
    String ts = Long.toString(now.toEpochMilli());
    return switch (random.nextInt(10)) {
      // 2 MB: rare, so the full-size run stays within the test JVM's heap.
      case 0 ->
          refused(
              Kind.HUGE,
              event(id, "hostile", "page_view", ts, ",\"page\":\"" + "x".repeat(2 << 20) + "\""),
              "event: longer than");
      case 1, 2 ->
          refused(
              Kind.HUGE,
              event(id, "hostile", "page_view", ts, ",\"page\":\"" + "y".repeat(64 * 1024) + "\""),
              "event: longer than");
      case 3, 4 ->
          refused(
              Kind.HUGE,
              event(id, "hostile", "page_view", ts, fields("f", 10_000, "0")),
              "event: longer than");
      case 5, 6 ->
          refused(
              Kind.HUGE,
              event(
                  id,
                  "hostile",
                  "page_view",
                  ts,
                  ",\"properties\":{" + fields("p", 101, "1").substring(1) + "}"),
              "more than 100 properties");
      default ->
          refused(
              Kind.HUGE,
              event(
                  id,
                  "hostile",
                  "page_view",
                  ts,
                  ",\"properties\":{\"" + "k".repeat(257) + "\":1}"),
              "property name");
    };
  }

  private Row deep(Instant now) {
    String ts = Long.toString(now.toEpochMilli());
    String deep =
        switch (random.nextInt(4)) {
          case 0 -> "[".repeat(10_000);
          case 1 -> "[".repeat(10_000) + "]".repeat(10_000);
          case 2 -> "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
          default -> "[{\"a\":".repeat(5_000) + "1" + "}]".repeat(5_000);
        };
    String json =
        random.nextBoolean()
            ? deep
            : event(
                nextId("deep"), "hostile", "page_view", ts, ",\"properties\":{\"p\":" + deep + "}");
    return refused(Kind.DEEP, json, "not valid JSON");
  }

  private Row future(Instant now) {
    String id = nextId("future");
    long justBeyond =
        now.plus(Duration.ofMinutes(5)).plusSeconds(30 + random.nextInt(60)).toEpochMilli();
    return switch (random.nextInt(6)) {
      case 0 ->
          judged(
              Kind.FUTURE,
              id,
              Long.toString(justBeyond),
              Verdict.FUTURE,
              "more than 5 minutes after");
      case 1 ->
          judged(
              Kind.FUTURE,
              id,
              iso(justBeyond, ZoneOffset.ofHours(14)),
              Verdict.FUTURE,
              "more than 5 minutes after");
      case 2 ->
          judged(
              Kind.FUTURE,
              id,
              "\"2099-12-31T23:59:59.999Z\"",
              Verdict.FUTURE,
              "more than 5 minutes after");
      case 3 ->
          judged(Kind.FUTURE, id, "4102444799999", Verdict.FUTURE, "more than 5 minutes after");
      // Microseconds sent as milliseconds: past 2100.
      case 4 ->
          judged(
              Kind.FUTURE, id, Long.toString(now.toEpochMilli() * 1000), Verdict.INVALID, "ts: ");
      default ->
          judged(
              Kind.FUTURE,
              id,
              "\"+300000000-01-01T00:00:00Z\"",
              Verdict.INVALID,
              "outside 1970..2100");
    };
  }

  private Row ancient(Instant now) {
    String id = nextId("ancient");
    return switch (random.nextInt(7)) {
      case 0 -> judged(Kind.ANCIENT, id, "0", Verdict.LATE, "later than the allowed lateness");
      case 1 ->
          judged(
              Kind.ANCIENT,
              id,
              "\"1970-01-01T00:00:00Z\"",
              Verdict.LATE,
              "later than the allowed lateness");
      // Seconds sent as milliseconds: January 1970.
      case 2 ->
          judged(
              Kind.ANCIENT,
              id,
              Long.toString(now.getEpochSecond()),
              Verdict.LATE,
              "later than the allowed lateness");
      case 3 ->
          judged(
              Kind.ANCIENT, id, "\"0001-01-01T00:00:00Z\"", Verdict.INVALID, "outside 1970..2100");
      case 4 ->
          judged(
              Kind.ANCIENT,
              id,
              Long.toString(-1 - random.nextInt(1_000_000)),
              Verdict.INVALID,
              "outside 1970..2100");
      case 5 ->
          judged(
              Kind.ANCIENT,
              id,
              "\"1969-12-31T23:59:59.999Z\"",
              Verdict.INVALID,
              "outside 1970..2100");
      default -> judged(Kind.ANCIENT, id, "-62135596800000", Verdict.INVALID, "outside 1970..2100");
    };
  }

  private Row invalidDate(Instant now) {
    String id = nextId("date");
    if (random.nextInt(5) == 0) {
      return refused(
          Kind.INVALID_DATE,
          event(id, "hostile", "page_view", pick(NOT_JSON_TS), ""),
          "not valid JSON");
    }
    return judged(Kind.INVALID_DATE, id, pick(INVALID_TS), Verdict.INVALID, "ts: ");
  }

  /** Injection text where our rules refuse it, each with the field the reason must name. */
  private Row injectionRefused(Instant now) {
    String ts = Long.toString(now.toEpochMilli());
    String id = nextId("refused");
    String junk = injection();
    return switch (random.nextInt(12)) {
      case 0 ->
          refused(
              Kind.INJECTION_REFUSED,
              event(id + "\u0000" + junk, "hostile", "page_view", ts, ""),
              "event_id: must not contain the NUL");
      case 1 ->
          refused(
              Kind.INJECTION_REFUSED,
              event(id, "hostile\u0000" + junk, "page_view", ts, ""),
              "user_id: must not contain the NUL");
      case 2 ->
          refused(
              Kind.INJECTION_REFUSED,
              event(id + "é".repeat(513), "hostile", "page_view", ts, ""),
              "event_id: longer than 1024 bytes");
      case 3 ->
          refused(
              Kind.INJECTION_REFUSED,
              event(id, "hostile" + "x".repeat(1025), "page_view", ts, ""),
              "user_id: longer than 1024 bytes");
      case 4 ->
          refused(
              Kind.INJECTION_REFUSED,
              event(id, "hostile", "n".repeat(1025), ts, ""),
              "name: longer than 1024");
      case 5 ->
          refused(
              Kind.INJECTION_REFUSED,
              event(id, "hostile", "_sessions" + junk, ts, ""),
              "name: names starting with '_'");
      case 6 ->
          refused(
              Kind.INJECTION_REFUSED,
              event(
                  id,
                  "hostile",
                  "page_view",
                  ts,
                  ",\"conversion\":\"micro" + json(junk) + "\\r\\n\""),
              "conversion: ");
      case 7 ->
          refused(
              Kind.INJECTION_REFUSED,
              event(id, "hostile", "page_view", ts, ",\"source\":{\"$ne\":null}"),
              "source: expected a string");
      case 8 ->
          refused(
              Kind.INJECTION_REFUSED,
              event(
                  id,
                  "hostile",
                  "page_view",
                  ts,
                  ",\"properties\":{\"p\":[\"" + json(junk) + "\"]}"),
              "properties.p: ");
      case 9 ->
          refused(
              Kind.INJECTION_REFUSED,
              event(id, "hostile", "page_view", ts, ",\"properties\":{\"\":1}"),
              "property name");
      case 10 ->
          refused(
              Kind.INJECTION_REFUSED,
              event(id, "hostile", "page_view", ts, ",\"event_id\":" + random.nextInt()),
              "event_id: expected a string");
      // A lone surrogate, escaped as JSON allows, in each field in turn: it has no UTF-8 form.
      default -> {
        String[] fields = {"event_id", "user_id", "name", "source", "partner", "campaign", "page"};
        String field = fields[random.nextInt(fields.length)];
        String lone = "x\\ud800" + json(junk);
        String json =
            switch (field) {
              case "event_id" -> eventJson(json(id) + lone, "hostile", "page_view", ts, "");
              case "user_id" -> eventJson(json(id), "hostile" + lone, "page_view", ts, "");
              case "name" -> eventJson(json(id), "hostile", "page_view" + lone, ts, "");
              default ->
                  event(id, "hostile", "page_view", ts, ",\"" + field + "\":\"" + lone + "\"");
            };
        yield refused(Kind.INJECTION_REFUSED, json, field + ": contains an unpaired surrogate");
      }
    };
  }

  /** A valid event with injection text in every field it has: counted like any other. */
  private Row injectionAccepted(Instant now) {
    String user = "hostile-user-" + sequence + "-" + idInjection() + idInjection();
    String id = nextId("accepted") + idInjection() + idInjection();
    String name = (random.nextInt(4) == 0 ? "page:view" : "page_view") + injection() + injection();
    if (random.nextInt(20) == 0) {
      // At the limits: 1024 bytes of id (in two-byte characters) and 1024 characters of name.
      String prefix = nextId("at-limit");
      id =
          prefix
              + "x".repeat(prefix.length() % 2)
              + "é".repeat((1024 - prefix.length() - prefix.length() % 2) / 2);
      name = "n".repeat(1024);
    }
    StringBuilder extra = new StringBuilder();
    for (String dimension : List.of("source", "partner", "campaign", "page")) {
      String value = random.nextInt(10) == 0 ? "€".repeat(5_000) : injection() + injection();
      extra.append(",\"").append(dimension).append("\":\"").append(json(value)).append('"');
    }
    extra
        .append(",\"properties\":{\"")
        .append(json("p" + injection()))
        .append("\":\"")
        .append(json(injection()))
        .append("\",\"n\":")
        .append(random.nextInt())
        .append('}');
    if (random.nextInt(4) == 0) {
      extra
          .append(",\"conversion\":\"")
          .append(random.nextBoolean() ? "micro" : "macro")
          .append('"');
    }
    long ts = now.minusMillis(random.nextInt(2_000)).toEpochMilli();
    String tsText =
        random.nextBoolean() ? Long.toString(ts) : iso(ts, ZoneOffset.ofHoursMinutes(-9, -30));
    String json = event(id, user, name, tsText, extra.toString());
    return new Row(
        Kind.INJECTION_ACCEPTED, EventTable.rowKey(user, id), bytes(json), Verdict.COUNTED, "");
  }

  private Row original(Instant now) {
    String user = "hostile-dup-" + sequence;
    String id = nextId("original") + idInjection();
    long ts = now.minusMillis(random.nextInt(2_000)).toEpochMilli();
    Row row =
        new Row(
            Kind.ORIGINAL,
            EventTable.rowKey(user, id),
            bytes(event(id, user, "page_view", Long.toString(ts), "")),
            Verdict.COUNTED,
            "");
    originals.add(new Original(row.rowKey(), user, id, ts));
    return row;
  }

  /** An event whose {@code ts} is {@code tsJson}, under a row key of its own. */
  private Row judged(Kind kind, String id, String tsJson, Verdict verdict, String reason) {
    String user = "hostile-" + (sequence % 97);
    return row(
        kind,
        EventTable.rowKey(user, id),
        event(id, user, "page_view", tsJson, ""),
        verdict,
        reason);
  }

  /** A row our rules refuse, under a row key of its own (whatever the ids inside say, if any). */
  private Row refused(Kind kind, String json, String reason) {
    return row(
        kind,
        EventTable.rowKey("hostile-" + (sequence % 97), "refused-" + sequence++),
        json,
        Verdict.INVALID,
        reason);
  }

  private Row row(Kind kind, byte[] key, String json, Verdict verdict, String reason) {
    return new Row(kind, key, bytes(json), verdict, reason);
  }

  private String nextId(String kind) {
    return kind + "-" + sequence++;
  }

  private String injection() {
    int pick = random.nextInt(INJECTIONS.length + 1);
    return pick == INJECTIONS.length ? "\\".repeat(1 + random.nextInt(200)) : INJECTIONS[pick];
  }

  /** Injection text that may go into an id: any but NUL, which no id may hold. */
  private String idInjection() {
    String text = injection();
    return text.indexOf('\0') >= 0 ? "{nul}" : text;
  }

  private String pick(String[] values) {
    return values[random.nextInt(values.length)];
  }

  /**
   * An event as JSON text; ids and name are escaped here, {@code tsJson} and {@code extra} are JSON
   * already.
   */
  private static String event(String id, String user, String name, String tsJson, String extra) {
    return eventJson(json(id), json(user), json(name), tsJson, extra);
  }

  /** {@link #event} of ids and name that are JSON string bodies already (escapes and all). */
  private static String eventJson(
      String idJson, String userJson, String nameJson, String tsJson, String extra) {
    return "{\"event_id\":\""
        + idJson
        + "\",\"user_id\":\""
        + userJson
        + "\",\"name\":\""
        + nameJson
        + "\",\"ts\":"
        + tsJson
        + extra
        + "}";
  }

  private static String fields(String prefix, int count, String value) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < count; i++) {
      out.append(",\"").append(prefix).append(i).append("\":").append(value);
    }
    return out.toString();
  }

  private static String iso(long millis, ZoneOffset offset) {
    return "\"" + OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), offset) + "\"";
  }

  /**
   * The body of a JSON string: quotes, backslashes and control characters escaped; everything else,
   * emoji and right-to-left marks included, as itself. Text already holding a JSON escape such as
   * {@code \ud800} must not pass through here.
   */
  private static String json(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
