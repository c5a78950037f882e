package io.clickstream.pipeline;

import io.clickstream.core.Event;
import io.clickstream.core.SaturatingTime;
import io.clickstream.core.SessionOrder;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.funnel.FunnelEvaluator;
import io.clickstream.core.funnel.FunnelEvaluator.UserAttempt;
import io.clickstream.core.funnel.FunnelResult;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * {@link ComputeTimesToConvert} for a user-scope funnel, over a bounded input: for each attempt
 * starting in {@code [from, to)} that reached {@code toStep}, the whole seconds between its matches
 * of the two steps, counted per number of seconds. The attempts are the ones the funnel's results
 * count ({@link ComputeUserFunnelContributions}): each user's events split into episodes where they
 * are further apart than the reach (the longer of the session gap and the window), each episode's
 * first {@code --maxEpisodeEvents} distinct events evaluated by {@link
 * FunnelEvaluator#evaluateUser}.
 */
public class ComputeUserTimesToConvert
    extends PTransform<PCollection<Event>, PCollection<KV<Long, Long>>> {

  private final FunnelDefinition funnel;
  private final int fromStep;
  private final int toStep;
  private final long fromMillis;
  private final long toMillis;
  private final EventTimeRules settings;

  public ComputeUserTimesToConvert(
      FunnelDefinition funnel,
      int fromStep,
      int toStep,
      long fromMillis,
      long toMillis,
      EventTimeRules settings) {
    ComputeTimesToConvert.checkArguments(funnel, FunnelDefinition.Scope.USER, fromStep, toStep);
    this.funnel = funnel;
    this.fromStep = fromStep;
    this.toStep = toStep;
    this.fromMillis = fromMillis;
    this.toMillis = toMillis;
    this.settings = settings;
  }

  @Override
  public PCollection<KV<Long, Long>> expand(PCollection<Event> events) {
    return events
        .apply(
            "KeyByUser",
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptor.of(Event.class)))
                .via(e -> KV.of(e.userId(), e)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), EventCoder.of()))
        .apply("GroupByUser", GroupByKey.create())
        .apply("MeasureAttempts", ParDo.of(new SecondsFn(this)))
        .apply("CountPerSecond", Count.perElement());
  }

  /** The user's episodes, as the live job's {@code UserFunnelFn} makes them for this funnel. */
  List<List<Event>> episodes(Iterable<Event> events) {
    long reach =
        Math.max(settings.sessionGap().getMillis(), SaturatingTime.millis(funnel.window()));
    long episodeGap = SaturatingTime.plus(reach, 1);
    SessionCaps cap = new SessionCaps(settings.maxEpisodeEvents(), Long.MAX_VALUE);
    UserSessions episodes = new UserSessions();
    for (Event e : SessionOrder.distinctInOrder(events)) {
      episodes.add(e, episodeGap, cap, new ArrayList<>());
    }
    List<List<Event>> ordered = new ArrayList<>();
    for (UserSessions.Open episode : episodes.sessions()) {
      ordered.add(SessionOrder.distinctInOrder(episode.events));
    }
    return ordered;
  }

  private static final class SecondsFn extends DoFn<KV<String, Iterable<Event>>, Long> {
    private final ComputeUserTimesToConvert spec;

    SecondsFn(ComputeUserTimesToConvert spec) {
      this.spec = spec;
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<Event>> user, OutputReceiver<Long> out) {
      for (List<Event> episode : spec.episodes(user.getValue())) {
        for (UserAttempt attempt : FunnelEvaluator.evaluateUser(spec.funnel, episode)) {
          FunnelResult r = attempt.result();
          if (r.startMillis() >= spec.fromMillis
              && r.startMillis() < spec.toMillis
              && r.reached() >= spec.toStep) {
            out.output(ComputeTimesToConvert.secondsBetween(r, spec.fromStep, spec.toStep));
          }
        }
      }
    }
  }
}
