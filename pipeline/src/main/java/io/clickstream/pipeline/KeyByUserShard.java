package io.clickstream.pipeline;

import io.clickstream.core.Event;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Keys each event by the shard of its user, the key of every {@link ShardedUserFn}.
 *
 * <p>{@link #SHARDS} is part of the job's state layout: a job restored from a checkpoint or
 * savepoint must use the count it was started with. 1,024 keeps the Direct runner's per-step walk
 * over keys with timers small (at most two timers a shard), and keeps a shard small enough that the
 * Direct runner's copy of a shard's state on each bundle that touches it stays cheap while hundreds
 * of thousands of users are in state (measured against 256 in docs/benchmarks.md, runs M and R); it
 * spreads evenly over Flink's 128 key groups (docs/pipeline.md, "Sharded per-user state").
 */
public class KeyByUserShard
    extends PTransform<PCollection<Event>, PCollection<KV<Integer, Event>>> {

  public static final int SHARDS = 1024;

  /** The shard of a user: {@code String.hashCode} is specified, so it is the same in every JVM. */
  public static int shardOf(String userId) {
    return Math.floorMod(userId.hashCode(), SHARDS);
  }

  @Override
  public PCollection<KV<Integer, Event>> expand(PCollection<Event> events) {
    return events
        .apply(
            "KeyByShard",
            WithKeys.of((SerializableFunction<Event, Integer>) e -> shardOf(e.userId()))
                .withKeyType(TypeDescriptors.integers()))
        .setCoder(KvCoder.of(VarIntCoder.of(), EventCoder.of()));
  }
}
