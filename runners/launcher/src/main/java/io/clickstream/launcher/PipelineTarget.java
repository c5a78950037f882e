package io.clickstream.launcher;

import io.clickstream.pipeline.ClickstreamOptions;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** The servers a pipeline job works against and its session rules: options shared by run and backfill. */
final class PipelineTarget {

  @Option(names = "--hbase-zk", paramLabel = "host:port", description = "ZooKeeper of the HBase cluster. Default: the demo's.")
  String hbaseZk;

  @Option(names = "--redis", paramLabel = "redis://host:port", description = "Redis of the aggregates. Default: the demo's.")
  String redisUrl;

  @Option(names = "--session-gap", paramLabel = "DURATION", defaultValue = "PT30M",
      description = "Inactivity that closes a session; a backfill must use the live pipeline's (default: ${DEFAULT-VALUE}).")
  String sessionGap;

  @Option(names = "--allowed-lateness", paramLabel = "DURATION", defaultValue = "PT10M",
      description = "How late an event may arrive and still count; a backfill must use the live pipeline's "
          + "(default: ${DEFAULT-VALUE}).")
  String allowedLateness;

  /** Sets these on the job's options, finding HBase and Redis through the running demo when not given. */
  void applyTo(ClickstreamOptions options, PrintWriter err) {
    options.setHbaseZk(Discovery.resolveHBase(hbaseZk, err));
    options.setRedisUrl(Discovery.resolveRedis(redisUrl, err));
    options.setSessionGap(sessionGap);
    options.setAllowedLateness(allowedLateness);
  }
}
