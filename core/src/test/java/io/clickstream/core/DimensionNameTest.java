package io.clickstream.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DimensionNameTest {

  private static Event parsed(String json) {
    ParseResult result = EventParser.parse(json);
    assertThat(result.isOk()).as(json).isTrue();
    return result.event();
  }

  private static final Event EVENT =
      parsed(
          "{\"event_id\":\"e\",\"user_id\":\"u\",\"name\":\"n\",\"ts\":0,"
              + "\"source\":\"google\",\"page\":\"/landing\",\"properties\":{\"plan\":\"pro\",\"cents\":4900,"
              + "\"ratio\":1.5,\"big\":1e21,\"whole_real\":2.0,\"odd\":\"a:b\"}}");

  @Test
  void aTopLevelDimensionReadsItsFieldAndAMissingOneIsNull() {
    assertThat(DimensionName.parse("source").valueOf(EVENT)).isEqualTo("google");
    assertThat(DimensionName.parse("page").valueOf(EVENT)).isEqualTo("/landing");
    assertThat(DimensionName.parse("campaign").valueOf(EVENT)).isNull();
  }

  @Test
  void aPropertyDimensionReadsTextAsIsAndNumbersAsTheirText() {
    assertThat(DimensionName.parse("properties.plan").valueOf(EVENT)).isEqualTo("pro");
    assertThat(DimensionName.parse("properties.odd").valueOf(EVENT)).isEqualTo("a:b");
    assertThat(DimensionName.parse("properties.cents").valueOf(EVENT)).isEqualTo("4900");
    assertThat(DimensionName.parse("properties.ratio").valueOf(EVENT)).isEqualTo("1.5");
    assertThat(DimensionName.parse("properties.big").valueOf(EVENT)).isEqualTo("1.0E21");
    assertThat(DimensionName.parse("properties.whole_real").valueOf(EVENT)).isEqualTo("2.0");
    assertThat(DimensionName.parse("properties.absent").valueOf(EVENT)).isNull();
  }

  @Test
  void anUnknownNameIsRefusedNamingItAndTheAllowedForms() {
    for (String bad :
        List.of("country", "name", "properties.", "Source", "properties." + "x".repeat(257))) {
      assertThatThrownBy(() -> DimensionName.parse(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("\"" + bad + "\"")
          .hasMessageContaining("source, partner, campaign, page or properties.NAME");
    }
  }

  @Test
  void
      aMissingValueTheOtherBucketAndLiteralNoneAndOtherAreStoredUnderDifferentFieldsAndReadBackExactly() {
    assertThat(DimensionName.field(null)).isEqualTo("(none)");
    assertThat(DimensionName.field("(none)")).isEqualTo("\\(none)");
    assertThat(DimensionName.fromField("(none)")).isNull();
    assertThat(DimensionName.field("(other)")).isEqualTo("\\(other)");
    assertThat(DimensionName.isOther(DimensionName.field("(other)"))).isFalse();
    String longValue = "é".repeat(300);
    List<String> values =
        new ArrayList<>(
            List.of(
                "(none)",
                "\\(none)",
                "\\\\(none)",
                "(none)x",
                "a:b",
                "*",
                "",
                "ünïcødé 🚀",
                longValue,
                "\\",
                "x(none)",
                "(other)",
                "\\(other)",
                "(other)x",
                "(none)(other)"));
    Set<String> fields = new HashSet<>();
    fields.add(DimensionName.field(null));
    fields.add(DimensionName.OTHER);
    for (String v : values) {
      String field = DimensionName.field(v);
      assertThat(DimensionName.fromField(field)).as(v).isEqualTo(v);
      assertThat(fields.add(field)).as("%s has a field of its own", v).isTrue();
    }
    assertThat(DimensionName.field("a:b")).isEqualTo("a:b");
    assertThat(DimensionName.field(longValue)).isEqualTo(longValue);
  }

  @Test
  void aValueLongerThanTheLimitIsCountedUnderOtherNotCutIntoAnotherValue() {
    String longest = "x".repeat(DimensionName.MAX_VALUE_CHARS);
    assertThat(DimensionName.field(longest)).isEqualTo(longest);
    assertThat(DimensionName.field(longest + "y")).isEqualTo(DimensionName.OTHER);
    assertThat(DimensionName.isOther(DimensionName.field(longest + "z"))).isTrue();
  }

  @Test
  void aPropertyNameBecomesAKeyPartWithoutColonsOrGlobCharacters() {
    assertThat(DimensionName.parse("source").keyPart()).isEqualTo("source");
    assertThat(DimensionName.parse("properties.plan").keyPart()).isEqualTo("properties.plan");
    assertThat(DimensionName.parse("properties.a:b*").keyPart()).isEqualTo("properties.a%3Ab%2A");
  }

  @Test
  void theDimensionsOptionIsAListOfAtMostSixteenDistinctNames() {
    assertThat(Dimensions.parse(" source, properties.plan ").text())
        .isEqualTo("source,properties.plan");
    assertThat(Dimensions.parse("").names()).isEmpty();
    assertThat(Dimensions.DEFAULT.text()).isEqualTo("source,partner,campaign");
    assertThatThrownBy(() -> Dimensions.parse("source,country"))
        .hasMessageContaining("\"country\"")
        .hasMessageContaining("properties.NAME");
    assertThatThrownBy(() -> Dimensions.parse("source,source")).hasMessageContaining("twice");
    StringBuilder seventeen = new StringBuilder("source");
    for (int i = 0; i < 16; i++) {
      seventeen.append(",properties.p").append(i);
    }
    assertThatThrownBy(() -> Dimensions.parse(seventeen.toString()))
        .hasMessageContaining("at most 16");
  }
}
