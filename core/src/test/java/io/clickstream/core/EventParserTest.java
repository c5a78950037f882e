package io.clickstream.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventParserTest {

  @Test
  void aCompleteEventParsesWithEveryField() {
    ParseResult r =
        EventParser.parse(
            "{\"event_id\":\"e1\",\"user_id\":\"u1\",\"name\":\"checkout\",\"ts\":\"2024-05-01T10:15:30+02:00\","
                + "\"source\":\"google\",\"partner\":\"p\",\"campaign\":\"c\",\"page\":\"/x\",\"conversion\":\"macro\","
                + "\"properties\":{\"amount\":12.5,\"items\":3,\"plan\":\"pro\"}}");
    assertThat(r.error()).isNull();
    Event e = r.event();
    assertThat(e.timestampMillis())
        .isEqualTo(java.time.Instant.parse("2024-05-01T08:15:30Z").toEpochMilli());
    assertThat(e.conversion()).isEqualTo(Conversion.MACRO);
    assertThat(e.properties())
        .containsEntry("amount", 12.5)
        .containsEntry("items", 3L)
        .containsEntry("plan", "pro");
  }

  @Test
  void epochMillisAreAcceptedAsTimestamp() {
    ParseResult r =
        EventParser.parse(
            "{\"event_id\":\"e\",\"user_id\":\"u\",\"name\":\"n\",\"ts\":1714551330000}");
    assertThat(r.event().timestampMillis()).isEqualTo(1714551330000L);
    assertThat(r.event().source()).isNull();
  }

  @Test
  void eachRejectionNamesTheFieldAtFault() {
    assertThat(EventParser.parse("nope").error()).startsWith("not valid JSON");
    assertThat(EventParser.parse("[1]").error()).isEqualTo("not a JSON object");
    assertThat(EventParser.parse("{\"user_id\":\"u\",\"name\":\"n\",\"ts\":1}").error())
        .isEqualTo("event_id: required");
    assertThat(
            EventParser.parse("{\"event_id\":\"e\",\"user_id\":7,\"name\":\"n\",\"ts\":1}").error())
        .isEqualTo("user_id: expected a string, got number");
    assertThat(
            EventParser.parse(
                    "{\"event_id\":\"e\",\"user_id\":\"u\",\"name\":\"n\",\"ts\":\"yesterday\"}")
                .error())
        .startsWith("ts: expected ISO-8601");
    assertThat(
            EventParser.parse(
                    "{\"event_id\":\"e\",\"user_id\":\"u\",\"name\":\"n\",\"ts\":\"2024-05-01T10:15:30\"}")
                .error())
        .startsWith("ts: expected ISO-8601 with an offset");
    assertThat(
            EventParser.parse(
                    "{\"event_id\":\"e\",\"user_id\":\"u\",\"name\":\"n\",\"ts\":1714551330}")
                .event())
        .isNotNull();
    assertThat(
            EventParser.parse(
                    "{\"event_id\":\"e\",\"user_id\":\"u\",\"name\":\"n\",\"ts\":17145513300000000}")
                .error())
        .contains("outside 1970..2100");
    assertThat(
            EventParser.parse(
                    "{\"event_id\":\"e\",\"user_id\":\"u\",\"name\":\"n\",\"ts\":1,\"conversion\":\"big\"}")
                .error())
        .startsWith("conversion:");
    assertThat(
            EventParser.parse(
                    "{\"event_id\":\"e\",\"user_id\":\"u\",\"name\":\"_sessions\",\"ts\":1}")
                .error())
        .startsWith("name: names starting with '_' are reserved");
    assertThat(
            EventParser.parse(
                    "{\"event_id\":\"e\",\"user_id\":\"u\",\"name\":\"n\",\"ts\":1,\"properties\":{\"a\":[1]}}")
                .error())
        .isEqualTo("properties.a: expected a string or a number, got array");
  }

  @Test
  void eventJsonRoundTripsThroughTheParser() {
    Event e =
        EventParser.parse(
                "{\"event_id\":\"e1\",\"user_id\":\"u1\",\"name\":\"search\",\"ts\":1714551330123,\"source\":\"a:b\","
                    + "\"conversion\":\"micro\",\"properties\":{\"q\":\"shoes\",\"n\":2}}")
            .event();
    assertThat(EventParser.parse(EventJson.toJson(e)).event()).isEqualTo(e);
  }
}
