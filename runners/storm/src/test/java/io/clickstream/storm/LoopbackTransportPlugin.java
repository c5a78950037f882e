package io.clickstream.storm;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.apache.storm.security.auth.ReqContext;
import org.apache.storm.security.auth.SimpleTransportPlugin;
import org.apache.storm.thrift.TProcessor;
import org.apache.storm.thrift.protocol.TBinaryProtocol;
import org.apache.storm.thrift.server.THsHaServer;
import org.apache.storm.thrift.server.TServer;
import org.apache.storm.thrift.transport.TNonblockingServerSocket;
import org.apache.storm.thrift.transport.TTransportException;

/**
 * Storm's plain Thrift transport, with the server bound to 127.0.0.1: Storm's own ({@link
 * SimpleTransportPlugin}) listens on every interface and has no setting for an address. The test
 * Nimbus is given it as {@code nimbus.thrift.transport}; clients keep Storm's, which speaks the
 * same framed binary protocol.
 */
public final class LoopbackTransportPlugin extends SimpleTransportPlugin {
  private int port;

  @Override
  public TServer getServer(TProcessor processor) throws IOException, TTransportException {
    TNonblockingServerSocket socket =
        new TNonblockingServerSocket(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), type.getPort(topoConf)));
    port = socket.getPort();
    int maxBufferSize = type.getMaxBufferSize(topoConf);
    THsHaServer.Args args =
        new THsHaServer.Args(socket)
            .processor(fromLoopback(processor))
            .maxWorkerThreads(type.getNumThreads(topoConf))
            .protocolFactory(new TBinaryProtocol.Factory(false, true, maxBufferSize, -1));
    args.maxReadBufferBytes = maxBufferSize;
    return new THsHaServer(args);
  }

  /** As Storm's own wrapper does: the caller's address for Nimbus's checks, no user. */
  private static TProcessor fromLoopback(TProcessor processor) {
    return (in, out) -> {
      ReqContext context = ReqContext.context();
      context.setRemoteAddress(InetAddress.getLoopbackAddress());
      context.setSubject(null);
      processor.process(in, out);
    };
  }

  @Override
  public int getPort() {
    return port;
  }
}
