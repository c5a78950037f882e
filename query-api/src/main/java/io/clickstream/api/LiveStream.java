package io.clickstream.api;

import io.clickstream.core.RedisConnections;
import io.clickstream.core.RedisKeys;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;
import spark.Request;
import spark.Response;
import spark.Route;

/**
 * {@code GET /api/stream}: Server-Sent Events of the events as the pipeline counts them, tailed
 * from the capped stream {@link RedisKeys#LIVE_EVENTS} (the pipeline's sample, {@code
 * LiveEventSample}). Each open stream holds a Jetty thread and a Redis connection of its own, so
 * there are at most {@link #AT_ONCE}; past them, {@code 503} ({@link Overloaded}). A stream ends
 * when the client goes away (found by the next write, at the latest the heartbeat), when Redis
 * does, or when the server stops ({@link #close}).
 */
final class LiveStream implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LiveStream.class);

  /** Streams open at once: each holds a thread and a connection for as long as it is open. */
  static final int AT_ONCE = 8;

  /** How long one XREAD waits for entries: also how soon a stream sees the server stopping. */
  static final Duration BLOCK = Duration.ofSeconds(1);

  /**
   * A comment sent when nothing else was for this long: keeps proxies from closing the stream, and
   * finds a client gone (a write to a closed connection fails, the second one at the latest), so
   * that a gone client frees its place within a few seconds.
   */
  static final Duration HEARTBEAT = Duration.ofSeconds(2);

  /**
   * The most entries one read sends. A read that gets as many is behind the stream: the next starts
   * from the newest entry, skipping the rest, so that a slow reader stays live (samples) rather
   * than falls ever further behind.
   */
  static final int PER_READ = 50;

  /** The newest entries sent first to a stream that does not resume, so it starts with some. */
  static final int BACKLOG = 20;

  private static final Pattern ENTRY_ID = Pattern.compile("\\d{1,20}-\\d{1,20}");

  private final Semaphore open = new Semaphore(AT_ONCE);
  private final JedisPool redis;
  private volatile boolean stopping;

  LiveStream(String redisUrl) {
    JedisPoolConfig pool = new JedisPoolConfig();
    pool.setMaxTotal(AT_ONCE);
    pool.setMaxIdle(AT_ONCE);
    pool.setMaxWait(ApiServer.CONNECTION_WAIT);
    // Reads block for BLOCK: the socket must wait longer than that.
    int timeout = (int) BLOCK.toMillis() + 2_000;
    this.redis = RedisConnections.pool(redisUrl, pool, timeout, timeout);
  }

  Route route() {
    return this::stream;
  }

  private Object stream(Request request, Response response) throws IOException {
    StreamEntryID resumeAfter = resumeAfter(request.headers("Last-Event-ID"));
    if (stopping || !open.tryAcquire()) {
      throw new Overloaded(
          "busy: " + AT_ONCE + " live streams are open, the most at once; retry shortly");
    }
    try (Jedis jedis = redis.getResource()) {
      HttpServletResponse raw = response.raw();
      raw.setStatus(200);
      raw.setContentType("text/event-stream;charset=utf-8");
      raw.setHeader("Cache-Control", "no-cache");
      OutputStream out = raw.getOutputStream();
      // How long a browser's EventSource waits before it connects again after the stream ends.
      send(out, "retry: 2000\n\n");
      StreamEntryID cursor = resumeAfter;
      if (cursor == null) {
        List<StreamEntry> newest = jedis.xrevrange(RedisKeys.LIVE_EVENTS, "+", "-", BACKLOG);
        Collections.reverse(newest);
        cursor = newest.isEmpty() ? new StreamEntryID(0, 0) : sent(out, newest);
      }
      tail(jedis, out, cursor);
    } catch (IOException e) {
      LOG.debug("a live stream's client went away: {}", e.getMessage());
    } catch (JedisException e) {
      // Its headers are sent: the client sees the stream end, and its EventSource tries again.
      LOG.warn("a live stream ends: Redis: {}", e.getMessage());
    } finally {
      open.release();
    }
    return "";
  }

  private void tail(Jedis jedis, OutputStream out, StreamEntryID from) throws IOException {
    StreamEntryID cursor = from;
    long quietSince = System.nanoTime();
    XReadParams read = XReadParams.xReadParams().block((int) BLOCK.toMillis()).count(PER_READ);
    while (!stopping) {
      List<Map.Entry<String, List<StreamEntry>>> got =
          jedis.xread(read, Map.of(RedisKeys.LIVE_EVENTS, cursor));
      List<StreamEntry> entries = got == null || got.isEmpty() ? List.of() : got.get(0).getValue();
      if (!entries.isEmpty()) {
        StreamEntryID last = sent(out, entries);
        cursor = entries.size() == PER_READ ? StreamEntryID.XREAD_NEW_ENTRY : last;
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince >= HEARTBEAT.toNanos()) {
        send(out, ": heartbeat\n\n");
        quietSince = System.nanoTime();
      }
    }
  }

  /** Sends each entry as an event {@code event} with its id; returns the last id. */
  private static StreamEntryID sent(OutputStream out, List<StreamEntry> entries)
      throws IOException {
    StringBuilder events = new StringBuilder();
    for (StreamEntry entry : entries) {
      events
          .append("id: ")
          .append(entry.getID())
          .append("\nevent: event\ndata: ")
          .append(Json.text(payload(entry.getFields())))
          .append("\n\n");
    }
    send(out, events.toString());
    return entries.get(entries.size() - 1).getID();
  }

  /** An entry as the client sees it: the event's name, time (ISO-8601 UTC) and user. */
  private static Map<String, Object> payload(Map<String, String> fields) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("event", fields.get("event"));
    String ts = fields.get("ts");
    event.put("ts", ts == null ? null : Instant.ofEpochMilli(Long.parseLong(ts)).toString());
    event.put("user", fields.get("user"));
    return event;
  }

  private static void send(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Where a stream resumes: after the {@code Last-Event-ID} its EventSource sends, if any. */
  private static StreamEntryID resumeAfter(String lastEventId) {
    if (lastEventId == null || lastEventId.isBlank()) {
      return null;
    }
    if (!ENTRY_ID.matcher(lastEventId.trim()).matches()) {
      throw new BadRequest(
          "Last-Event-ID", "expected the id of an event this stream sent, like 1714557600000-0");
    }
    return new StreamEntryID(lastEventId.trim());
  }

  /** Open streams at once, for tests. */
  int openStreams() {
    return AT_ONCE - open.availablePermits();
  }

  /**
   * Ends every open stream, within about {@link #BLOCK}, and refuses new ones; then closes the
   * connections. Called before the server stops, so that it does not wait on open streams.
   */
  @Override
  public void close() {
    stopping = true;
    try {
      if (!open.tryAcquire(AT_ONCE, 3 * BLOCK.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("{} live streams did not end in time", openStreams());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    redis.close();
  }
}
