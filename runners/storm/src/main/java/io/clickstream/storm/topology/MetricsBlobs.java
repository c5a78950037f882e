package io.clickstream.storm.topology;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.storm.blobstore.AtomicOutputStream;
import org.apache.storm.blobstore.BlobStoreAclHandler;
import org.apache.storm.blobstore.ClientBlobStore;
import org.apache.storm.generated.KeyNotFoundException;
import org.apache.storm.generated.SettableBlobMeta;
import org.apache.storm.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Beam metrics of a job on a cluster, carried through Nimbus's blob store: the job's tasks run
 * in the cluster's workers, which cannot reach the JVM that submitted the job, but both reach
 * Nimbus. Each worker keeps one blob, {@code <topology id>-beam-metrics-<worker>}, that it rewrites
 * with the counters of all its tasks every {@link #EVERY_MILLIS} and before a task sends the end of
 * time (after which the job may be found done). {@code NimbusResult} merges the blobs, and deletes
 * them when it kills the topology.
 */
public final class MetricsBlobs {
  /** In the configuration of a topology submitted to Nimbus: its workers publish their metrics. */
  public static final String PUBLISH = "clickstream.beam.metrics.blobs";

  static final long EVERY_MILLIS = 2_000;

  private static final Logger LOG = LoggerFactory.getLogger(MetricsBlobs.class);

  /**
   * What may be read back: Beam's metric cells and names, the JDK's collections and numbers that
   * hold them, and the serialized lambdas of Beam's metrics maps (which resolve only through the
   * class that made them, one admitted here). A blob store others may write to must not choose the
   * classes this JVM builds.
   */
  private static final ObjectInputFilter READABLE =
      ObjectInputFilter.Config.createFilter(
          "maxdepth=20;org.apache.beam.runners.core.metrics.*;org.apache.beam.sdk.metrics.*;"
              + "org.apache.beam.sdk.util.*;org.apache.beam.vendor.guava.**;org.joda.time.*;"
              + "java.util.**;java.lang.*;java.lang.invoke.SerializedLambda;"
              + "java.math.*;!*");

  /** This worker's publisher of each topology it runs tasks of. */
  private static final Map<String, MetricsBlobs> OF_THIS_WORKER = new ConcurrentHashMap<>();

  private final Map<String, Object> conf;
  private final String topologyId;
  private final String key;
  private final JobProgress job;
  private final ScheduledExecutorService every;
  private boolean created;
  private boolean stopped;

  private MetricsBlobs(Map<String, Object> conf, String topologyId, JobProgress job) {
    this.conf = conf;
    this.topologyId = topologyId;
    this.key = prefix(topologyId) + UUID.randomUUID();
    this.job = job;
    every =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "beam-metrics-to-nimbus");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** The keys of a topology's metrics blobs start with this. */
  private static String prefix(String topologyId) {
    return topologyId + "-beam-metrics-";
  }

  /**
   * Starts publishing the metrics {@code job} collects in this worker, once per topology, when the
   * topology's configuration asks for it ({@link #PUBLISH}): at once, while the task is prepared
   * (so the blob exists before the job can end, be read and deleted), then every {@link
   * #EVERY_MILLIS}, and before each of its tasks sends the end of time ({@link
   * JobProgress#beforeATaskEnds}).
   */
  static void publishFrom(Map<String, Object> conf, String topologyId, JobProgress job) {
    if (!Boolean.TRUE.equals(conf.get(PUBLISH))) {
      return;
    }
    OF_THIS_WORKER.computeIfAbsent(
        topologyId,
        id -> {
          MetricsBlobs blobs = new MetricsBlobs(conf, id, job);
          blobs.publish();
          blobs.every.scheduleWithFixedDelay(
              blobs::publish, EVERY_MILLIS, EVERY_MILLIS, TimeUnit.MILLISECONDS);
          job.beforeATaskEnds(blobs::publish);
          return blobs;
        });
  }

  /**
   * Writes the worker's blob: creates it the first time, then rewrites it. Once it is gone, the
   * job's result has read and deleted it (NimbusResult): this worker publishes no more.
   */
  private synchronized void publish() {
    if (stopped) {
      return;
    }
    byte[] metrics = write(job.metrics());
    try (ClientBlobStore store = Utils.getClientBlobStore(conf)) {
      AtomicOutputStream out;
      if (created) {
        out = store.updateBlob(key);
      } else {
        out = store.createBlob(key, new SettableBlobMeta(BlobStoreAclHandler.WORLD_EVERYTHING));
        created = true;
      }
      out.write(metrics);
      out.close();
    } catch (KeyNotFoundException deleted) {
      stop();
    } catch (Exception e) {
      // Counters are not worth failing the job: the next publication tries again.
      LOG.warn("Could not publish the Beam metrics of this worker to {}: {}", key, e.toString());
    }
  }

  /** The topology's tasks in this worker are shut down: its publisher stops. */
  static void stopPublishing(String topologyId) {
    MetricsBlobs blobs = OF_THIS_WORKER.get(topologyId);
    if (blobs != null) {
      blobs.stop();
    }
  }

  private synchronized void stop() {
    stopped = true;
    every.shutdown();
    OF_THIS_WORKER.remove(topologyId);
  }

  /** The metrics of every worker of the topology, merged; empty when none has published yet. */
  public static MetricsContainerStepMap read(ClientBlobStore store, String topologyId)
      throws Exception {
    return read(store, keys(store, topologyId));
  }

  /**
   * As {@link #read}, then deletes the blobs read: for a killed topology, whose workers publish no
   * more.
   */
  public static MetricsContainerStepMap take(ClientBlobStore store, String topologyId)
      throws Exception {
    List<String> keys = keys(store, topologyId);
    MetricsContainerStepMap all = read(store, keys);
    for (String key : keys) {
      try {
        store.deleteBlob(key);
      } catch (KeyNotFoundException gone) {
        // deleted meanwhile
      }
    }
    return all;
  }

  private static MetricsContainerStepMap read(ClientBlobStore store, List<String> keys)
      throws Exception {
    MetricsContainerStepMap all = new MetricsContainerStepMap();
    for (String key : keys) {
      try (InputStream in = store.getBlob(key)) {
        all.updateAll(read(in.readAllBytes()));
      } catch (KeyNotFoundException gone) {
        // its topology was killed meanwhile
      }
    }
    return all;
  }

  private static List<String> keys(ClientBlobStore store, String topologyId) {
    List<String> keys = new ArrayList<>();
    for (Iterator<String> all = store.listKeys(); all.hasNext(); ) {
      String key = all.next();
      if (key.startsWith(prefix(topologyId))) {
        keys.add(key);
      }
    }
    return keys;
  }

  private static byte[] write(MetricsContainerStepMap metrics) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(metrics);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static MetricsContainerStepMap read(byte[] bytes) throws Exception {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      in.setObjectInputFilter(READABLE);
      return (MetricsContainerStepMap) in.readObject();
    }
  }
}
