package io.clickstream.api;

import io.clickstream.core.RedisConnections;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPool;
import spark.Service;

/**
 * The JSON API over the Redis aggregates, also serving the dashboard from the classpath's {@code
 * /public}.
 */
public final class ApiServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

  /** Short, so that a Redis outage makes the health check answer "down" instead of hanging. */
  private static final int REDIS_TIMEOUT_MS = 1000;

  private final ApiConfig config;
  private final Clock clock = Clock.systemUTC();
  private final JedisPool redis;
  private final HBaseHealth hbase;
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
    this.redis = RedisConnections.pool(config.redisUrl(), REDIS_TIMEOUT_MS, REDIS_TIMEOUT_MS);
    this.hbase = new HBaseHealth(config.hbaseZk(), clock);
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
    http.staticFiles.location("/public");
    FunnelStore funnels = new FunnelStore(redis, clock);
    RecordedDimensions dimensions = new RecordedDimensions(redis, clock);
    ApiToken writes = new ApiToken(config.apiToken());
    Routes.install(
        http,
        new HealthController(redis, hbase, clock, ready::get),
        new EventsController(redis),
        new CountsController(redis, clock, dimensions),
        new DimensionsController(dimensions),
        new FunnelsController(funnels, writes),
        new FunnelResultsController(funnels, redis, clock),
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

  @Override
  public void close() {
    http.stop();
    http.awaitStop();
    redis.close();
    hbase.close();
  }
}
