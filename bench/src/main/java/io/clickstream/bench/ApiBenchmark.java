package io.clickstream.bench;

import io.clickstream.api.ApiConfig;
import io.clickstream.api.ApiServer;
import io.clickstream.core.Event;
import io.clickstream.core.RedisConnections;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.SessionOrder;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.funnel.FunnelDefinitions;
import io.clickstream.core.generator.GeneratedEvent;
import io.clickstream.core.generator.JourneyGenerator;
import io.clickstream.pipeline.Contribution;
import io.clickstream.pipeline.ContributionStore;
import io.clickstream.pipeline.WriteSessionContributions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.JedisPooled;

/**
 * The JSON API under load (issue 11): an embedded Redis filled with 24 h of the pipeline's
 * aggregates for about a million events, the API in front of it, a writer applying fresh session
 * contributions beside it as the pipeline would, and an open-loop load generator at a fixed request
 * rate over the funnel results and counts endpoints. Latency runs from each request's scheduled
 * send time, so a stalled server is not hidden by requests that were never sent (coordinated
 * omission). See docs/benchmarks.md, "API under load".
 */
public final class ApiBenchmark {

  private static final String FUNNEL = "bench_signup";
  private static final String TOKEN = "bench-token";
  private static final long SEED = 2024;
  private static final long LIVE_SEED = 77;
  private static final Duration SPAN = Duration.ofHours(24);
  private static final long GAP_MILLIS = Duration.ofMinutes(30).toMillis();
  private static final long RETENTION_MILLIS = Duration.ofDays(400).toMillis();
  private static final int USERS_PER_CHUNK = 20_000;
  private static final int APPLY_BATCH = 500;
  private static final String COMMON_PARALLELISM =
      "java.util.concurrent.ForkJoinPool.common.parallelism";
  private static final String[] COUNTED_EVENTS = {"page_view", "search", "register", "checkout"};

  /** The command line. */
  record Args(
      int events,
      double rate,
      int seconds,
      int warmupSeconds,
      int rangeMinutes,
      double writeRate,
      boolean direct,
      int inFlight,
      int timeoutMillis) {

    static final String USAGE =
        """
        Usage: mvn -B -q -pl bench exec:exec -Dbench.main=io.clickstream.bench.ApiBenchmark -Dbench.args="[options]"
          --events N          distinct events in the 24 h of data, about (default 1000000)
          --rate R            requests/s, alternating the two endpoints (default 2000)
          --seconds S         measured seconds (default 30)
          --warmup S          seconds of load before, not counted (default 5)
          --range-minutes M   each request's from..to, at a random end in the 24 h (default 60)
          --write-rate R      live events/s beside the API (default 2000)
          --beside B          what runs beside: "direct" (HBase mini cluster, the live events written to
                              it, the pipeline on the Direct runner) or "writer" (the live events'
                              session contributions applied to Redis by a thread) (default writer)
          --in-flight N       most requests outstanding; past it a request counts as an error (default 256)
          --timeout-ms T      a request not answered within T ms is an error (default 1000)
          --help              this text""";

    static Args parse(String[] args) throws BenchArgs.BadArgument {
      int events = 1_000_000;
      double rate = 2000;
      int seconds = 30;
      int warmup = 5;
      int range = 60;
      double writeRate = 2000;
      boolean direct = false;
      int inFlight = 256;
      int timeout = 1000;
      for (int i = 0; i < args.length; i++) {
        String option = args[i];
        if (option.equals("--help") || option.equals("-h")) {
          return null;
        }
        if (i + 1 >= args.length) {
          throw new BenchArgs.BadArgument(
              option.startsWith("--") ? option + " needs a value" : "unknown argument: " + option);
        }
        String value = args[++i];
        switch (option) {
          case "--events" -> events = BenchArgs.positiveInt(option, value);
          case "--rate" -> rate = BenchArgs.positiveRate(option, value);
          case "--seconds" -> seconds = BenchArgs.positiveInt(option, value);
          case "--warmup" -> warmup = BenchArgs.positiveInt(option, value);
          case "--range-minutes" -> range = BenchArgs.positiveInt(option, value);
          case "--write-rate" -> writeRate = BenchArgs.positiveRate(option, value);
          case "--beside" -> direct = beside(value);
          case "--in-flight" -> inFlight = BenchArgs.positiveInt(option, value);
          case "--timeout-ms" -> timeout = BenchArgs.positiveInt(option, value);
          default -> throw new BenchArgs.BadArgument("unknown option: " + option);
        }
      }
      if (range > SPAN.toMinutes()) {
        throw new BenchArgs.BadArgument("--range-minutes: at most " + SPAN.toMinutes());
      }
      return new Args(events, rate, seconds, warmup, range, writeRate, direct, inFlight, timeout);
    }

    private static boolean beside(String value) throws BenchArgs.BadArgument {
      return switch (value) {
        case "direct" -> true;
        case "writer" -> false;
        default -> throw new BenchArgs.BadArgument("--beside: \"direct\" or \"writer\"");
      };
    }
  }

  private ApiBenchmark() {}

  public static void main(String[] argv) throws Exception {
    // With 2 cores the common pool has parallelism 1, and then CompletableFuture's default
    // executor,
    // which HttpClient's sendAsync completes on, starts a thread per task: a thread per request.
    if (System.getProperty(COMMON_PARALLELISM) == null) {
      System.setProperty(
          COMMON_PARALLELISM,
          Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors())));
    }
    Args args;
    try {
      args = Args.parse(argv);
    } catch (BenchArgs.BadArgument e) {
      System.err.println(e.getMessage());
      System.err.println(Args.USAGE);
      System.exit(2);
      return;
    }
    if (args == null) {
      System.out.println(Args.USAGE);
      return;
    }
    String redisUrl = BenchRedis.startOnAFreePort();
    JedisPooled redis = RedisConnections.pooled(redisUrl);
    ApiServer api = new ApiServer(new ApiConfig("127.0.0.1", 0, redisUrl, null, TOKEN));
    api.start();
    String base = "http://127.0.0.1:" + api.port();
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .executor(Executors.newFixedThreadPool(4, daemon("bench-http")))
            .build();
    FunnelDefinition funnel = defineFunnel(client, base, redis);
    Instant now = Instant.now();
    Instant from = now.minus(SPAN);
    try (ContributionStore store =
        new ContributionStore(
            redisUrl,
            RETENTION_MILLIS,
            WriteSessionContributions.DEFAULT_MAX_DIMENSION_VALUES,
            WriteSessionContributions.DEFAULT_MAX_EVENT_NAMES)) {
      fill(store, List.of(funnel), args.events(), from);
      System.out.printf("Redis: %,d keys%n", redis.dbSize());
      printHashSizes(redis, funnel, now);
      Beside beside =
          args.direct()
              ? PipelineBeside.start(redisUrl, args.writeRate())
              : LiveContributions.start(store, funnel, args.writeRate());
      try {
        Load load = new Load(client, base, args, now);
        load.sample();
        System.out.printf(
            "Load: %,.0f req/s for %d s of warm-up, then %d s measured (in flight at most %d)%n",
            args.rate(), args.warmupSeconds(), args.seconds(), args.inFlight());
        load.run(args.warmupSeconds(), false);
        Results results = load.run(args.seconds(), true);
        String what = beside.stop();
        results.print(args);
        System.out.println("Beside it: " + what);
      } finally {
        beside.close();
      }
    } finally {
      api.close();
    }
    System.exit(0);
  }

  /**
   * PUTs the funnel through the API with the token and returns it as stored (version, live_from).
   */
  private static FunnelDefinition defineFunnel(HttpClient client, String base, JedisPooled redis)
      throws IOException, InterruptedException {
    HttpResponse<String> put =
        client.send(
            HttpRequest.newBuilder(URI.create(base + "/api/funnels/" + FUNNEL))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(BenchFunnels.json(FUNNEL)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (put.statusCode() / 100 != 2) {
      throw new IllegalStateException("PUT funnel: " + put.statusCode() + " " + put.body());
    }
    FunnelDefinition f = FunnelDefinitions.parse(redis.hget(RedisKeys.FUNNELS, FUNNEL), FUNNEL);
    System.out.printf(
        "Funnel %s: version %d, breakdown %s, stored through the API%n",
        f.id(), f.version(), f.breakdown());
    return f;
  }

  /**
   * Writes 24 h of the pipeline's aggregates: the generator's journeys over [from, from + 24 h],
   * each user's sessions' final contributions applied through {@link ContributionStore}, as the
   * pipeline's closing firings would. Sessions before the funnel's {@code live_from} are counted as
   * a backfill would count them, under its version.
   */
  private static void fill(
      ContributionStore store, List<FunnelDefinition> funnels, int targetEvents, Instant from) {
    int users = Dataset.usersFor(targetEvents, SPAN);
    System.out.printf(
        "Filling Redis: about %,d events of %,d users over %s%n", targetEvents, users, SPAN);
    long startNanos = System.nanoTime();
    long events = 0;
    long sessions = 0;
    long contributions = 0;
    List<Contribution> batch = new ArrayList<>(APPLY_BATCH + 4);
    for (int chunk = 0, done = 0; done < users; chunk++, done += USERS_PER_CHUNK) {
      Map<String, List<Event>> byUser = new HashMap<>();
      for (GeneratedEvent e :
          new JourneyGenerator(SEED + chunk)
              .batchEvents(Math.min(USERS_PER_CHUNK, users - done), from, SPAN)) {
        byUser.computeIfAbsent(e.event().userId(), u -> new ArrayList<>()).add(e.event());
      }
      for (Map.Entry<String, List<Event>> user : byUser.entrySet()) {
        List<Event> ordered = SessionOrder.distinctInOrder(user.getValue());
        events += ordered.size();
        List<List<Event>> userSessions = new ArrayList<>();
        SessionContributions.forEachSession(ordered, GAP_MILLIS, userSessions::add);
        for (List<Event> session : userSessions) {
          sessions++;
          batch.addAll(SessionContributions.of(funnels, user.getKey(), session, GAP_MILLIS, true));
          if (batch.size() >= APPLY_BATCH) {
            contributions += batch.size();
            store.apply(batch);
            batch.clear();
          }
        }
      }
    }
    contributions += batch.size();
    store.apply(batch);
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    System.out.printf(
        "Filled: %,d events, %,d sessions, %,d contributions applied in %.1f s%n",
        events, sessions, contributions, seconds);
  }

  /**
   * The pipeline beside the API, as Redis sees it: the generator's live stream at a fixed rate,
   * each user's open session re-evaluated and its contribution applied again every {@link
   * #FIRE_MILLIS} (an early firing: the Lua swaps the session's previous contribution for the new
   * one).
   */
  /** What runs beside the API while it is measured. */
  interface Beside extends AutoCloseable {
    /** Stops it, throws if it failed, and says what it did. */
    String stop() throws Exception;
  }

  /**
   * The real pipeline beside the API: an HBase mini cluster, the generator's live stream written to
   * it at a fixed rate ({@link LoadWriter}), and the pipeline on the Direct runner reading it from
   * now on and writing to the same Redis.
   */
  static final class PipelineBeside implements Beside {
    private final org.apache.beam.sdk.PipelineResult pipeline;
    private final LoadWriter writer;
    private final JedisPooled redis;
    private final long totalBefore;

    private PipelineBeside(
        org.apache.beam.sdk.PipelineResult pipeline,
        LoadWriter writer,
        JedisPooled redis,
        long totalBefore) {
      this.pipeline = pipeline;
      this.writer = writer;
      this.redis = redis;
      this.totalBefore = totalBefore;
    }

    static PipelineBeside start(String redisUrl, double rate) throws Exception {
      System.out.println("Starting an HBase mini cluster and the Direct runner beside the API");
      var util = RunnerBenchmark.startHBase();
      String zk = "127.0.0.1:" + util.getZkCluster().getClientPort();
      JedisPooled redis = RedisConnections.pooled(redisUrl);
      long totalBefore = new RedisAggregates(redis).countedEvents();
      var pipeline =
          io.clickstream.pipeline.ClickstreamPipeline.run(
              RunnerBenchmark.options(BenchArgs.DIRECT, zk, redisUrl, System.currentTimeMillis()));
      LoadWriter writer = LoadWriter.start(util.getConnection(), rate);
      // Until the pipeline counts live events, so the load meets it at work.
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (new RedisAggregates(redis).countedEvents() == totalBefore
          && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      System.out.printf(
          "  the pipeline counts live events: %s%n",
          new RedisAggregates(redis).countedEvents() > totalBefore ? "yes" : "not within 60 s");
      return new PipelineBeside(pipeline, writer, redis, totalBefore);
    }

    @Override
    public String stop() throws Exception {
      writer.close();
      long counted = new RedisAggregates(redis).countedEvents() - totalBefore;
      return String.format(
          "the Direct runner, with %,.0f live events/s written to HBase; %,d live events counted in"
              + " Redis by the end of the load",
          writer.achievedRate(), counted);
    }

    @Override
    public void close() throws Exception {
      try {
        pipeline.cancel();
      } catch (Exception e) {
        // exiting anyway
      }
    }
  }

  static final class LiveContributions implements Beside {

    private static final long FIRE_MILLIS = 1000;
    private final ContributionStore store;
    private final FunnelDefinition funnel;
    private final double rate;
    private final Thread thread = new Thread(this::run, "bench-live-contributions");
    private volatile boolean stopping;
    private volatile Throwable failure;
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong contributions = new AtomicLong();
    private long startNanos;
    private long stopNanos;

    private LiveContributions(ContributionStore store, FunnelDefinition funnel, double rate) {
      this.store = store;
      this.funnel = funnel;
      this.rate = rate;
    }

    static LiveContributions start(ContributionStore store, FunnelDefinition funnel, double rate) {
      LiveContributions live = new LiveContributions(store, funnel, rate);
      live.startNanos = System.nanoTime();
      live.thread.setDaemon(true);
      live.thread.start();
      return live;
    }

    private void run() {
      try {
        int users = (int) Math.max(1, Math.round(rate * 10));
        Iterator<GeneratedEvent> stream =
            new JourneyGenerator(LIVE_SEED, users).stream(Instant.now(), rate);
        Map<String, List<Event>> sessions = new HashMap<>();
        Map<String, List<Event>> touched = new HashMap<>();
        long nextFire = System.currentTimeMillis() + FIRE_MILLIS;
        while (!stopping) {
          GeneratedEvent e = stream.next();
          long wait = e.writeAt().toEpochMilli() - System.currentTimeMillis();
          if (wait > 0) {
            Thread.sleep(wait);
          }
          Event event = e.event();
          List<Event> session = sessions.computeIfAbsent(event.userId(), u -> new ArrayList<>());
          if (!session.isEmpty()
              && event.timestampMillis() - session.get(session.size() - 1).timestampMillis()
                  >= GAP_MILLIS) {
            session.clear();
          }
          session.add(event);
          touched.put(event.userId(), session);
          events.incrementAndGet();
          if (System.currentTimeMillis() >= nextFire) {
            fire(touched);
            touched.clear();
            nextFire += FIRE_MILLIS;
          }
        }
      } catch (Throwable t) {
        failure = t;
      }
    }

    private void fire(Map<String, List<Event>> touched) {
      List<Contribution> batch = new ArrayList<>();
      for (Map.Entry<String, List<Event>> user : touched.entrySet()) {
        List<Event> ordered = SessionOrder.distinctInOrder(user.getValue());
        batch.addAll(
            SessionContributions.of(List.of(funnel), user.getKey(), ordered, GAP_MILLIS, false));
        if (batch.size() >= APPLY_BATCH) {
          store.apply(batch);
          contributions.addAndGet(batch.size());
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        store.apply(batch);
        contributions.addAndGet(batch.size());
      }
    }

    void stopAndCheck() throws InterruptedException {
      stopping = true;
      thread.join();
      stopNanos = System.nanoTime();
      if (failure != null) {
        throw new IllegalStateException("the live writer failed", failure);
      }
    }

    double eventsPerSecond() {
      return events.get() / ((stopNanos - startNanos) / 1e9);
    }

    double contributionsPerSecond() {
      return contributions.get() / ((stopNanos - startNanos) / 1e9);
    }

    long contributions() {
      return contributions.get();
    }

    @Override
    public String stop() throws InterruptedException {
      stopAndCheck();
      return String.format(
          "a writer thread (not the pipeline): %,.0f live events/s as %,.0f session"
              + " contributions/s applied to Redis (ContributionStore, the pipeline's Lua), %,d in"
              + " all",
          eventsPerSecond(), contributionsPerSecond(), contributions());
    }

    @Override
    public void close() throws InterruptedException {
      if (!stopping) {
        stopAndCheck();
      }
    }
  }

  /** Open-loop load: request i is due at start + i / rate, whether or not earlier ones answered. */
  static final class Load {
    private final HttpClient client;
    private final String base;
    private final Args args;
    private final Instant dataEnd;
    private final SplittableRandom random = new SplittableRandom(11);

    Load(HttpClient client, String base, Args args, Instant dataEnd) {
      this.client = client;
      this.base = base;
      this.args = args;
      this.dataEnd = dataEnd;
    }

    Results run(int seconds, boolean measured) throws InterruptedException {
      int total = (int) Math.round(args.rate() * seconds);
      Results results = new Results(total);
      Semaphore inFlight = new Semaphore(args.inFlight());
      double intervalNanos = 1e9 / args.rate();
      long start = System.nanoTime();
      for (int i = 0; i < total; i++) {
        long due = start + (long) (i * intervalNanos);
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        int endpoint = i % 2;
        if (!inFlight.tryAcquire()) {
          results.refused(endpoint);
          continue;
        }
        HttpRequest request =
            HttpRequest.newBuilder(URI.create(base + path(endpoint)))
                .timeout(Duration.ofMillis(args.timeoutMillis()))
                .GET()
                .build();
        client
            .sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
            .whenComplete(
                (response, error) -> {
                  long latency = System.nanoTime() - due;
                  inFlight.release();
                  if (error != null) {
                    results.failed(endpoint, error);
                  } else if (response.statusCode() / 100 != 2) {
                    results.failed(endpoint, "HTTP " + response.statusCode());
                  } else {
                    results.answered(endpoint, latency);
                  }
                });
      }
      results.sentSeconds = (System.nanoTime() - start) / 1e9;
      // Every request is answered or timed out before the results are read.
      inFlight.acquire(args.inFlight());
      inFlight.release(args.inFlight());
      results.sent = total;
      if (!measured) {
        System.out.printf(
            "  warm-up: %,d requests, %,d errors%n", total, results.errors(0) + results.errors(1));
      }
      return results;
    }

    /** One answer of each endpoint, to show what the load asks for. */
    void sample() throws IOException, InterruptedException {
      for (int endpoint = 0; endpoint < 2; endpoint++) {
        String path = path(endpoint);
        HttpResponse<String> response =
            client.send(
                HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        String body = response.body();
        System.out.printf(
            "  GET %s: %d, %,d bytes: %s%n",
            path,
            response.statusCode(),
            body.length(),
            body.length() > 300 ? body.substring(0, 300) + "..." : body);
      }
    }

    /** Endpoint 0: funnel results by source; 1: counts by source per hour. */
    private String path(int endpoint) {
      // A random window of the range inside the 24 h, on whole minutes.
      long span = SPAN.toMinutes() - args.rangeMinutes();
      Instant to =
          dataEnd
              .truncatedTo(ChronoUnit.MINUTES)
              .minus(Duration.ofMinutes(span == 0 ? 0 : random.nextLong(span + 1)));
      Instant from = to.minus(Duration.ofMinutes(args.rangeMinutes()));
      String range = "&from=" + from + "&to=" + to;
      if (endpoint == 0) {
        return "/api/funnels/" + FUNNEL + "/results?by=source" + range;
      }
      String event = COUNTED_EVENTS[random.nextInt(COUNTED_EVENTS.length)];
      return "/api/counts?event=" + event + "&by=source&step=hour" + range;
    }
  }

  /** Latencies and errors per endpoint. */
  static final class Results {
    private static final String[] NAMES = {
      "/api/funnels/{id}/results?by=source", "/api/counts?event=..&by=source&step=hour"
    };
    private final long[][] latencies;
    private final int[] answered = new int[2];
    private final int[] errors = new int[2];
    private final Map<String, Integer> reasons = new HashMap<>();
    int sent;
    double sentSeconds;

    Results(int total) {
      latencies = new long[][] {new long[total / 2 + 1], new long[total / 2 + 1]};
    }

    synchronized void answered(int endpoint, long nanos) {
      latencies[endpoint][answered[endpoint]++] = nanos;
    }

    synchronized void failed(int endpoint, Object reason) {
      errors[endpoint]++;
      String text =
          reason instanceof Throwable t ? t.getClass().getSimpleName() : String.valueOf(reason);
      reasons.merge(text, 1, Integer::sum);
    }

    void refused(int endpoint) {
      failed(endpoint, "over --in-flight, not sent");
    }

    synchronized int errors(int endpoint) {
      return errors[endpoint];
    }

    synchronized void print(Args args) {
      System.out.printf(
          "%nAPI under load: %,d requests scheduled in %.2f s (%,.0f req/s offered, %,.0f req/s"
              + " answered 2xx), range %d min%n",
          sent,
          sentSeconds,
          sent / sentSeconds,
          (answered[0] + answered[1]) / sentSeconds,
          args.rangeMinutes());
      System.out.println(
          "| endpoint | requests | errors | error rate | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |");
      System.out.println("|---|---|---|---|---|---|---|---|---|");
      for (int e = 0; e < 2; e++) {
        long[] sorted = Arrays.copyOf(latencies[e], answered[e]);
        Arrays.sort(sorted);
        int requests = answered[e] + errors[e];
        System.out.printf(
            "| `%s` | %,d | %,d | %.3f %% | %s | %s | %s | %s | %s |%n",
            NAMES[e],
            requests,
            errors[e],
            requests == 0 ? 0.0 : 100.0 * errors[e] / requests,
            ms(sorted, 0.50),
            ms(sorted, 0.90),
            ms(sorted, 0.99),
            ms(sorted, 0.999),
            ms(sorted, 1.0));
      }
      if (!reasons.isEmpty()) {
        System.out.println("errors: " + reasons);
      }
    }

    /** Nearest rank. */
    private static String ms(long[] sorted, double quantile) {
      if (sorted.length == 0) {
        return "-";
      }
      int rank = (int) Math.ceil(quantile * sorted.length);
      return String.format("%.2f", sorted[Math.max(0, rank - 1)] / 1e6);
    }
  }

  /** What one request reads: the fields per minute hash of the two endpoints, the last hour. */
  private static void printHashSizes(JedisPooled redis, FunnelDefinition f, Instant now) {
    long minute = now.getEpochSecond() / 60;
    long funnelFields = 0;
    long countFields = 0;
    for (long m = minute - 60; m < minute; m++) {
      funnelFields += redis.hlen(RedisKeys.funnelResults(f.id(), f.version(), m));
      countFields += redis.hlen(RedisKeys.counts(RedisKeys.eventMetric("page_view"), "source", m));
    }
    System.out.printf(
        "Fields per minute hash over the last hour: funnel results %,.0f, page_view counts by"
            + " source %,.0f%n",
        funnelFields / 60.0, countFields / 60.0);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicLong n = new AtomicLong();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
