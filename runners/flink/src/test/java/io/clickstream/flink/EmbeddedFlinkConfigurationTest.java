package io.clickstream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configuration {@link EmbeddedFlink#prepare} writes for an embedded cluster over the user's.
 */
class EmbeddedFlinkConfigurationTest {

  @TempDir Path userConf;

  @Test
  void aKeyMentionedOnlyInACommentStillGetsTheLoopbackAddress() throws Exception {
    Files.writeString(
        userConf.resolve("flink-conf.yaml"),
        """
        # rest.address: 0.0.0.0
        # rest.bind-address: 0.0.0.0   (uncomment to expose the web UI)
        parallelism.default: 2
        """);

    Configuration embedded = prepare();

    assertThat(embedded.getString("rest.address", null)).isEqualTo("127.0.0.1");
    assertThat(embedded.getString("rest.bind-address", null)).isEqualTo("127.0.0.1");
    assertThat(embedded.getString("parallelism.default", null)).isEqualTo("2");
  }

  @Test
  void aKeyReallySetKeepsTheUsersValueAndTheOthersGetTheLoopbackAddress() throws Exception {
    Files.writeString(
        userConf.resolve("flink-conf.yaml"),
        """
        rest.bind-address: 0.0.0.0  # the web UI on every interface, on purpose
        taskmanager.host: tm.internal
        """);

    Configuration embedded = prepare();

    assertThat(embedded.getString("rest.bind-address", null)).isEqualTo("0.0.0.0");
    assertThat(embedded.getString("taskmanager.host", null)).isEqualTo("tm.internal");
    assertThat(embedded.getString("rest.address", null)).isEqualTo("127.0.0.1");
    assertThat(embedded.getString("jobmanager.bind-host", null)).isEqualTo("127.0.0.1");
  }

  @Test
  void aKeyNamedInsideAnotherKeysValueDoesNotCountAsSet() throws Exception {
    Files.writeString(userConf.resolve("flink-conf.yaml"), "env.java.opts.all: -Drest.address:x\n");

    assertThat(prepare().getString("rest.address", null)).isEqualTo("127.0.0.1");
  }

  /**
   * Prepares options for an embedded cluster over {@link #userConf}; reads what Flink will read.
   */
  private Configuration prepare() {
    List<String> args =
        List.of("--runner=FlinkRunner", "--flinkMaster=[local]", "--flinkConfDir=" + userConf);
    FlinkPipelineOptions options =
        PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).as(FlinkPipelineOptions.class);

    EmbeddedFlink.prepare(options, args);

    assertThat(options.getFlinkConfDir()).isNotEqualTo(userConf.toString());
    return GlobalConfiguration.loadConfiguration(options.getFlinkConfDir());
  }
}
