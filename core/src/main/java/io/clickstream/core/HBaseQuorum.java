package io.clickstream.core;

import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.apache.hadoop.hbase.HConstants;

/**
 * Where HBase's ZooKeeper is, as every part takes it ({@code --hbase-zk}, {@code --hbaseZk}):
 * {@code host:port}, or {@code h1,h2,h3:port} for a quorum. The one parser, so that the pipeline,
 * the launcher, the API and the benchmark accept and refuse the same addresses.
 */
public record HBaseQuorum(String hosts, int port) {

  /**
   * @throws IllegalArgumentException naming what is wrong with {@code address}
   */
  public static HBaseQuorum parse(String address) {
    Objects.requireNonNull(address, "address");
    String s = address.trim();
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw new IllegalArgumentException(
          "expected host:port (ZooKeeper of the HBase cluster), got '" + address + "'");
    }
    String port = s.substring(colon + 1);
    int number;
    try {
      number = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      number = -1;
    }
    if (number < 1 || number > 65535) {
      throw new IllegalArgumentException(
          "'" + port + "' is not a port number in '" + address + "'");
    }
    return new HBaseQuorum(s.substring(0, colon), number);
  }

  /** An HBase client configuration for this quorum; callers add their own timeouts. */
  public Configuration configuration() {
    Configuration conf = HBaseConfiguration.create();
    conf.set(HConstants.ZOOKEEPER_QUORUM, hosts);
    conf.setInt(HConstants.ZOOKEEPER_CLIENT_PORT, port);
    return conf;
  }
}
