package io.clickstream.pipeline.io;

import io.clickstream.core.EventTable;
import io.clickstream.core.HBaseQuorum;
import org.apache.beam.sdk.io.hbase.HBaseIO;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.Scan;

/**
 * All of the events table as it is now, with Beam's bounded HBaseIO: the input of a backfill. Rows
 * come out exactly as the live read emits them, so the same transforms follow.
 */
public final class ReadEventHistoryFromHBase extends PTransform<PBegin, PCollection<EventRow>> {

  private final String hbaseZk;

  private ReadEventHistoryFromHBase(String hbaseZk) {
    this.hbaseZk = hbaseZk;
  }

  public static ReadEventHistoryFromHBase from(String hbaseZk) {
    return new ReadEventHistoryFromHBase(hbaseZk);
  }

  @Override
  public PCollection<EventRow> expand(PBegin input) {
    return input
        .apply("ScanEventsTable", HBaseIO.read()
            .withConfiguration(HBaseQuorum.parse(hbaseZk).configuration())
            .withTableId(EventTable.NAME.getNameAsString())
            .withScan(new Scan().addColumn(EventTable.FAMILY, EventTable.JSON).readVersions(1)))
        .apply("ToEventRows", MapElements.into(TypeDescriptor.of(EventRow.class)).via(ReadEventHistoryFromHBase::toRow))
        .setCoder(EventRowCoder.of());
  }

  private static EventRow toRow(Result result) {
    return EventRow.of(result.getRow(), result.getColumnLatestCell(EventTable.FAMILY, EventTable.JSON));
  }
}
