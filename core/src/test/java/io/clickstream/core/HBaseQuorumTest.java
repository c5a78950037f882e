package io.clickstream.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.hadoop.hbase.HConstants;
import org.junit.jupiter.api.Test;

class HBaseQuorumTest {

  @Test
  void aHostAndPortOrAQuorumAndPortBecomeTheClientsConfiguration() {
    assertThat(HBaseQuorum.parse("127.0.0.1:2181")).isEqualTo(new HBaseQuorum("127.0.0.1", 2181));
    HBaseQuorum quorum = HBaseQuorum.parse(" zk1,zk2,zk3:2182 ");

    assertThat(quorum.configuration().get(HConstants.ZOOKEEPER_QUORUM)).isEqualTo("zk1,zk2,zk3");
    assertThat(quorum.configuration().getInt(HConstants.ZOOKEEPER_CLIENT_PORT, 0)).isEqualTo(2182);
  }

  @Test
  void anAddressWithoutAUsablePortIsRefusedNamingIt() {
    assertThatThrownBy(() -> HBaseQuorum.parse("localhost"))
        .hasMessage("expected host:port (ZooKeeper of the HBase cluster), got 'localhost'");
    assertThatThrownBy(() -> HBaseQuorum.parse("localhost:99999"))
        .hasMessageContaining("'99999' is not a port number");
    assertThatThrownBy(() -> HBaseQuorum.parse(":2181")).hasMessageContaining("expected host:port");
  }
}
