package io.clickstream.api;

import io.clickstream.core.RedisConnections;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;
import spark.Service;
import spark.route.HttpMethod;

/**
 * The JSON API over the Redis aggregates, also serving the dashboard from the classpath's {@code
 * /public}.
 */
public final class ApiServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

  /** Short, so that a Redis outage makes the health check answer "down" instead of hanging. */
  private static final int REDIS_TIMEOUT_MS = 1000;

  /**
   * Connections for the routes: the range queries' {@link HeavyQueries#AT_ONCE} and as many again
   * for the light ones (definitions, catalog, dimensions).
   */
  static final int QUERY_CONNECTIONS = 2 * HeavyQueries.AT_ONCE;

  /** How long a route waits for a free connection before answering 503 (ErrorMapper). */
  static final Duration CONNECTION_WAIT = Duration.ofSeconds(1);

  /** Health's own connections: it must never wait behind queries. */
  static final int HEALTH_CONNECTIONS = 2;

  private final ApiConfig config;
  private final Clock clock = Clock.systemUTC();
  private final JedisPool redis;
  private final JedisPool healthRedis;
  private final HeavyQueries heavy = new HeavyQueries();
  private final HBaseHealth hbase;
  private final HistoryJobs historyJobs = new HistoryJobs(clock);
  private final EventScans scans;
  private final LiveStream live;
  // An instance, not Spark's static API, so that one JVM (a test) can run several servers.
  private final Service http = Service.ignite();
  private final AtomicReference<Exception> startFailure = new AtomicReference<>();
  private final AtomicBoolean ready;

  /** A server whose health reports the components' state as soon as it listens. */
  public ApiServer(ApiConfig config) {
    this(config, true);
  }

  /**
   * A server whose health answers "starting" (503) until {@link #markReady()}: for a program that
   * starts the API before its other parts, so that nobody waiting for health goes on before they
   * are all up.
   */
  public static ApiServer startingUntilMarkedReady(ApiConfig config) {
    return new ApiServer(config, false);
  }

  private ApiServer(ApiConfig config, boolean ready) {
    this.config = config;
    this.ready = new AtomicBoolean(ready);
    this.redis = pool(config.redisUrl(), QUERY_CONNECTIONS);
    this.healthRedis = pool(config.redisUrl(), HEALTH_CONNECTIONS);
    this.hbase = new HBaseHealth(config.hbaseZk(), clock);
    this.scans = new EventScans(config.hbaseZk(), config.historyMaxRows());
    this.live = new LiveStream(config.redisUrl());
  }

  private static JedisPool pool(String url, int connections) {
    JedisPoolConfig pool = new JedisPoolConfig();
    pool.setMaxTotal(connections);
    pool.setMaxIdle(connections);
    pool.setMaxWait(CONNECTION_WAIT);
    return RedisConnections.pool(url, pool, REDIS_TIMEOUT_MS, REDIS_TIMEOUT_MS);
  }

  /**
   * Starts listening and returns once the server accepts connections; throws if it cannot listen.
   */
  public void start() {
    StrictJetty.use(http);
    http.ipAddress(config.bindAddress());
    http.port(config.port());
    // Spark's default reaction to a failed start is System.exit: report it to the caller instead.
    http.initExceptionHandler(startFailure::set);
    FunnelStore funnels = new FunnelStore(redis, clock);
    RecordedDimensions dimensions = new RecordedDimensions(redis, clock);
    RollupsFrom rollups = new RollupsFrom(redis);
    ApiToken writes = new ApiToken(config.apiToken());
    CountsController counts = new CountsController(redis, clock, dimensions, rollups);
    FunnelResultsController funnelResults =
        new FunnelResultsController(funnels, redis, clock, rollups);
    HistoryQueries history =
        new HistoryQueries(
            historyJobs,
            scans,
            new HistoryPipelines(
                scans,
                config.hbaseZk(),
                config.redisUrl(),
                config.beamArgs(),
                config.historyMaxRows()),
            funnels,
            clock);
    Routes.install(
        http,
        new HealthController(healthRedis, hbase, clock, ready::get),
        new EventsController(redis),
        counts,
        new DimensionsController(dimensions),
        new FunnelsController(funnels, writes),
        funnelResults,
        new QueryController(counts, funnelResults, history, heavy, clock),
        history,
        new NotebooksController(new NotebookStore(redis, clock), writes),
        live,
        heavy,
        new AllowedHosts(config.bindAddress(), config.allowedHosts()),
        new ReadToken(config.readToken(), writes));
    http.awaitInitialization();
    if (startFailure.get() != null) {
      close();
      throw new IllegalStateException(
          "cannot listen on " + config.bindAddress() + ":" + config.port(), startFailure.get());
    }
    LOG.info("API listening on http://{}:{}/", config.bindAddress(), port());
  }

  /**
   * Tells health that everything the program runs besides the API is up: "starting" gives way to
   * the real state.
   */
  public void markReady() {
    ready.set(true);
  }

  /** The port listened on: the configured one, or the one picked when the configuration said 0. */
  public int port() {
    return http.port();
  }

  /** For tests: the limit on range queries at once. */
  HeavyQueries heavyQueries() {
    return heavy;
  }

  /** For tests: the live streams. */
  LiveStream liveStream() {
    return live;
  }

  /** For tests: the routes' pool of Redis connections (health has its own). */
  JedisPool queryConnections() {
    return redis;
  }

  /**
   * For tests: the routes installed, as {@code "GET /api/funnels/{id}"} (path parameters in the
   * OpenAPI form), without the filters.
   */
  List<String> routes() {
    return http.routes().stream()
        .filter(r -> r.getHttpMethod() != HttpMethod.before)
        .filter(r -> r.getHttpMethod() != HttpMethod.after)
        .filter(r -> r.getHttpMethod() != HttpMethod.afterafter)
        .map(
            r ->
                r.getHttpMethod().name().toUpperCase(Locale.ROOT)
                    + " "
                    + r.getMatchUri().replaceAll(":([A-Za-z0-9_]+)", "{$1}"))
        .toList();
  }

  @Override
  public void close() {
    // First: open live streams would otherwise hold the stop until their clients go away.
    live.close();
    http.stop();
    http.awaitStop();
    historyJobs.close();
    scans.close();
    redis.close();
    healthRedis.close();
    hbase.close();
  }
}
