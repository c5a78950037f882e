package io.clickstream.launcher;

import io.clickstream.pipeline.ClickstreamOptions;
import io.clickstream.pipeline.RecordedSessionSettings;
import io.clickstream.pipeline.RecordedSessionSettings.Setting;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The servers a pipeline job works against and its session rules: options shared by run and backfill. */
final class PipelineTarget {

  @Option(names = "--hbase-zk", paramLabel = "host:port", description = "ZooKeeper of the HBase cluster. Default: the demo's.")
  String hbaseZk;

  @Option(names = "--redis", paramLabel = "redis://host:port", description = "Redis of the aggregates. Default: the demo's.")
  String redisUrl;

  @Option(names = "--session-gap", paramLabel = "DURATION",
      description = "Inactivity that closes a session. Default: PT30M for run; for backfill, the live pipeline's "
          + "(recorded in Redis when it starts), and another value is refused.")
  String sessionGap;

  @Option(names = "--allowed-lateness", paramLabel = "DURATION",
      description = "How late an event may arrive and still count. Default: PT10M for run; for backfill, the live "
          + "pipeline's (recorded in Redis when it starts), and another value is refused.")
  String allowedLateness;

  /** Sets these on a live job's options, finding HBase and Redis through the running demo when not given. */
  void applyTo(ClickstreamOptions options, PrintWriter err) {
    resolveServers(options, err);
    if (sessionGap != null) {
      options.setSessionGap(sessionGap);
    }
    if (allowedLateness != null) {
      options.setAllowedLateness(allowedLateness);
    }
  }

  /**
   * Sets these on a backfill's options: the servers as for a live job, and the event-time rules the
   * live pipeline recorded, unless given here or as Beam options; a given rule that differs is refused.
   */
  void applyToBackfill(ClickstreamOptions options, List<String> beamArgs, PrintWriter err) {
    resolveServers(options, err);
    Map<Setting, String> given = new EnumMap<>(Setting.class);
    for (Setting s : Setting.values()) {
      beamArgs.stream().filter(a -> a.startsWith("--" + s.beamName + "=")).reduce((a, b) -> b)
          .ifPresent(a -> given.put(s, a.substring(s.beamName.length() + 3)));
    }
    if (sessionGap != null) {
      given.put(Setting.SESSION_GAP, sessionGap);
    }
    if (allowedLateness != null) {
      given.put(Setting.ALLOWED_LATENESS, allowedLateness);
    }
    try {
      RecordedSessionSettings.adopt(options, given)
          .forEach((s, value) -> err.printf("Using the live pipeline's %s %s%n", s.option, value));
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
  }

  private void resolveServers(ClickstreamOptions options, PrintWriter err) {
    options.setHbaseZk(Discovery.resolveHBase(hbaseZk, err));
    options.setRedisUrl(Discovery.resolveRedis(redisUrl, err));
  }
}
