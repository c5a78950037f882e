package io.clickstream.api;

import io.clickstream.core.RedisUrls;
import java.util.List;
import java.util.Objects;

/**
 * Where the API listens and what it reads.
 *
 * @param bindAddress the interface to listen on; null means {@link #DEFAULT_BIND_ADDRESS}
 * @param port the port to listen on; 0 picks a free one, which {@link ApiServer#port()} then tells
 * @param redisUrl the Redis holding the pipeline's aggregates, e.g. {@code redis://127.0.0.1:6379}
 * @param hbaseZk {@code host:port} of HBase's ZooKeeper, or null when the health check should not
 *     ask HBase
 * @param apiToken the bearer token that writes (funnel definitions) must carry; null or blank
 *     refuses every write
 * @param readToken the bearer token that reads must carry (the API token serves too); null or blank
 *     leaves reads open
 * @param allowedHosts host names that requests may name in their {@code Host} header besides those
 *     always accepted ({@link AllowedHosts}); null means none
 * @param beamArgs the Beam options the history queries' pipelines run with, e.g. {@code
 *     --runner=FlinkRunner}; null or empty means the Direct runner in this JVM
 * @param historyMaxRows the most rows of the events table one history job reads; past it the job
 *     fails naming the limit; 0 means {@link HistoryLimits#DEFAULT_MAX_ROWS}
 */
public record ApiConfig(
    String bindAddress,
    int port,
    String redisUrl,
    String hbaseZk,
    String apiToken,
    String readToken,
    List<String> allowedHosts,
    List<String> beamArgs,
    long historyMaxRows) {

  /** Loopback only: reads need no authentication, so exposing them is an explicit choice. */
  public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";

  public static final int DEFAULT_PORT = 4567;

  public ApiConfig {
    Objects.requireNonNull(redisUrl, "redisUrl");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    bindAddress = bindAddress == null ? DEFAULT_BIND_ADDRESS : bindAddress;
    apiToken = apiToken == null || apiToken.isBlank() ? null : apiToken;
    readToken = readToken == null || readToken.isBlank() ? null : readToken;
    allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
    beamArgs = beamArgs == null ? List.of() : List.copyOf(beamArgs);
    if (historyMaxRows < 0) {
      throw new IllegalArgumentException("historyMaxRows must not be negative: " + historyMaxRows);
    }
    historyMaxRows = historyMaxRows == 0 ? HistoryLimits.DEFAULT_MAX_ROWS : historyMaxRows;
  }

  /** History queries on the Direct runner, reading at most the default number of rows. */
  public ApiConfig(
      String bindAddress,
      int port,
      String redisUrl,
      String hbaseZk,
      String apiToken,
      String readToken,
      List<String> allowedHosts) {
    this(bindAddress, port, redisUrl, hbaseZk, apiToken, readToken, allowedHosts, null, 0);
  }

  /** Open reads, and only the host names always accepted. */
  public ApiConfig(String bindAddress, int port, String redisUrl, String hbaseZk, String apiToken) {
    this(bindAddress, port, redisUrl, hbaseZk, apiToken, null, null);
  }

  /** Keeps the tokens and Redis's password out of logs and error messages. */
  @Override
  public String toString() {
    return "ApiConfig[bindAddress="
        + bindAddress
        + ", port="
        + port
        + ", redisUrl="
        + RedisUrls.masked(redisUrl)
        + ", hbaseZk="
        + hbaseZk
        + ", apiToken="
        + (apiToken == null ? "none" : "***")
        + ", readToken="
        + (readToken == null ? "none" : "***")
        + ", allowedHosts="
        + allowedHosts
        + ", beamArgs="
        + beamArgs
        + ", historyMaxRows="
        + historyMaxRows
        + "]";
  }
}
