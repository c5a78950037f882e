package io.clickstream.launcher;

import io.clickstream.client.Clickstream;
import io.clickstream.client.Result;
import io.clickstream.core.Event;
import io.clickstream.pipeline.ClickstreamOptions;
import io.clickstream.pipeline.EventTimeRules;
import io.clickstream.pipeline.ParseEvents;
import io.clickstream.pipeline.io.ReadEventHistoryFromHBase;
import java.io.Serializable;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Top;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;

/**
 * Interactive Beam, in Java: a user's own transform over the events stored in HBase, run on the
 * Direct runner in this JVM, its first rows back as a {@link Result} to show, chart or save.
 *
 * <pre>{@code
 * Interactive.over(cs).history("24h").apply(Count.perElement()) ... .collect(100).show();
 * }</pre>
 *
 * The history is what a backfill reads: every row's first write, parsed by the live pipeline's
 * rules; late events are history too and are kept, events claiming a time in the future are not.
 */
public final class Interactive {

  /**
   * Each run's rows, handed from the pipeline's last step back to the caller in this JVM (the
   * Direct runner runs here) and removed as soon as the run is over.
   */
  private static final Map<String, List<Object>> COLLECTED = new ConcurrentHashMap<>();

  private final String hbaseZk;

  private Interactive(String hbaseZk) {
    this.hbaseZk = hbaseZk;
  }

  /** The HBase of the demo {@code cs} was connected to through its discovery file. */
  public static Interactive over(Clickstream cs) {
    return new Interactive(
        cs.hbaseZk()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        cs
                            + " was connected by URL, which does not say where HBase is: use"
                            + " Interactive.over(\"host:port\") with HBase's ZooKeeper")));
  }

  /** The HBase whose ZooKeeper is at {@code host:port}. */
  public static Interactive over(String hbaseZk) {
    return new Interactive(hbaseZk);
  }

  /** The events of the last {@code duration} ({@code 24h}, {@code 7d}, {@code PT1H}). */
  public History<Event> history(String duration) {
    Instant to = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    return history(to.minus(io.clickstream.client.Durations.parse(duration)), to);
  }

  /** The events whose time is in {@code [from, to)}. */
  public History<Event> history(Instant from, Instant to) {
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("from " + from + " must be before to " + to);
    }
    return new History<>(hbaseZk, from, to, List.of());
  }

  /**
   * The events of a range with the transforms applied to them so far.
   *
   * @param <T> the type of the elements the last transform makes
   */
  public static final class History<T> {

    private final String hbaseZk;
    private final Instant from;
    private final Instant to;
    private final List<PTransform<?, ?>> transforms;

    private History(String hbaseZk, Instant from, Instant to, List<PTransform<?, ?>> transforms) {
      this.hbaseZk = hbaseZk;
      this.from = from;
      this.to = to;
      this.transforms = transforms;
    }

    /** This history with {@code transform} applied to it: any transform of a collection. */
    public <U> History<U> apply(PTransform<? super PCollection<T>, PCollection<U>> transform) {
      List<PTransform<?, ?>> more = new ArrayList<>(transforms);
      more.add(transform);
      return new History<>(hbaseZk, from, to, List.copyOf(more));
    }

    /**
     * Runs the pipeline and returns at most {@code limit} of its elements as a table: the earliest
     * events, or the first other elements in the order of their text, so that the same history
     * always gives the same rows. {@code meta.rows_total} is how many elements there were.
     */
    public Result collect(int limit) {
      if (limit < 1 || limit > 10_000) {
        throw new IllegalArgumentException("limit: expected 1 to 10000, got " + limit);
      }
      ClickstreamOptions options = PipelineOptionsFactory.as(ClickstreamOptions.class);
      options.setRunner(DirectRunner.class);
      options.setHbaseZk(hbaseZk);
      Pipeline pipeline = Pipeline.create(options);
      PCollection<T> out = applyTransforms(readEvents(pipeline, EventTimeRules.from(options)));
      String run = UUID.randomUUID().toString();
      out.apply("TakeFirst", Top.of(limit, new First<T>()))
          .apply("KeepRows", ParDo.of(new Keep<List<T>>(run + "/rows")));
      out.apply("CountAll", Count.globally())
          .apply("KeepCount", ParDo.of(new Keep<>(run + "/count")));
      try {
        pipeline.run().waitUntilFinish();
        List<Object> rows = COLLECTED.getOrDefault(run + "/rows", List.of());
        List<Object> count = COLLECTED.getOrDefault(run + "/count", List.of(0L));
        @SuppressWarnings("unchecked")
        List<Object> elements = rows.isEmpty() ? List.of() : (List<Object>) rows.get(0);
        return table(elements, (Long) count.get(0));
      } finally {
        COLLECTED.remove(run + "/rows");
        COLLECTED.remove(run + "/count");
      }
    }

    private PCollection<Event> readEvents(Pipeline pipeline, EventTimeRules rules) {
      PCollectionTuple parsed =
          pipeline
              .apply("ReadHistory", ReadEventHistoryFromHBase.from(hbaseZk))
              .apply("ParseEvents", new ParseEvents(rules));
      long fromMillis = from.toEpochMilli();
      long toMillis = to.toEpochMilli();
      return PCollectionList.of(parsed.get(ParseEvents.EVENTS))
          .and(parsed.get(ParseEvents.LATE))
          .apply("KeepLateEventsToo", Flatten.pCollections())
          .apply(
              "KeepTheRange",
              Filter.by(e -> e.timestampMillis() >= fromMillis && e.timestampMillis() < toMillis));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private PCollection<T> applyTransforms(PCollection<Event> events) {
      PCollection current = events;
      for (int i = 0; i < transforms.size(); i++) {
        PTransform transform = transforms.get(i);
        current =
            (PCollection) current.apply("Yours" + (i + 1) + "_" + transform.getName(), transform);
      }
      return current;
    }

    private Result table(List<Object> elements, long total) {
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("kind", "interactive");
      meta.put("from", from.toString());
      meta.put("to", to.toString());
      meta.put("rows_total", total);
      if (elements.isEmpty()) {
        return Result.of(List.of("value"), List.of(), meta);
      }
      List<String> columns = Rows.columns(elements.get(0));
      List<List<Object>> rows = new ArrayList<>();
      for (Object element : elements) {
        rows.add(Rows.of(element));
      }
      return Result.of(columns, rows, meta);
    }
  }

  /**
   * The order of {@link History#collect}: events by time then id, anything else by its text. Top
   * keeps the greatest, so this ranks the first as the greatest.
   */
  private static final class First<T> implements Comparator<T>, Serializable {
    private static final Comparator<Object> ORDER =
        Comparator.comparing((Object o) -> o instanceof Event e ? e.timestampMillis() : 0L)
            .thenComparing(o -> o instanceof Event e ? e.eventId() : String.valueOf(o));

    @Override
    public int compare(T a, T b) {
      return ORDER.compare(b, a);
    }
  }

  /** Hands each element to {@link #COLLECTED} under a key of the run. */
  private static final class Keep<T> extends DoFn<T, Void> {
    private final String key;

    Keep(String key) {
      this.key = key;
    }

    @ProcessElement
    public void process(@Element T element) {
      COLLECTED
          .computeIfAbsent(key, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
          .add(element);
    }
  }

  /** Elements as table rows: an event's fields, a KV's key and value, a Row's fields, or itself. */
  private static final class Rows {
    private Rows() {}

    static List<String> columns(Object element) {
      if (element instanceof Event) {
        return List.of("t", "user", "event", "source", "partner", "campaign", "page", "properties");
      }
      if (element instanceof KV<?, ?>) {
        return List.of("key", "value");
      }
      if (element instanceof Row row) {
        return row.getSchema().getFields().stream().map(Schema.Field::getName).toList();
      }
      return List.of("value");
    }

    static List<Object> of(Object element) {
      List<Object> cells = new ArrayList<>();
      if (element instanceof Event e) {
        cells.add(Instant.ofEpochMilli(e.timestampMillis()).toString());
        cells.add(e.userId());
        cells.add(e.name());
        cells.add(e.source());
        cells.add(e.partner());
        cells.add(e.campaign());
        cells.add(e.page());
        cells.add(e.properties());
      } else if (element instanceof KV<?, ?> kv) {
        cells.add(cell(kv.getKey()));
        cells.add(cell(kv.getValue()));
      } else if (element instanceof Row row) {
        row.getValues().forEach(v -> cells.add(cell(v)));
      } else {
        cells.add(cell(element));
      }
      return cells;
    }

    private static Object cell(Object value) {
      return value == null || value instanceof Number || value instanceof Boolean
          ? value
          : value.toString();
    }
  }
}
