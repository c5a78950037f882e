package io.clickstream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.flink.testing.ChildJvm;
import io.clickstream.flink.testing.Dataset;
import io.clickstream.flink.testing.FlinkClusterMain;
import io.clickstream.pipeline.testing.Await;
import io.clickstream.pipeline.testing.EventsTable;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The job jar as a user would deploy it: uploaded with {@code POST /jars/upload} to a Flink cluster
 * (separate JVM, only what a Flink distribution holds on its classpath) and started with {@code
 * POST /jars/:id/run}, so {@link FlinkJobMain} runs inside the JobManager with the default {@code
 * --flinkMaster=[auto]}. Runs after {@code package} (failsafe): {@code mvn verify -pl
 * runners/flink}.
 */
class JobJarOnAFlinkClusterIT {

  @Test
  void theJobJarUploadedOverRestRunsOnAFlinkOnlyClusterAndMatchesTheOracle() throws Exception {
    Path jar =
        Path.of(
            System.getProperty(
                "clickstream.flink.jobJar", "target/clickstream-flink-0.1.0-SNAPSHOT-job.jar"));
    assertThat(jar).as("the job jar (mvn package -pl runners/flink)").exists();
    int restPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      restPort = s.getLocalPort();
    }
    String rest = "http://127.0.0.1:" + restPort;
    HttpClient http = HttpClient.newHttpClient();
    long t0 = System.nanoTime();
    try (ChildJvm cluster =
        ChildJvm.start(
            "flink-cluster-jar",
            ChildJvm.flinkDistributionClasspath(),
            FlinkClusterMain.class.getName(),
            List.of(String.valueOf(restPort)))) {
      assertThat(Await.until(Duration.ofSeconds(90), () -> up(http, rest + "/overview")))
          .as(
              "the Flink cluster answers GET /overview within 90 s; its log ends:%n%s",
              cluster.logTail())
          .isTrue();

      String boundary = "clickstream-" + UUID.randomUUID();
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.write(
          ("--"
                  + boundary
                  + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                  + jar.getFileName()
                  + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8));
      body.write(Files.readAllBytes(jar));
      body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
      HttpResponse<String> upload =
          http.send(
              HttpRequest.newBuilder(URI.create(rest + "/jars/upload"))
                  .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(upload.statusCode()).as("POST /jars/upload: %s", upload.body()).isEqualTo(200);
      String jarId = Path.of(field(upload.body(), "filename")).getFileName().toString();
      System.out.printf(
          "uploaded %s (%d MB) as %s after %d ms%n",
          jar.getFileName(), Files.size(jar) >> 20, jarId, (System.nanoTime() - t0) / 1_000_000);

      Dataset data = new Dataset(23, 300);
      EventsTable.write(data.firstHalf());
      List<String> args = new ArrayList<>(data.pipelineArgs());
      args.addAll(List.of("--checkpointingInterval=2000"));
      StringBuilder json =
          new StringBuilder(
              "{\"entryClass\":\""
                  + FlinkJobMain.class.getName()
                  + "\",\"parallelism\":2,\"programArgsList\":[");
      for (int i = 0; i < args.size(); i++) {
        json.append(i == 0 ? "" : ",").append('"').append(args.get(i)).append('"');
      }
      json.append("]}");
      HttpResponse<String> run =
          http.send(
              HttpRequest.newBuilder(URI.create(rest + "/jars/" + jarId + "/run"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(json.toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(run.statusCode())
          .as("POST /jars/%s/run: %s%ncluster log ends:%n%s", jarId, run.body(), cluster.logTail())
          .isEqualTo(200);
      String jobId = field(run.body(), "jobid");
      System.out.printf(
          "job %s running after %d ms%n", jobId, (System.nanoTime() - t0) / 1_000_000);
      try {
        EventsTable.write(data.secondHalf());
        try {
          data.awaitWatermarkAndAssertRedisEqualsOracle(Duration.ofSeconds(180));
        } catch (AssertionError e) {
          throw new AssertionError(e.getMessage() + "\ncluster log ends:\n" + cluster.logTail(), e);
        }
        assertThat(data.redis.hget("cs:pipeline", "runner")).isEqualTo("FlinkRunner");
      } finally {
        HttpResponse<String> cancel =
            http.send(
                HttpRequest.newBuilder(URI.create(rest + "/jobs/" + jobId + "?mode=cancel"))
                    .method("PATCH", HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(cancel.statusCode())
            .as("PATCH /jobs/%s?mode=cancel: %s", jobId, cancel.body())
            .isEqualTo(202);
      }
    }
    System.out.printf("job-jar test took %d s%n", (System.nanoTime() - t0) / 1_000_000_000);
  }

  private static boolean up(HttpClient http, String url) {
    try {
      return http.send(
                  HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                  HttpResponse.BodyHandlers.ofString())
              .statusCode()
          == 200;
    } catch (Exception e) {
      return false;
    }
  }

  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
    assertThat(m.find()).as("field %s in %s", name, json).isTrue();
    return m.group(1);
  }
}
