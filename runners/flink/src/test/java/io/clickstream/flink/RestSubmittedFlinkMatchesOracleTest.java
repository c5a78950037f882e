package io.clickstream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.flink.testing.ChildJvm;
import io.clickstream.flink.testing.Dataset;
import io.clickstream.flink.testing.FlinkClusterMain;
import io.clickstream.pipeline.ClickstreamPipeline;
import io.clickstream.pipeline.testing.Await;
import io.clickstream.pipeline.testing.EventsTable;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;

/**
 * A Flink cluster in a separate JVM, reached only through its REST endpoint. The cluster's JVM has
 * what a Flink distribution's lib/ has (Flink, its dependencies, log4j) and nothing of the job: the
 * job graph and every jar the job jar would hold (the pipeline, Beam with its FlinkRunner, the
 * HBase and Redis clients) travel over REST with {@code --filesToStage}, as with {@code flink run}.
 */
class RestSubmittedFlinkMatchesOracleTest {

  @Test
  void aJobSubmittedOverRestToASeparateFlinkProcessMatchesTheOracle() throws Exception {
    int restPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      restPort = s.getLocalPort();
    }
    long t0 = System.nanoTime();
    try (ChildJvm cluster =
        ChildJvm.start(
            "flink-cluster",
            ChildJvm.flinkDistributionClasspath(),
            FlinkClusterMain.class.getName(),
            List.of(String.valueOf(restPort)))) {
      HttpClient http = HttpClient.newHttpClient();
      URI overview = URI.create("http://127.0.0.1:" + restPort + "/overview");
      boolean up =
          Await.until(
              Duration.ofSeconds(90),
              () -> {
                try {
                  return http.send(
                              HttpRequest.newBuilder(overview)
                                  .timeout(Duration.ofSeconds(2))
                                  .build(),
                              HttpResponse.BodyHandlers.ofString())
                          .statusCode()
                      == 200;
                } catch (Exception e) {
                  return false;
                }
              });
      assertThat(up)
          .as(
              "the Flink cluster answers GET %s within 90 s; its log ends:%n%s",
              overview, cluster.logTail())
          .isTrue();
      System.out.printf("Flink cluster REST up in %d ms%n", (System.nanoTime() - t0) / 1_000_000);

      Dataset data = new Dataset(7, 300);
      EventsTable.write(data.firstHalf());
      List<String> args = new ArrayList<>(data.pipelineArgs());
      args.addAll(
          List.of(
              "--flinkMaster=127.0.0.1:" + restPort,
              "--parallelism=2",
              "--checkpointingInterval=2000",
              "--attachedMode=false",
              "--filesToStage=" + String.join(",", ChildJvm.jobClasspath())));
      PipelineResult job =
          ClickstreamPipeline.run(FlinkJobMain.options(args.toArray(String[]::new)));
      try {
        String jobs =
            http.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + restPort + "/jobs/overview"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        System.out.println("cluster's jobs: " + jobs);
        assertThat(jobs).contains("\"state\":\"RUNNING\"");
        EventsTable.write(data.secondHalf());
        data.awaitWatermarkAndAssertRedisEqualsOracle(Duration.ofSeconds(180));
      } finally {
        assertThat(job.cancel()).isIn(PipelineResult.State.CANCELLED, PipelineResult.State.RUNNING);
      }
    }
    System.out.printf(
        "REST-submitted Flink test took %d s%n", (System.nanoTime() - t0) / 1_000_000_000);
  }
}
