package io.clickstream.pipeline.io;

import io.clickstream.core.EventTable;
import io.clickstream.core.HBaseQuorum;
import org.apache.beam.sdk.io.hbase.HBaseIO;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.Scan;

/**
 * All of the events table as it is now, with Beam's bounded HBaseIO: the input of a backfill. Each
 * row comes out as its first write, exactly as the live read emits it, so the same transforms
 * follow; rewrites, which the live read dead-letters, are left out.
 *
 * <p>{@link #writtenSince} reads only the rows first written at or after a write time: the scan
 * asks HBase for that cell time range, so a region server skips every store file whose time range
 * metadata lies wholly before it (the table has no index by event time; write time is what HBase
 * can skip by).
 */
public final class ReadEventHistoryFromHBase extends PTransform<PBegin, PCollection<EventRow>> {

  private final String hbaseZk;
  private final long writtenSinceMillis;

  private ReadEventHistoryFromHBase(String hbaseZk, long writtenSinceMillis) {
    this.hbaseZk = hbaseZk;
    this.writtenSinceMillis = writtenSinceMillis;
  }

  public static ReadEventHistoryFromHBase from(String hbaseZk) {
    return new ReadEventHistoryFromHBase(hbaseZk, 0);
  }

  /** Only the rows whose first write is at or after {@code millis} (all of them for 0 or less). */
  public ReadEventHistoryFromHBase writtenSince(long millis) {
    return new ReadEventHistoryFromHBase(hbaseZk, Math.max(0, millis));
  }

  /** The scan of the event column, every version, in the cell time range read. */
  public static Scan scan(long writtenSinceMillis) {
    Scan scan = new Scan().addColumn(EventTable.FAMILY, EventTable.JSON).readAllVersions();
    if (writtenSinceMillis > 0) {
      try {
        scan.setTimeRange(writtenSinceMillis, Long.MAX_VALUE);
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("write time " + writtenSinceMillis, e);
      }
    }
    return scan;
  }

  @Override
  public PCollection<EventRow> expand(PBegin input) {
    PCollection<Result> rows =
        input.apply(
            "ScanEventsTable",
            HBaseIO.read()
                .withConfiguration(HBaseQuorum.parse(hbaseZk).configuration())
                .withTableId(EventTable.NAME.getNameAsString())
                .withScan(scan(writtenSinceMillis)));
    if (writtenSinceMillis > 0) {
      // A row rewritten since, but first written before, shows only its rewrites in the range:
      // its oldest cell there is not its event.
      rows =
          rows.apply(
                  "DropRowsFirstWrittenBefore",
                  ParDo.of(new DropRowsWrittenBeforeFn(hbaseZk, writtenSinceMillis)))
              .setCoder(rows.getCoder());
    }
    return rows.apply(
            "TakeFirstWrites",
            MapElements.into(TypeDescriptor.of(EventRow.class)).via(RowVersions::firstWrite))
        .setCoder(EventRowCoder.of());
  }
}
