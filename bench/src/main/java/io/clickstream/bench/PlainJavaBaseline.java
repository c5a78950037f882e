package io.clickstream.bench;

import io.clickstream.core.Event;
import io.clickstream.core.EventParser;
import io.clickstream.core.EventTable;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.SessionOrder;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.pipeline.ComputeUserFunnelContributions;
import io.clickstream.pipeline.Contribution;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.util.Bytes;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.PipelineBase;

/**
 * The floor of the pipeline's work: one thread scans the table, parses each row, groups events by
 * user, sessionizes them by the gap, computes each session's and each user's contributions with the
 * pipeline's own functions, sums them in memory and sends the sums as pipelined HINCRBYs. No Beam,
 * no shuffle, no state, no retries: what is left is the work itself.
 *
 * <p>It counts the data as the pipeline will once every session has closed and every user-scope
 * window has ended (closed, final firings; a watermark at the end of time). The pipeline usually
 * catches up before that, with those results still open; {@link RedisAggregates} compares open and
 * dropped as one.
 */
final class PlainJavaBaseline {

  /** HINCRBYs per round trip. */
  private static final int WRITE_BATCH = 1000;

  /** What the baseline counted. */
  record Counted(long events, int users, long sessions, int countFields) {}

  private final List<FunnelDefinition> sessionFunnels;
  private final List<FunnelDefinition> userFunnels;
  private final long gapMillis;

  private final Map<String, Long> counts = new HashMap<>();
  private final Map<String, Long> firstSeen = new HashMap<>();
  private final Map<String, Long> lastSeen = new HashMap<>();
  private long events;
  private long sessions;

  PlainJavaBaseline(List<FunnelDefinition> funnels, long gapMillis) {
    this.sessionFunnels =
        funnels.stream().filter(f -> f.scope() == FunnelDefinition.Scope.SESSION).toList();
    this.userFunnels =
        funnels.stream().filter(f -> f.scope() == FunnelDefinition.Scope.USER).toList();
    this.gapMillis = gapMillis;
  }

  Counted run(Connection connection, JedisPooled redis) throws IOException {
    Map<String, List<Event>> byUser = scan(connection);
    byUser.forEach(this::countUser);
    write(redis);
    return new Counted(events, byUser.size(), sessions, counts.size());
  }

  private static Map<String, List<Event>> scan(Connection connection) throws IOException {
    Map<String, List<Event>> byUser = new HashMap<>();
    try (Table table = connection.getTable(EventTable.NAME);
        ResultScanner scanner =
            table.getScanner(new Scan().addColumn(EventTable.FAMILY, EventTable.JSON))) {
      for (Result row : scanner) {
        // An invalid row is a dead letter for the pipeline, and counts nowhere.
        Event e =
            EventParser.parse(Bytes.toString(row.getValue(EventTable.FAMILY, EventTable.JSON)))
                .event();
        if (e != null) {
          byUser.computeIfAbsent(e.userId(), u -> new ArrayList<>()).add(e);
        }
      }
    }
    return byUser;
  }

  private void countUser(String user, List<Event> events) {
    List<Event> ordered = SessionOrder.distinctInOrder(events);
    this.events += ordered.size();
    // Sessions as Beam's session windows merge them: a gap of at least gapMillis starts a new one.
    SessionContributions.forEachSession(ordered, gapMillis, session -> countSession(user, session));
    for (FunnelDefinition f : userFunnels) {
      ComputeUserFunnelContributions.countAttempts(
          f, ordered, Long.MAX_VALUE, gapMillis, start -> start >= f.liveFromMillis(), counts);
    }
  }

  private void countSession(String user, List<Event> session) {
    sessions++;
    List<Contribution> contributions =
        SessionContributions.of(sessionFunnels, user, session, gapMillis, true);
    Contribution events = contributions.get(0);
    add(events.counts());
    events.firstSeen().forEach((name, t) -> firstSeen.merge(name, t, Math::min));
    events.lastSeen().forEach((name, t) -> lastSeen.merge(name, t, Math::max));
    contributions.subList(1, contributions.size()).forEach(c -> add(c.counts()));
  }

  private void add(Map<String, Long> contribution) {
    contribution.forEach((field, n) -> counts.merge(field, n, Long::sum));
  }

  /** The counts and their hours and days, as the pipeline's writer rolls minutes up. */
  private Map<String, Long> withRollups() {
    Map<String, Long> all = new HashMap<>(counts);
    counts.forEach(
        (field, n) -> {
          int separator = field.indexOf(Contribution.FIELD_SEPARATOR);
          for (String rollup : RedisKeys.rollupsOf(field.substring(0, separator))) {
            all.merge(rollup + field.substring(separator), n, Long::sum);
          }
        });
    return all;
  }

  private void write(JedisPooled redis) {
    try (PipelineBase pipeline = redis.pipelined()) {
      int pending = 0;
      for (Map.Entry<String, Long> count : withRollups().entrySet()) {
        String field = count.getKey();
        int separator = field.indexOf(Contribution.FIELD_SEPARATOR);
        pipeline.hincrBy(
            field.substring(0, separator), field.substring(separator + 1), count.getValue());
        if (++pending == WRITE_BATCH) {
          pipeline.sync();
          pending = 0;
        }
      }
      pipeline.hset(RedisKeys.CATALOG_FIRST_SEEN, asStrings(firstSeen));
      pipeline.hset(RedisKeys.CATALOG_LAST_SEEN, asStrings(lastSeen));
      pipeline.sync();
    }
  }

  private static Map<String, String> asStrings(Map<String, Long> times) {
    Map<String, String> strings = new HashMap<>();
    times.forEach((name, t) -> strings.put(name, Long.toString(t)));
    return strings;
  }
}
