package io.clickstream.pipeline;

import io.clickstream.core.Event;
import io.clickstream.core.EventParser;
import io.clickstream.core.ParseResult;
import io.clickstream.pipeline.io.EventRow;
import java.util.HexFormat;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Turns raw HBase rows into events stamped with their event time. Rows that are not valid events,
 * that claim to be from more than five minutes after they were written, or that arrive later than
 * the allowed lateness go to {@link #DEAD_LETTERS} with the reason, and are counted; so do
 * rewrites, the later writes of a row whose first write is its event.
 *
 * <p>Both time rules compare event time with the cell's write time, not the wall clock, so the
 * verdict on a row is the same on every run and on every runner, and an oracle can reproduce it.
 *
 * <p>A late event is also emitted on {@link #LATE}: the live job leaves it there, and a backfill of
 * counts ({@link BackfillCounts}) counts it into the sessions it belongs to.
 */
public class ParseEvents extends PTransform<PCollection<EventRow>, PCollectionTuple> {

  public static final TupleTag<Event> EVENTS = new TupleTag<>() {};
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  /** The events of the rows dead-lettered as late, stamped with their event time. */
  public static final TupleTag<Event> LATE = new TupleTag<>() {};

  /** The Beam counter of events that passed. */
  public static final String EVENTS_PARSED = "events_parsed";

  private final EventTimeRules settings;

  public ParseEvents(EventTimeRules settings) {
    this.settings = settings;
  }

  @Override
  public PCollectionTuple expand(PCollection<EventRow> rows) {
    PCollectionTuple out =
        rows.apply(
            "ParseAndCheckTimes",
            ParDo.of(new ParseFn(settings))
                .withOutputTags(EVENTS, TupleTagList.of(DEAD_LETTERS).and(LATE)));
    out.get(EVENTS).setCoder(EventCoder.of());
    out.get(LATE).setCoder(EventCoder.of());
    out.get(DEAD_LETTERS).setCoder(SerializableCoder.of(DeadLetter.class));
    return out;
  }

  /** Where the event stands relative to its own write time; {@code null} when it may be counted. */
  static DeadLetter.Kind judge(long eventTime, long writeTime, EventTimeRules settings) {
    if (eventTime - writeTime > EventTimeRules.MAX_FUTURE.getMillis()) {
      return DeadLetter.Kind.FUTURE;
    }
    long behindWatermark = writeTime - settings.outOfOrderness().getMillis() - eventTime;
    return behindWatermark > settings.allowedLateness().getMillis() ? DeadLetter.Kind.LATE : null;
  }

  /**
   * What the rules make of a row: its event ({@code null} when it has none), and when it is a dead
   * letter, of which kind and why.
   */
  public record Verdict(Event event, DeadLetter.Kind kind, String reason) {
    /** Whether the row counts as an event. */
    public boolean accepted() {
      return kind == null;
    }
  }

  /**
   * The rules applied to one row. Everything that reads events from HBase judges rows here, so that
   * a row the live read sets aside is set aside by every other reader too (the user history).
   */
  public static Verdict verdict(EventRow row, EventTimeRules settings) {
    if (row.rewrite()) {
      // Whatever it holds: counting it would count the row twice, or change an event already
      // counted.
      return new Verdict(
          null,
          DeadLetter.Kind.REWRITTEN,
          "the row was written before, at an earlier write time:"
              + " its first write is the event, and a rewrite (written "
              + Instant.ofEpochMilli(row.writeTimeMillis())
              + ") is not counted");
    }
    if (row.notText() != null) {
      return new Verdict(null, DeadLetter.Kind.INVALID, row.notText());
    }
    ParseResult result = EventParser.parse(row.json());
    if (!result.isOk()) {
      return new Verdict(null, DeadLetter.Kind.INVALID, result.error());
    }
    Event event = result.event();
    DeadLetter.Kind kind = judge(event.timestampMillis(), row.writeTimeMillis(), settings);
    if (kind == DeadLetter.Kind.FUTURE) {
      return new Verdict(
          event,
          kind,
          "ts: "
              + Instant.ofEpochMilli(event.timestampMillis())
              + " is more than "
              + EventTimeRules.MAX_FUTURE.getStandardMinutes()
              + " minutes after the event was written ("
              + Instant.ofEpochMilli(row.writeTimeMillis())
              + ")");
    }
    if (kind == DeadLetter.Kind.LATE) {
      return new Verdict(
          event,
          kind,
          "ts: "
              + Instant.ofEpochMilli(event.timestampMillis())
              + " arrived later than the allowed lateness "
              + settings.allowedLateness()
              + " (written "
              + Instant.ofEpochMilli(row.writeTimeMillis())
              + ")");
    }
    return new Verdict(event, null, null);
  }

  static final class ParseFn extends DoFn<EventRow, Event> {
    private final EventTimeRules settings;
    private final Counter parsed = Metrics.counter(ParseEvents.class, EVENTS_PARSED);
    private final Counter invalid = Metrics.counter(ParseEvents.class, "dead_letter_invalid");
    private final Counter future = Metrics.counter(ParseEvents.class, "dead_letter_future");
    private final Counter late = Metrics.counter(ParseEvents.class, "dead_letter_late");
    private final Counter rewritten = Metrics.counter(ParseEvents.class, "dead_letter_rewritten");

    ParseFn(EventTimeRules settings) {
      this.settings = settings;
    }

    @ProcessElement
    public void process(@Element EventRow row, MultiOutputReceiver out) {
      try {
        judgeRow(row, out);
      } catch (RuntimeException e) {
        // A second wall behind the parser's own: a row that throws here would be read again, and
        // throw again, on every retry and restart. It becomes a dead letter instead.
        invalid.inc();
        reject(out, row, DeadLetter.Kind.INVALID, "unreadable row: " + e);
      }
    }

    private void judgeRow(EventRow row, MultiOutputReceiver out) {
      Verdict verdict = verdict(row, settings);
      if (verdict.accepted()) {
        parsed.inc();
        out.get(EVENTS)
            .outputWithTimestamp(verdict.event(), new Instant(verdict.event().timestampMillis()));
        return;
      }
      reject(out, row, verdict.kind(), verdict.reason());
      switch (verdict.kind()) {
        case FUTURE -> future.inc();
        case REWRITTEN -> rewritten.inc();
        case LATE -> {
          late.inc();
          out.get(LATE)
              .outputWithTimestamp(verdict.event(), new Instant(verdict.event().timestampMillis()));
        }
        default -> invalid.inc();
      }
    }

    private static void reject(
        MultiOutputReceiver out, EventRow row, DeadLetter.Kind kind, String reason) {
      out.get(DEAD_LETTERS)
          .output(
              new DeadLetter(
                  kind,
                  reason,
                  HexFormat.of().formatHex(row.rowKey()),
                  row.writeTimeMillis(),
                  row.json()));
    }

    /**
     * Rows arrive stamped with their write time and leave stamped with their event time, which is
     * usually earlier: that is the point of this step, and the watermark already accounts for it.
     */
    @Override
    @SuppressWarnings("deprecation")
    public Duration getAllowedTimestampSkew() {
      return Duration.millis(Long.MAX_VALUE);
    }
  }
}
