package io.clickstream.pipeline;

import static io.clickstream.pipeline.TestEvents.at;
import static io.clickstream.pipeline.TestEvents.event;
import static io.clickstream.pipeline.TestEvents.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.Event;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.funnel.FunnelDefinitions;
import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;

/**
 * A funnel whose evaluation throws is taken out of the catalog with the reason, and every other
 * funnel goes on. (The event counts are a transform of their own, {@link CountSessionEvents}, which
 * reads no funnel.) The broken funnel is built past validation (an exclusion after step 0, which
 * the evaluator cannot index), as a definition stored by an older release could be.
 */
public class AFunnelThatThrowsIsContainedTest implements Serializable {

  static final EventTimeRules SETTINGS =
      new EventTimeRules(minutes(10), minutes(5), Duration.ZERO, Duration.millis(500));

  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  @Before
  public void forgetEarlierFailures() {
    RecordingCatalog.FAILED.clear();
  }

  @Test
  public void aSessionFunnelThatThrowsIsMarkedFailedWhileTheOtherSessionFunnelsGoOn() {
    FunnelDefinition good = funnel("good", "{\"steps\":[{\"event\":\"a\"},{\"event\":\"b\"}]}");
    FunnelDefinition broken =
        brokenCopyOf(funnel("broken", "{\"steps\":[{\"event\":\"a\"},{\"event\":\"b\"}]}"));

    PCollection<String> namespaces =
        namespaces(
            pipeline
                .apply(events())
                .apply(new SessionizeEvents(SETTINGS))
                .get(SessionizeEvents.SESSIONS)
                .apply(
                    ComputeSessionFunnelContributions.live(
                        new RecordingCatalog(List.of(broken, good)))));

    PAssert.that(namespaces).satisfies(distinct(RedisKeys.funnelNamespace("good", 1)));
    pipeline.run().waitUntilFinish();
    assertThat(RecordingCatalog.FAILED).containsOnlyKeys("broken");
    assertThat(RecordingCatalog.FAILED.get("broken"))
        .startsWith("java.lang.IndexOutOfBoundsException");
  }

  @Test
  public void aUserFunnelThatThrowsIsMarkedFailedWhileTheOtherUserFunnelsGoOn() {
    String definition =
        "{\"scope\":\"user\",\"window\":\"PT20M\",\"steps\":[{\"event\":\"a\"},{\"event\":\"b\"}]}";
    FunnelDefinition good = funnel("good", definition);
    FunnelDefinition broken = brokenCopyOf(funnel("broken", definition));

    PCollection<String> namespaces =
        namespaces(
            pipeline
                .apply(events())
                .apply(
                    ComputeUserFunnelContributions.live(
                        new RecordingCatalog(List.of(broken, good)),
                        SETTINGS,
                        UserHistory.none())));

    PAssert.that(namespaces).satisfies(distinct(RedisKeys.funnelNamespace("good", 1)));
    pipeline.run().waitUntilFinish();
    assertThat(RecordingCatalog.FAILED).containsOnlyKeys("broken");
  }

  private static TestStream<Event> events() {
    return TestStream.create(EventCoder.of())
        .addElements(
            at(event("1", "u1", "a", minutes(0), null)),
            at(event("2", "u1", "b", minutes(1), null)),
            at(event("3", "u2", "a", minutes(2), null)))
        .advanceWatermarkToInfinity();
  }

  private static PCollection<String> namespaces(PCollection<Contribution> contributions) {
    return contributions.apply(
        "Namespace", MapElements.into(TypeDescriptors.strings()).via(Contribution::namespace));
  }

  /** What every contribution went to, whatever the windows and panes. */
  private static SerializableFunction<Iterable<String>, Void> distinct(String... expected) {
    return namespaces -> {
      Set<String> seen = new HashSet<>();
      namespaces.forEach(seen::add);
      assertThat(seen).containsExactlyInAnyOrder(expected);
      return null;
    };
  }

  private static FunnelDefinition funnel(String id, String json) {
    return FunnelDefinitions.parse(json, id).withVersion(1, 0);
  }

  private static FunnelDefinition brokenCopyOf(FunnelDefinition f) {
    return new FunnelDefinition(
        f.id(),
        f.name(),
        f.steps(),
        f.order(),
        f.scope(),
        f.window(),
        List.of(new FunnelDefinition.Exclusion(f.steps().get(1), 0, null)),
        f.breakdown(),
        f.version(),
        f.liveFromMillis());
  }

  /**
   * Fixed funnels that remember failures; statically, because the runner serializes a copy into
   * each DoFn.
   */
  static final class RecordingCatalog implements FunnelCatalog {
    static final Map<String, String> FAILED = new ConcurrentHashMap<>();
    private final List<FunnelDefinition> funnels;

    RecordingCatalog(List<FunnelDefinition> funnels) {
      this.funnels = List.copyOf(funnels);
    }

    @Override
    public List<FunnelDefinition> current() {
      return funnels.stream().filter(f -> !FAILED.containsKey(f.id())).toList();
    }

    @Override
    public void markFailed(FunnelDefinition funnel, RuntimeException cause) {
      FAILED.put(funnel.id(), cause.toString());
    }
  }
}
