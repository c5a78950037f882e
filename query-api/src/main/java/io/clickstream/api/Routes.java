package io.clickstream.api;

import spark.Service;

/**
 * Every route of the API, one line each, after the checks every request goes through; the
 * dashboard's files under {@code /public} are served besides these, before the checks ({@link
 * DashboardFiles}): they are the same for everyone and hold no data.
 */
final class Routes {

  private Routes() {}

  static void install(
      Service http,
      HealthController health,
      EventsController events,
      CountsController counts,
      DimensionsController dimensions,
      FunnelsController funnels,
      FunnelResultsController funnelResults,
      QueryController query,
      HistoryQueries history,
      NotebooksController notebooks,
      HeavyQueries heavy,
      AllowedHosts hosts,
      ReadToken reads) {
    // First: a request from a rebinding page learns nothing, not even whether it needs a token.
    http.before((request, response) -> hosts.check(request));
    http.before(
        "/api/*",
        (request, response) -> {
          // Health stays open: load balancers and scripts wait for it, and it holds no data.
          if (!"/api/health".equals(request.pathInfo())) {
            reads.check(request);
          }
        });
    http.get("/api/health", Json.answer(request -> health.report()));
    http.get("/api/events", Json.answer(events::list));
    // Range queries run under the limit on how many at once (HeavyQueries); the rest need none.
    http.get("/api/counts", Json.route(request -> heavy.run(() -> counts.query(request))));
    http.get("/api/dimensions", Json.route(request -> dimensions.list()));
    http.get("/api/funnels", Json.route(request -> funnels.list()));
    http.get("/api/funnels/:id", Json.route(funnels::get));
    http.put("/api/funnels/:id", Json.answer(funnels::put));
    http.delete("/api/funnels/:id", Json.answer(funnels::delete));
    http.get(
        "/api/funnels/:id/results",
        Json.route(request -> heavy.run(() -> funnelResults.query(request))));
    // A read, though a POST: it changes nothing, and its body is a query too rich for a URL.
    http.post("/api/query", Json.answer(query::query));
    // A history query's job: the asker's own read, so cancelling needs what a read needs.
    http.get("/api/query/:job", Json.route(history::job));
    http.delete("/api/query/:job", Json.route(history::cancel));
    http.get(
        "/api/users/:id/events",
        Json.route(request -> heavy.run(() -> history.userEvents(request))));
    http.get("/api/notebooks", Json.route(request -> notebooks.list()));
    http.get("/api/notebooks/:id", Json.route(notebooks::get));
    http.put("/api/notebooks/:id", Json.answer(notebooks::put));
    http.delete("/api/notebooks/:id", Json.answer(notebooks::delete));
    ErrorMapper.install(http);
  }
}
