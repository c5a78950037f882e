package io.clickstream.pipeline.io;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Where the events table is: the option a reader follows unless its address is pinned. */
public interface EventsTableOptions extends PipelineOptions {

  @Description("ZooKeeper quorum of the HBase cluster holding the events table, as host:port.")
  @Default.String("127.0.0.1:2181")
  String getHbaseZk();

  void setHbaseZk(String value);
}
