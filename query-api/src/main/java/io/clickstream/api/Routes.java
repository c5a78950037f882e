package io.clickstream.api;

import spark.Service;

/** Every route of the API, one line each; static files under {@code /public} are served besides these. */
final class Routes {

  private Routes() {}

  static void install(Service http, HealthController health, EventsController events, CountsController counts) {
    http.get("/api/health", Json.route(request -> health.report()));
    http.get("/api/events", Json.route(request -> events.list()));
    http.get("/api/counts", Json.route(counts::query));
    ErrorMapper.install(http);
  }
}
