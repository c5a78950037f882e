package io.clickstream.pipeline.io;

import static io.clickstream.pipeline.io.EventsTableFixture.fastRead;
import static io.clickstream.pipeline.io.EventsTableFixture.keys;
import static io.clickstream.pipeline.io.EventsTableFixture.readFor;
import static io.clickstream.pipeline.io.EventsTableFixture.readUntil;
import static io.clickstream.pipeline.io.EventsTableFixture.roundTrip;
import static io.clickstream.pipeline.io.EventsTableFixture.startAndReadFor;
import static io.clickstream.pipeline.io.EventsTableFixture.write;
import static io.clickstream.pipeline.io.EventsTableFixture.writeMany;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clickstream.core.EventTable;
import io.clickstream.pipeline.testing.SharedMiniHBase;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.hadoop.hbase.client.Admin;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reader driven directly against a real (mini cluster) HBase. */
class ReadEventsFromHBaseReaderTest {

  private final PipelineOptions options = PipelineOptionsFactory.create();

  /**
   * A poll reads at most a slice past C, and C trails the clock by the overlap: with a 30 s overlap
   * and the default 10 s slice, new rows would wait 20 s to be read (docs/unbounded-read.md).
   */
  private static final Duration LONGER_THAN_THE_OVERLAP = Duration.standardSeconds(60);

  @BeforeEach
  void emptyTable() {
    SharedMiniHBase.resetEventsTable();
  }

  @Test
  void readsEveryRowWrittenBeforeAndAfterTheReaderStarted() throws Exception {
    List<String> before = writeMany("before", 20);
    EventsUnboundedSource source = fastRead().startingAt(-1).source();
    try (EventsReader reader = source.createReader(options, null)) {
      List<EventRow> first = readUntil(reader, false, rows -> rows.size() >= 20, 30_000);
      List<String> after = writeMany("after", 20);
      List<EventRow> second = readUntil(reader, true, rows -> rows.size() >= 20, 30_000);
      // Let a few more polls re-read the overlap: nothing may come twice.
      List<EventRow> extra = readFor(reader, 1_500);

      List<EventRow> all = new ArrayList<>(first);
      all.addAll(second);
      all.addAll(extra);
      List<String> expected = new ArrayList<>(before);
      expected.addAll(after);
      assertThat(keys(all)).containsExactlyInAnyOrderElementsOf(expected);
      for (EventRow row : all) {
        assertThat(row.json()).contains("\"event_id\"");
        assertThat(row.writeTimeMillis())
            .isBetween(System.currentTimeMillis() - 120_000, System.currentTimeMillis());
      }
    }
  }

  @Test
  void aResumedReaderNeitherSkipsNorRepeatsRows() throws Exception {
    List<String> expected = new ArrayList<>(writeMany("one", 30));
    // A long overlap keeps the fresh rows inside the re-read window however slow the machine, so
    // the
    // resumed reader must de-duplicate them with the emitted set carried by the checkpoint.
    EventsUnboundedSource source =
        fastRead()
            .withReadOverlap(Duration.standardSeconds(30))
            .withMaxSlice(LONGER_THAN_THE_OVERLAP)
            .source();
    List<EventRow> all = new ArrayList<>();
    EventsCheckpointMark mark;
    try (EventsReader first = source.createReader(options, null)) {
      all.addAll(readUntil(first, false, rows -> rows.size() >= 10, 30_000));
      // Checkpoint in the middle of a poll, through the coder as a runner would.
      mark = roundTrip(source.getCheckpointMarkCoder(), first.getCheckpointMark());
      assertThat(mark).isEqualTo(first.getCheckpointMark());
      assertThat(mark.emitted()).hasSize(10);
    }
    expected.addAll(writeMany("two", 30));
    try (EventsReader resumed = source.createReader(options, mark)) {
      assertThat(resumed.getWatermark()).isEqualTo(new Instant(mark.completeUpTo()));
      all.addAll(readUntil(resumed, false, rows -> rows.size() >= 50, 30_000));
      // Keep polling past the overlap window: no repeats may show up.
      all.addAll(readFor(resumed, 3_500));
    }
    assertThat(keys(all)).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void aCheckpointInTheMiddleOfABacklogCarriesTheScanPositionNotTheCellsAndResumesExactly()
      throws Exception {
    List<String> expected = new ArrayList<>(writeMany("backlog", 60));
    Thread.sleep(
        700); // past the 500 ms overlap: the whole poll is history, none of it is read again
    EventsUnboundedSource source = fastRead().source();
    List<EventRow> all = new ArrayList<>();
    EventsCheckpointMark mark;
    try (EventsReader first = source.createReader(options, null)) {
      all.addAll(readUntil(first, false, rows -> rows.size() >= 25, 30_000));
      mark = roundTrip(source.getCheckpointMarkCoder(), first.getCheckpointMark());
      assertThat(mark).isEqualTo(first.getCheckpointMark());
    }
    assertThat(mark.poll()).as("a poll under way").isNotNull();
    assertThat(mark.poll().afterRow()).isNotNull();
    assertThat(mark.emitted()).as("no cell of a backlog needs listing").isEmpty();
    try (EventsReader resumed = source.createReader(options, mark)) {
      all.addAll(readUntil(resumed, false, rows -> rows.size() >= 35, 30_000));
      all.addAll(readFor(resumed, 1_000));
    }
    assertThat(keys(all)).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void aResumedReaderAfterACompletedPollDeduplicatesTheOverlap() throws Exception {
    List<String> expected = new ArrayList<>(writeMany("one", 20));
    // Long enough that the rows are still in the overlap when the checkpoint is taken, however slow
    // the machine.
    EventsUnboundedSource source =
        fastRead()
            .withReadOverlap(Duration.standardSeconds(30))
            .withMaxSlice(LONGER_THAN_THE_OVERLAP)
            .source();
    List<EventRow> all = new ArrayList<>();
    EventsCheckpointMark mark;
    try (EventsReader first = source.createReader(options, null)) {
      all.addAll(readUntil(first, false, rows -> rows.size() >= 20, 30_000));
      all.addAll(readFor(first, 300)); // a few complete polls: C moved, rows remain in the set
      mark = roundTrip(source.getCheckpointMarkCoder(), first.getCheckpointMark());
      assertThat(mark.emitted()).hasSize(20);
    }
    expected.addAll(writeMany("two", 5));
    try (EventsReader resumed = source.createReader(options, mark)) {
      all.addAll(readUntil(resumed, false, rows -> rows.size() >= 5, 30_000));
      all.addAll(readFor(resumed, 3_500));
    }
    assertThat(keys(all)).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void splitsPartitionTheSaltBucketsSoEveryRowIsReadByExactlyOneSplit() throws Exception {
    List<String> expected = writeMany("split", 200);
    EventsUnboundedSource source = fastRead().source();

    assertThat(source.split(100, options)).hasSize(EventTable.SALT_BUCKETS);
    assertThat(source.split(1, options)).hasSize(1);
    List<EventsUnboundedSource> splits = source.split(5, options);
    assertThat(splits).hasSize(5);
    Set<Integer> seenBuckets = new HashSet<>();
    for (EventsUnboundedSource split : splits) {
      for (int b : split.buckets()) {
        assertThat(seenBuckets.add(b)).as("bucket %d owned twice", b).isTrue();
      }
    }
    assertThat(seenBuckets).hasSize(EventTable.SALT_BUCKETS);

    List<String> all = new ArrayList<>();
    for (EventsUnboundedSource split : splits) {
      Set<Integer> owned = new TreeSet<>();
      Arrays.stream(split.buckets()).forEach(owned::add);
      try (EventsReader reader = split.createReader(options, null)) {
        List<EventRow> rows = startAndReadFor(reader, 1_000);
        assertThat(rows).allSatisfy(r -> assertThat(owned).contains((int) r.rowKey()[0]));
        all.addAll(keys(rows));
      }
    }
    assertThat(all).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void theWatermarkKeepsAdvancingWhileTheTableIsIdle() throws Exception {
    EventsUnboundedSource source =
        fastRead()
            .withReadOverlap(Duration.millis(300))
            .withOutOfOrderness(Duration.standardSeconds(2))
            .startingAt(System.currentTimeMillis())
            .source();
    try (EventsReader reader = source.createReader(options, null)) {
      assertThat(reader.start()).isFalse();
      Instant first = reader.getWatermark();
      Instant previous = first;
      long end = System.currentTimeMillis() + 2_000;
      while (System.currentTimeMillis() < end) {
        assertThat(reader.advance()).isFalse();
        Instant wm = reader.getWatermark();
        assertThat(wm).isGreaterThanOrEqualTo(previous);
        previous = wm;
        Thread.sleep(20);
      }
      long now = System.currentTimeMillis();
      assertThat(previous.getMillis() - first.getMillis()).isGreaterThan(1_500);
      // It trails wall-clock time by about overlap + out-of-orderness (+ one poll interval).
      assertThat(now - previous.getMillis()).isBetween(2_300L, 2_300L + 1_000L);
    }
  }

  @Test
  void aRowWrittenAgainAfterItWasReadComesAgainMarkedAsARewrite() throws Exception {
    EventsUnboundedSource source = fastRead().source();
    try (EventsReader reader = source.createReader(options, null)) {
      byte[] key = write("rewriter", "e-1");
      List<EventRow> rows = new ArrayList<>(readUntil(reader, false, r -> r.size() >= 1, 30_000));
      Thread.sleep(
          700); // past the overlap: the reader learns of the first write from HBase, not from its
      // own set
      write("rewriter", "e-1");
      rows.addAll(readUntil(reader, true, r -> r.size() >= 1, 30_000));
      rows.addAll(readFor(reader, 1_500));

      assertThat(rows).hasSize(2);
      assertThat(rows).allSatisfy(r -> assertThat(r.rowKey()).isEqualTo(key));
      assertThat(rows.get(1).writeTimeMillis()).isGreaterThan(rows.get(0).writeTimeMillis());
      assertThat(rows).extracting(EventRow::rewrite).containsExactly(false, true);
    }
  }

  @Test
  void writesOfOneRowReadInOnePollComeOldestFirstAndOnlyTheFirstIsTheEvent() throws Exception {
    byte[] key = writeThrice("rewriter", "e-2");
    try (EventsReader reader = fastRead().source().createReader(options, null)) {
      List<EventRow> rows = startAndReadFor(reader, 1_500);

      assertThat(rows).hasSize(3).allSatisfy(r -> assertThat(r.rowKey()).isEqualTo(key));
      assertThat(rows).extracting(EventRow::writeTimeMillis).isSorted().doesNotHaveDuplicates();
      assertThat(rows).extracting(EventRow::rewrite).containsExactly(false, true, true);
    }
  }

  @Test
  void aCheckpointBetweenTheWritesOfOneRowResumesWithNeitherRepeatNorGap() throws Exception {
    writeThrice("rewriter", "e-3");
    Thread.sleep(
        700); // past the overlap: only the scan position and the row's own cells say where the poll
    // was
    EventsUnboundedSource source = fastRead().source();
    List<EventRow> rows = new ArrayList<>();
    EventsCheckpointMark mark;
    try (EventsReader first = source.createReader(options, null)) {
      rows.addAll(readUntil(first, false, r -> r.size() >= 1, 30_000));
      mark = roundTrip(source.getCheckpointMarkCoder(), first.getCheckpointMark());
    }
    assertThat(mark.emitted()).as("the cell emitted from a row not finished").hasSize(1);
    try (EventsReader resumed = source.createReader(options, mark)) {
      rows.addAll(startAndReadFor(resumed, 1_500));
    }
    assertThat(rows).extracting(EventRow::writeTimeMillis).isSorted().doesNotHaveDuplicates();
    assertThat(rows).extracting(EventRow::rewrite).containsExactly(false, true, true);
  }

  /**
   * Writes one row three times, each a little later, so the region server stamps three versions.
   */
  private static byte[] writeThrice(String user, String eventId) throws InterruptedException {
    byte[] key = write(user, eventId);
    for (int i = 0; i < 2; i++) {
      Thread.sleep(5);
      write(user, eventId);
    }
    return key;
  }

  @Test
  void aBackloggedReaderCatchesUpInSlicesSoTheWatermarkRisesGradually() throws Exception {
    long t0 = System.currentTimeMillis();
    List<String> expected = new ArrayList<>();
    for (int batch = 0; batch < 6; batch++) {
      expected.addAll(writeMany("batch" + batch, 10));
      Thread.sleep(400);
    }
    long maxSlice = 500;
    EventsUnboundedSource source =
        fastRead()
            .withReadOverlap(Duration.millis(200))
            .withMaxSlice(Duration.millis(maxSlice))
            .startingAt(t0)
            .source();
    List<EventRow> rows = new ArrayList<>();
    List<Long> watermarks = new ArrayList<>();
    try (EventsReader reader = source.createReader(options, null)) {
      watermarks.add(reader.getWatermark().getMillis());
      boolean more = reader.start();
      long deadline = System.currentTimeMillis() + 30_000;
      while (rows.size() < expected.size() && System.currentTimeMillis() < deadline) {
        long wm = reader.getWatermark().getMillis();
        if (more) {
          EventRow row = reader.getCurrent();
          // Never behind the watermark: no element is late on arrival.
          assertThat(row.writeTimeMillis()).isGreaterThanOrEqualTo(wm);
          assertThat(reader.getCurrentTimestamp().getMillis()).isEqualTo(row.writeTimeMillis());
          rows.add(row);
        }
        if (wm != watermarks.get(watermarks.size() - 1)) {
          watermarks.add(wm);
        }
        more = reader.advance();
      }
    }
    assertThat(keys(rows)).containsExactlyInAnyOrderElementsOf(expected);
    // ~2.4 s of history at most 500 ms per poll: the watermark rose in several steps, none wider
    // than a slice, instead of jumping to "now" at once.
    assertThat(watermarks).hasSizeGreaterThanOrEqualTo(5);
    for (int i = 1; i < watermarks.size(); i++) {
      long step = watermarks.get(i) - watermarks.get(i - 1);
      assertThat(step).isPositive().isLessThanOrEqualTo(maxSlice);
    }
  }

  @Test
  void aFailedPollIsLoggedAndRetriedWithoutLosingRows() throws Exception {
    List<String> expected = new ArrayList<>(writeMany("ok", 10));
    EventsUnboundedSource source = fastRead().source();
    try (EventsReader reader = source.createReader(options, null)) {
      List<EventRow> rows = new ArrayList<>(readUntil(reader, false, r -> r.size() >= 10, 30_000));
      try (Admin admin = SharedMiniHBase.connection().getAdmin()) {
        admin.disableTable(EventTable.NAME);
        long t0 = System.currentTimeMillis();
        // Polls now fail: advance() reports "nothing" instead of throwing.
        rows.addAll(readFor(reader, 1_000));
        assertThat(System.currentTimeMillis() - t0).isLessThan(20_000);
        admin.enableTable(EventTable.NAME);
      }
      expected.addAll(writeMany("again", 10));
      rows.addAll(readUntil(reader, true, r -> r.size() >= 10, 60_000));
      rows.addAll(readFor(reader, 1_000));
      assertThat(keys(rows)).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @Test
  void startFailsClearlyWhenTheTableIsMissing() {
    SharedMiniHBase.dropEventsTable();
    EventsUnboundedSource source = fastRead().source();
    EventsReader reader = source.createReader(options, null);
    assertThatThrownBy(reader::start)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("events")
        .hasMessageContaining(SharedMiniHBase.zkQuorum());
  }

  @Test
  void aReaderWithoutACheckpointResumesAtItsRecordedPositionLessTheReplay() throws Exception {
    List<String> before = writeMany("before", 10);
    Thread.sleep(1_500);
    long recorded = System.currentTimeMillis();
    Thread.sleep(1_500);
    List<String> after = writeMany("after", 10);
    InMemoryPositions positions = new InMemoryPositions();
    positions.save(new int[] {0}, recorded, Double.NaN);
    EventsUnboundedSource source =
        fastRead().persistingPositionIn(positions, Duration.millis(500)).source();

    try (EventsReader reader = source.createReader(options, null)) {
      List<EventRow> rows = new ArrayList<>(readUntil(reader, false, r -> r.size() >= 10, 30_000));
      rows.addAll(readFor(reader, 2_500));

      assertThat(rows)
          .extracting(r -> EventRow.printable(r.rowKey()).substring(3))
          .allMatch(key -> key.startsWith("after"))
          .hasSize(after.size());
      assertThat(before).hasSize(10);
      assertThat(positions.lowest())
          .as("the reader records its own position")
          .isGreaterThan(recorded);
    }
  }

  @Test
  void theRecordedDensityIsAboutTheCellsPerSecondOfWriteTimeOfTheBacklogBeingRead()
      throws Exception {
    long t0 = System.currentTimeMillis();
    int batches = 10;
    for (int batch = 0; batch < batches; batch++) {
      writeMany("dense" + batch, 40);
      Thread.sleep(300);
    }
    InMemoryPositions positions = new InMemoryPositions();
    EventsUnboundedSource source =
        fastRead()
            .withMaxSlice(Duration.millis(300))
            .startingAt(t0)
            .persistingPositionIn(positions, Duration.ZERO)
            .source();
    List<EventRow> rows = new ArrayList<>();
    try (EventsReader reader = source.createReader(options, null)) {
      boolean more = reader.start();
      long deadline = System.currentTimeMillis() + 60_000;
      while (rows.size() < batches * 40 && System.currentTimeMillis() < deadline) {
        if (more) {
          rows.add(reader.getCurrent());
        }
        // A slow consumer: the backlog takes about 4 s to read, so positions are recorded while in
        // it.
        Thread.sleep(10);
        more = reader.advance();
      }
    }
    assertThat(rows).hasSize(batches * 40);
    long first = rows.stream().mapToLong(EventRow::writeTimeMillis).min().orElseThrow();
    long last = rows.stream().mapToLong(EventRow::writeTimeMillis).max().orElseThrow();
    double backlogDensity = rows.size() * 1000.0 / (last - first);
    List<InMemoryPositions.Saved> inBacklog =
        positions.saved.stream()
            .filter(s -> s.completeUpTo() <= last && !Double.isNaN(s.cellsPerSecond()))
            .toList();
    assertThat(inBacklog).as("densities recorded while reading the backlog").isNotEmpty();
    // Loose: a measurement spans a few batches of 40 cells, so it is off by up to a batch either
    // way.
    assertThat(inBacklog)
        .allSatisfy(
            s -> assertThat(s.cellsPerSecond()).isBetween(backlogDensity / 2, backlogDensity * 2));
  }

  /**
   * Read positions kept in memory, with every save; the real store is Redis (RedisReadPositions).
   */
  static final class InMemoryPositions implements ReadPositions {
    record Saved(long completeUpTo, double cellsPerSecond) {}

    private final java.util.Map<Integer, Long> byBucket =
        new java.util.concurrent.ConcurrentHashMap<>();
    final List<Saved> saved = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void save(int[] buckets, long completeUpTo, double cellsPerSecond) {
      for (int b : buckets) {
        byBucket.put(b, completeUpTo);
      }
      saved.add(new Saved(completeUpTo, cellsPerSecond));
    }

    @Override
    public long lowest() {
      return byBucket.values().stream().mapToLong(Long::longValue).min().orElse(-1);
    }
  }
}
