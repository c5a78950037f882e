package io.clickstream.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's answers to what never reaches the API's routes (a request line or headers it cannot
 * parse: 400, 414 URI too long, 431 headers too large), as the same JSON error the {@link
 * ErrorMapper} gives, instead of Jetty's HTML page: a client sees one kind of error, whatever
 * refused its request.
 */
final class JsonErrorHandler extends ErrorHandler {

  /** What every such error says first. */
  static final String UNREADABLE = "the request could not be read";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONTENT_TYPE = "application/json;charset=utf-8";

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields fields) {
    fields.put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
    return ByteBuffer.wrap(body(status, reason));
  }

  @Override
  protected void generateAcceptableResponse(
      Request baseRequest,
      HttpServletRequest request,
      HttpServletResponse response,
      int code,
      String message)
      throws IOException {
    baseRequest.setHandled(true);
    response.setContentType(CONTENT_TYPE);
    response.getOutputStream().write(body(code, message));
  }

  private static byte[] body(int status, String reason) {
    String message =
        UNREADABLE
            + (reason == null || reason.isBlank() ? "" : ": " + reason)
            + " (HTTP "
            + status
            + ")";
    try {
      return JSON.writeValueAsBytes(Map.of("error", message));
    } catch (IOException e) {
      return ("{\"error\":\"" + UNREADABLE + "\"}").getBytes(StandardCharsets.UTF_8);
    }
  }
}
