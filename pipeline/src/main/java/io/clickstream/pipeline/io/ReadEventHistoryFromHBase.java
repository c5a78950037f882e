package io.clickstream.pipeline.io;

import io.clickstream.core.EventTable;
import io.clickstream.core.HBaseQuorum;
import org.apache.beam.sdk.io.hbase.HBaseIO;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.hadoop.hbase.client.Scan;

/**
 * All of the events table as it is now, with Beam's bounded HBaseIO: the input of a backfill. Each
 * row comes out as its first write, exactly as the live read emits it, so the same transforms
 * follow; rewrites, which the live read dead-letters, are left out.
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
        .apply(
            "ScanEventsTable",
            HBaseIO.read()
                .withConfiguration(HBaseQuorum.parse(hbaseZk).configuration())
                .withTableId(EventTable.NAME.getNameAsString())
                .withScan(
                    new Scan().addColumn(EventTable.FAMILY, EventTable.JSON).readAllVersions()))
        .apply(
            "TakeFirstWrites",
            MapElements.into(TypeDescriptor.of(EventRow.class)).via(RowVersions::firstWrite))
        .setCoder(EventRowCoder.of());
  }
}
