package io.clickstream.core.funnel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * Why the pipeline stopped evaluating one version of a funnel: written by the pipeline into {@code
 * RedisKeys.FUNNEL_FAILURES}, shown by the API beside the definition.
 *
 * @param version the funnel version that failed; a later version is evaluated afresh
 * @param reason what went wrong, for the funnel's owner to read
 */
public record FunnelFailure(int version, String reason, long failedAtMillis) {

  /** Reasons are for people; a stack trace's worth of text helps no one and grows Redis. */
  static final int MAX_REASON_CHARS = 1_000;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  public FunnelFailure {
    reason =
        reason == null
            ? "unknown"
            : reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) : reason;
  }

  public String toJson() {
    return toNode().toString();
  }

  public ObjectNode toNode() {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("version", version);
    node.put("reason", reason);
    node.put("failed_at", Instant.ofEpochMilli(failedAtMillis).toString());
    return node;
  }

  /**
   * The stored failure, or null when there is none or it cannot be read (then nothing is known to
   * have failed).
   */
  public static FunnelFailure parse(String json) {
    if (json == null) {
      return null;
    }
    try {
      JsonNode node = MAPPER.readTree(json);
      return new FunnelFailure(
          node.path("version").asInt(-1),
          node.path("reason").asText(),
          Instant.parse(node.path("failed_at").asText()).toEpochMilli());
    } catch (Exception e) {
      return null;
    }
  }

  /**
   * The version a stored definition claims, read without validating it: a definition the pipeline
   * refuses still has a version to report the failure under. 0 when it has none.
   */
  public static int claimedVersion(String definitionJson) {
    try {
      return MAPPER.readTree(definitionJson).path("version").asInt(0);
    } catch (Exception e) {
      return 0;
    }
  }
}
