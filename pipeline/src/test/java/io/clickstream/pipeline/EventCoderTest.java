package io.clickstream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.Conversion;
import io.clickstream.core.Event;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

class EventCoderTest {

  /**
   * Two events as the coder wrote them before it had a version byte (commit 94d038e), one after the
   * other as a list's elements are: state a runner checkpointed then must still be read.
   */
  private static final String LEGACY_CHECKOUT =
      "03652d3104752d343208636865636b6f75740000018f33a6f1d00106676f6f676c6500"
          + "0106737072696e6701092f636865636b6f757401056d6163726f0104746965720003613a62";

  private static final String LEGACY_PAGE_VIEW =
      "03652d3204752d343209706167655f766965770000018f33a67ca00000000000010c"
          + "616d6f756e745f63656e747301a426";

  private static final Event CHECKOUT =
      new Event(
          "e-1",
          "u-42",
          "checkout",
          1714558530000L,
          "google",
          null,
          "spring",
          "/checkout",
          Conversion.MACRO,
          Map.of("tier", "a:b"));
  private static final Event PAGE_VIEW =
      new Event(
          "e-2",
          "u-42",
          "page_view",
          1714558500000L,
          null,
          null,
          null,
          null,
          null,
          Map.of("amount_cents", 4900L));

  @Test
  void anEventEncodedBeforeTheVersionByteIsDecodedAsItWas() throws Exception {
    assertThat(
            CoderUtils.decodeFromByteArray(
                EventCoder.of(), HexFormat.of().parseHex(LEGACY_CHECKOUT)))
        .isEqualTo(CHECKOUT);
    assertThat(
            CoderUtils.decodeFromByteArray(
                EventCoder.of(), HexFormat.of().parseHex(LEGACY_PAGE_VIEW)))
        .isEqualTo(PAGE_VIEW);
  }

  @Test
  void legacyEventsOneAfterAnotherAreEachReadWhole() throws Exception {
    byte[] list = HexFormat.of().parseHex("00000002" + LEGACY_CHECKOUT + LEGACY_PAGE_VIEW);

    assertThat(CoderUtils.decodeFromByteArray(ListCoder.of(EventCoder.of()), list))
        .containsExactly(CHECKOUT, PAGE_VIEW);
  }

  @Test
  void anEventNowStartsWithTheVersionByteAndTheFormatAndDecodesToItself() throws Exception {
    byte[] bytes = CoderUtils.encodeToByteArray(EventCoder.of(), CHECKOUT);

    assertThat(bytes[0]).isEqualTo((byte) 0);
    assertThat(bytes[1]).isEqualTo((byte) 1);
    assertThat(CoderUtils.clone(ListCoder.of(EventCoder.of()), List.of(CHECKOUT, PAGE_VIEW)))
        .containsExactly(CHECKOUT, PAGE_VIEW);
  }
}
