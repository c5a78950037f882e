package io.clickstream.core;

import java.net.URI;
import java.net.URISyntaxException;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.JedisPooled;

/**
 * The one way every module connects to Redis: from the whole URL, so that the user and password,
 * {@code rediss://} (TLS) and the database number given with {@code --redis} reach every
 * connection. A writer that took only host and port once failed the pipeline at its first write
 * against a protected Redis (issue 9, finding 8).
 */
public final class RedisConnections {

  private RedisConnections() {}

  /**
   * A pooled client for {@code url}, for code that sends commands one at a time or in pipelines.
   */
  public static JedisPooled pooled(String url) {
    return new JedisPooled(uri(url));
  }

  /**
   * A pool of connections for {@code url}, for code that needs a connection of its own (scripts,
   * blocking reads).
   */
  public static JedisPool pool(String url, int connectionTimeoutMillis, int soTimeoutMillis) {
    return new JedisPool(new JedisPoolConfig(), uri(url), connectionTimeoutMillis, soTimeoutMillis);
  }

  /**
   * A pool of connections for {@code url} sized and bounded by {@code config} (Jedis's default: 8
   * connections, a borrower waiting for one without end).
   */
  public static JedisPool pool(
      String url, JedisPoolConfig config, int connectionTimeoutMillis, int soTimeoutMillis) {
    return new JedisPool(config, uri(url), connectionTimeoutMillis, soTimeoutMillis);
  }

  /** A pool with Jedis's default timeouts. */
  public static JedisPool pool(String url) {
    return new JedisPool(uri(url));
  }

  /**
   * The URL, refused with its problem named when it is no {@code redis://} or {@code rediss://}
   * URL.
   */
  static URI uri(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      // Not e.getMessage(), nor e as the cause: they quote the URL, password and all.
      throw new IllegalArgumentException(
          "Redis URL '"
              + RedisUrls.masked(url)
              + "' is not a URL: "
              + e.getReason()
              + " at index "
              + e.getIndex());
    }
    if (!("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "Redis URL '"
              + RedisUrls.masked(url)
              + "' must look like redis://[user:password@]host:port[/db]"
              + " or rediss://... (TLS)");
    }
    return uri;
  }
}
