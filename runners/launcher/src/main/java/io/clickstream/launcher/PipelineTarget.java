package io.clickstream.launcher;

import io.clickstream.pipeline.ClickstreamOptions;
import io.clickstream.pipeline.RecordedSettings;
import io.clickstream.pipeline.RecordedSettings.Setting;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The servers a pipeline job works against and its session rules: options shared by demo, run and
 * backfill. The demo starts its own servers unless given; run and backfill use the running demo's.
 */
final class PipelineTarget {

  @Option(
      names = "--hbase-zk",
      paramLabel = "host:port",
      description =
          "ZooKeeper of the HBase cluster. Default: for demo, an HBase mini cluster it starts; for run and "
              + "backfill, the running demo's.")
  String hbaseZk;

  @Option(
      names = "--redis",
      paramLabel = "redis://host:port",
      description =
          "Redis of the aggregates. Default: for demo, an embedded Redis it starts (127.0.0.1 only); for run "
              + "and backfill, the running demo's.")
  String redisUrl;

  @Option(
      names = "--session-gap",
      paramLabel = "D",
      converter = DurationConverter.class,
      description =
          "Inactivity that closes a session: ISO-8601 (PT30M) or 30m. Default: PT30M for demo and run; for "
              + "backfill, the live pipeline's (recorded in Redis when it starts), and another value is refused.")
  Duration sessionGap;

  @Option(
      names = "--allowed-lateness",
      paramLabel = "D",
      converter = DurationConverter.class,
      description =
          "How late an event may arrive and still count: ISO-8601 (PT10M) or 10m. Default: PT10M for demo and "
              + "run; for backfill, the live pipeline's (recorded in Redis when it starts), and another value is refused.")
  Duration allowedLateness;

  /**
   * Sets these on a live job's options, finding HBase and Redis through the running demo when not
   * given.
   */
  void applyTo(ClickstreamOptions options, PrintWriter err) {
    resolveServers(options, err);
    applySessionRules(options);
  }

  /**
   * Sets the session rules given here on a live job's options; the others keep the options' own.
   */
  void applySessionRules(ClickstreamOptions options) {
    if (sessionGap != null) {
      options.setSessionGap(sessionGap.toString());
    }
    if (allowedLateness != null) {
      options.setAllowedLateness(allowedLateness.toString());
    }
  }

  /**
   * Sets these on a backfill's options: the servers as for a live job, and the event-time rules the
   * live pipeline recorded, unless given here or as Beam options; a given rule that differs is
   * refused.
   */
  void applyToBackfill(ClickstreamOptions options, List<String> beamArgs, PrintWriter err) {
    resolveServers(options, err);
    Map<Setting, String> given = new EnumMap<>(Setting.class);
    for (Setting s : Setting.values()) {
      beamArgs.stream()
          .filter(a -> a.startsWith("--" + s.beamName + "="))
          .reduce((a, b) -> b)
          .ifPresent(a -> given.put(s, a.substring(s.beamName.length() + 3)));
    }
    if (sessionGap != null) {
      given.put(Setting.SESSION_GAP, sessionGap.toString());
    }
    if (allowedLateness != null) {
      given.put(Setting.ALLOWED_LATENESS, allowedLateness.toString());
    }
    try {
      RecordedSettings.adopt(options, given)
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
