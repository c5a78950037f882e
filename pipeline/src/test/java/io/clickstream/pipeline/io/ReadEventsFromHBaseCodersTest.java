package io.clickstream.pipeline.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.EventTable;
import io.clickstream.pipeline.io.EventsCheckpointMark.Emitted;
import java.util.List;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.SerializableUtils;
import org.junit.jupiter.api.Test;

/** The coders and value types of the read, without a cluster. */
class ReadEventsFromHBaseCodersTest {

  private static final byte[] KEY = EventTable.rowKey("user-1", "event-1");

  @Test
  void eventRowsAreEqualByContentAndSurviveTheirCoder() throws Exception {
    EventRow row = new EventRow(KEY, 1_700_000_000_123L, "{\"event_id\":\"event-1\"}");
    EventRow same = new EventRow(KEY.clone(), 1_700_000_000_123L, "{\"event_id\":\"event-1\"}");
    assertThat(row).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(row).isNotEqualTo(new EventRow(KEY, 1_700_000_000_124L, row.json()));
    CoderProperties.coderDecodeEncodeEqual(EventRowCoder.of(), row);
    CoderProperties.coderDeterministic(EventRowCoder.of(), row, same);
    CoderProperties.coderSerializable(EventRowCoder.of());
    EventRowCoder.of().verifyDeterministic();
  }

  @Test
  void aCheckpointMarkEncodesDeterministicallyWhateverTheOrderOfItsCells() throws Exception {
    Emitted a = new Emitted(KEY, 1_000);
    Emitted b = new Emitted(EventTable.rowKey("user-2", "event-9"), 1_000);
    Emitted c = new Emitted(EventTable.rowKey("user-0", "event-0"), 1_500);
    EventsCheckpointMark one = new EventsCheckpointMark(900, List.of(c, a, b));
    EventsCheckpointMark two = new EventsCheckpointMark(900, List.of(b, c, a));
    assertThat(one).isEqualTo(two);
    CoderProperties.coderDecodeEncodeEqual(EventsCheckpointMark.Coder.of(), one);
    CoderProperties.coderDeterministic(EventsCheckpointMark.Coder.of(), one, two);
    CoderProperties.coderDecodeEncodeEqual(
        EventsCheckpointMark.Coder.of(), new EventsCheckpointMark(0, List.of()));
    CoderProperties.coderDecodeEncodeEqual(
        EventsCheckpointMark.Coder.of(),
        new EventsCheckpointMark(
            900, List.of(c), new EventsCheckpointMark.Poll(2_000, 1_400, 3, KEY)));
    CoderProperties.coderDecodeEncodeEqual(
        EventsCheckpointMark.Coder.of(),
        new EventsCheckpointMark(
            900, List.of(), new EventsCheckpointMark.Poll(2_000, 1_400, 0, null)));
    assertThat(one.emitted())
        .extracting(Emitted::writeTimeMillis)
        .containsExactly(1_000L, 1_000L, 1_500L);
  }

  @Test
  void theSourceSurvivesJavaSerializationAsRunnersShipIt() {
    EventsUnboundedSource source = ReadEventsFromHBase.from("127.0.0.1:2181").source();
    assertThat(SerializableUtils.clone(source)).isEqualTo(source);
    assertThat(source.rowRanges()).hasSize(1);
  }
}
