package io.clickstream.pipeline;

import io.clickstream.core.Event;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Counts the event sequences that follow (or precede) an anchor event within a session: for each
 * finished session starting in {@code [from, to)} that has the anchor, the path from its first
 * anchor on, at most {@code depth} events besides the anchor, the events' names joined by {@link
 * #ARROW}. A path before the anchor reads backwards in time: the anchor, then the event before it,
 * and so on. This is the notebook's {@code paths} query (docs/notebook.md): "what do they do
 * instead?".
 */
public class ComputePaths extends PTransform<PCollection<Session>, PCollection<KV<String, Long>>> {

  /** Between the events of a path; the dashboard splits a path on it. */
  public static final String ARROW = " → ";

  private final String anchor;
  private final boolean after;
  private final int depth;
  private final long fromMillis;
  private final long toMillis;

  /**
   * @param after the events after the anchor; false for those before it
   */
  public ComputePaths(String anchor, boolean after, int depth, long fromMillis, long toMillis) {
    this.anchor = anchor;
    this.after = after;
    this.depth = depth;
    this.fromMillis = fromMillis;
    this.toMillis = toMillis;
  }

  @Override
  public PCollection<KV<String, Long>> expand(PCollection<Session> sessions) {
    return sessions
        .apply("FollowTheAnchor", ParDo.of(new PathFn(this)))
        .apply("CountPaths", Count.perElement());
  }

  /** The path of one session's events from its first {@code anchor}; null when it has none. */
  public static String pathOf(List<Event> events, String anchor, boolean after, int depth) {
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).name().equals(anchor)) {
        List<String> names = new ArrayList<>();
        int step = after ? 1 : -1;
        for (int j = i; j >= 0 && j < events.size() && names.size() <= depth; j += step) {
          names.add(events.get(j).name());
        }
        return String.join(ARROW, names);
      }
    }
    return null;
  }

  private static final class PathFn extends DoFn<Session, String> {
    private final Counter anchored = Metrics.counter(ComputePaths.class, "sessions_anchored");
    private final ComputePaths spec;

    PathFn(ComputePaths spec) {
      this.spec = spec;
    }

    @ProcessElement
    public void process(@Element Session session, OutputReceiver<String> out) {
      if (!session.finalStartingIn(spec.fromMillis, spec.toMillis)) {
        return;
      }
      String path = pathOf(session.events(), spec.anchor, spec.after, spec.depth);
      if (path != null) {
        anchored.inc();
        out.output(path);
      }
    }
  }
}
