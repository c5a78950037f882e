package io.clickstream.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property-style: whatever a producer writes into HBase, the parser answers with an event or a
 * reason, never an exception. A seeded generator makes every failure reproducible.
 */
class EventParserNeverThrowsTest {

  private static final String VALID =
      "{\"event_id\":\"e1\",\"user_id\":\"u1\",\"name\":\"search\",\"ts\":\"2024-05-01T10:15:30Z\","
          + "\"source\":\"google\",\"campaign\":\"spring\",\"conversion\":\"micro\",\"properties\":{\"q\":\"shoes\",\"n\":2}}";

  /** Values that sit on or beyond the edges of what a field accepts. */
  private static final List<String> BOUNDARY_VALUES =
      List.of(
          "\"+300000000-01-01T00:00:00Z\"",
          "\"-999999999-01-01T00:00:00Z\"",
          "\"+999999999-12-31T23:59:59-18:00\"",
          "\"2026-02-30T00:00:00Z\"",
          "\"2024-13-01T00:00:00Z\"",
          "\"1969-12-31T23:59:59Z\"",
          "\"2100-01-01T00:00:00Z\"",
          "\"2024-05-01T10:15:30+25:00\"",
          "\"\"",
          "\"\\ud800\"",
          "\"a\\udc00b\"",
          "\"\\u0000\"",
          "\"😀\"",
          "1e300",
          "-1e300",
          "1e400",
          "-99999999999999999",
          "99999999999999999999999",
          "9223372036854775807",
          "-9223372036854775808",
          "4102444800000",
          "4102444799999",
          "0",
          "-0",
          "-1",
          "0.5",
          "NaN",
          "Infinity",
          "true",
          "null",
          "[]",
          "{}",
          "[[[[1]]]]",
          "{\"a\":{\"b\":{}}}",
          "\"" + "x".repeat(2000) + "\"");

  private static final List<String> FIELDS =
      List.of(
          "event_id",
          "user_id",
          "name",
          "ts",
          "source",
          "partner",
          "campaign",
          "page",
          "conversion",
          "properties");

  @Test
  void theParserAnswersEveryHostileInputWithAnEventOrAReason() {
    Random random = new Random(20261126L);
    List<String> inputs = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      inputs.add(randomBytes(random));
      inputs.add(mutate(VALID, random));
      inputs.add(
          withField(
              random.nextInt(FIELDS.size()),
              BOUNDARY_VALUES.get(random.nextInt(BOUNDARY_VALUES.size()))));
      inputs.add(withProperty(BOUNDARY_VALUES.get(random.nextInt(BOUNDARY_VALUES.size()))));
    }
    for (String field : FIELDS) {
      for (String value : BOUNDARY_VALUES) {
        inputs.add(withField(FIELDS.indexOf(field), value));
      }
    }
    inputs.add("[".repeat(100_000));
    inputs.add("{\"a\":".repeat(50_000));
    inputs.add(
        "{\"event_id\":\"e\",\"user_id\":\"u\",\"name\":\"n\",\"ts\":1,\"properties\":"
            + "{\"p\":".repeat(500)
            + "1"
            + "}".repeat(500)
            + "}");
    inputs.add(hugeObject());
    inputs.add(
        "{\"event_id\":\"e\",\"user_id\":\"u\",\"name\":\"n\",\"ts\":\""
            + "9".repeat(100_000)
            + "\"}");
    inputs.add(null);
    inputs.add("");

    int accepted = 0;
    for (String input : inputs) {
      ParseResult result = EventParser.parse(input);
      assertThat(result.isOk() || (result.error() != null && !result.error().isBlank()))
          .as("an event or a reason for %s", shorten(input))
          .isTrue();
      if (result.isOk()) {
        accepted++;
        Event e = result.event();
        assertThat(e.timestampMillis()).isBetween(0L, EventParser.MAX_EPOCH_MILLIS - 1);
        assertThat(EventParser.parse(EventJson.toJson(e)).event())
            .as("round trip of %s", shorten(input))
            .isEqualTo(e);
      }
    }
    // The generator must reach both sides of the parser, or it tests little.
    assertThat(accepted).isGreaterThan(100);
    assertThat(inputs.size() - accepted).isGreaterThan(5_000);
  }

  @Test
  void anOverflowingInstantIsRejectedWithTheRangeInItsReason() {
    ParseResult r =
        EventParser.parse(
            "{\"event_id\":\"h1\",\"user_id\":\"u1\",\"name\":\"search\",\"ts\":\"+300000000-01-01T00:00:00Z\"}");
    assertThat(r.error()).startsWith("ts: ").contains("outside 1970..2100");
  }

  @Test
  void anInvalidDateIsRejectedAsAnInvalidTimestamp() {
    assertThat(withFieldResult("ts", "\"2026-02-30T00:00:00Z\"").error())
        .startsWith("ts: expected ISO-8601");
  }

  @Test
  void anUnpairedSurrogateIsRejectedBecauseItHasNoUtf8Form() {
    assertThat(withFieldResult("user_id", "\"u\\ud800\"").error())
        .startsWith("user_id: contains an unpaired surrogate");
    assertThat(withFieldResult("source", "\"\\udc00\"").error())
        .startsWith("source: contains an unpaired surrogate");
    assertThat(withFieldResult("source", "\"😀\"").event().source()).isEqualTo("😀");
  }

  @Test
  void nonStringDimensionValuesAndOutOfRangeNumbersAreRejectedByField() {
    assertThat(withFieldResult("campaign", "12").error())
        .isEqualTo("campaign: expected a string, got number");
    assertThat(withFieldResult("ts", "1e300").error())
        .startsWith("ts: expected an ISO-8601 string or epoch milliseconds");
    assertThat(withFieldResult("ts", "-99999999999999999").error()).contains("outside 1970..2100");
    assertThat(withFieldResult("ts", "NaN").error()).startsWith("not valid JSON");
    assertThat(EventParser.parse(withProperty("1e400")).error())
        .isEqualTo("properties.p: the number \"Infinity\" is out of range");
  }

  @Test
  void deepOrHugeInputIsRejectedAsAWholeWithoutReadingItAll() {
    assertThat(EventParser.parse("[".repeat(1_000)).error()).startsWith("not valid JSON");
    assertThat(EventParser.parse("[".repeat(100_000)).error()).startsWith("event: longer than");
    assertThat(EventParser.parse(hugeObject()).error()).startsWith("event: longer than");
  }

  private static ParseResult withFieldResult(String field, String value) {
    return EventParser.parse(withField(FIELDS.indexOf(field), value));
  }

  /** The valid event with one field's value replaced. */
  private static String withField(int field, String value) {
    StringBuilder json = new StringBuilder("{");
    String[] values = {
      "\"e1\"",
      "\"u1\"",
      "\"search\"",
      "\"2024-05-01T10:15:30Z\"",
      "\"google\"",
      "\"p\"",
      "\"spring\"",
      "\"/x\"",
      "\"micro\"",
      "{\"q\":\"shoes\"}"
    };
    for (int i = 0; i < FIELDS.size(); i++) {
      json.append(i == 0 ? "" : ",")
          .append('"')
          .append(FIELDS.get(i))
          .append("\":")
          .append(i == field ? value : values[i]);
    }
    return json.append('}').toString();
  }

  private static String withProperty(String value) {
    return "{\"event_id\":\"e\",\"user_id\":\"u\",\"name\":\"n\",\"ts\":1714551330000,\"properties\":{\"p\":"
        + value
        + "}}";
  }

  private static String randomBytes(Random random) {
    byte[] bytes = new byte[random.nextInt(200)];
    random.nextBytes(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** A few random edits: characters deleted, duplicated or replaced by JSON's own punctuation. */
  private static String mutate(String json, Random random) {
    StringBuilder s = new StringBuilder(json);
    String punctuation = "{}[]\":,\\0-+eE.u \u0000\ud800";
    for (int edits = 1 + random.nextInt(4); edits > 0 && s.length() > 0; edits--) {
      int at = random.nextInt(s.length());
      switch (random.nextInt(3)) {
        case 0 -> s.deleteCharAt(at);
        case 1 -> s.insert(at, s.charAt(at));
        default -> s.setCharAt(at, punctuation.charAt(random.nextInt(punctuation.length())));
      }
    }
    return s.toString();
  }

  private static String hugeObject() {
    StringBuilder json =
        new StringBuilder(
            "{\"event_id\":\"e\",\"user_id\":\"u\",\"name\":\"n\",\"ts\":1,\"properties\":{");
    for (int i = 0; i < 20_000; i++) {
      json.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
    }
    return json.append("}}").toString();
  }

  private static String shorten(String input) {
    return input == null ? "null" : input.length() > 200 ? input.substring(0, 200) + "..." : input;
  }
}
