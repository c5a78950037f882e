package io.clickstream.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The notebook the demo ships with, "Where do customers drop off?" (docs/notebook.md, "The starter
 * notebook"): stored through the demo's own API, as any client stores one, unless a notebook of its
 * id is there already, so that a kept data directory keeps the user's edits.
 */
final class StarterNotebook {

  static final String ID = "where-do-customers-drop-off";

  /** Bundled by the web module, beside the dashboard that opens it. */
  private static final String RESOURCE = "/public/notebooks/" + ID + ".json";

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private StarterNotebook() {}

  /**
   * @return whether it was stored now (false: one was there already)
   * @throws IOException naming what failed: the resource missing, or the API's answer
   */
  static boolean storeIfMissing(String apiUrl, String apiToken, String readToken)
      throws IOException, InterruptedException {
    URI uri = URI.create(apiUrl).resolve("/api/notebooks/" + ID);
    HttpRequest.Builder get = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
    if (readToken != null) {
      get.header("Authorization", "Bearer " + readToken);
    }
    int status = HTTP.send(get.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    if (status == 200) {
      return false;
    }
    if (status != 404) {
      throw new IOException("GET " + uri + " answered " + status);
    }
    HttpResponse<String> put =
        HTTP.send(
            HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + apiToken)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bundled()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (put.statusCode() != 201 && put.statusCode() != 200) {
      throw new IOException("PUT " + uri + " answered " + put.statusCode() + ": " + put.body());
    }
    return true;
  }

  private static byte[] bundled() throws IOException {
    try (InputStream in = StarterNotebook.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException(RESOURCE + " is not on the class path (the web module bundles it)");
      }
      return in.readAllBytes();
    }
  }
}
