package io.clickstream.flink.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Forwards connections to 127.0.0.1:{@code from} to 127.0.0.1:{@code to}, until closed: lets a job
 * restored from a savepoint reach, at the address recorded in the savepoint, the server that now
 * runs elsewhere (a savepoint holds the HBase source's settings, and with them the HBase quorum and
 * the Redis URL of the run that took it; docs/runners.md, "Savepoint compatibility").
 */
public final class PortForward implements AutoCloseable {

  private final ServerSocket server;
  private final List<Socket> sockets = new ArrayList<>();
  private volatile boolean closed;

  private PortForward(ServerSocket server, int to) {
    this.server = server;
    Thread acceptor =
        new Thread(
            () -> {
              while (!closed) {
                try {
                  Socket in = server.accept();
                  Socket out = new Socket(InetAddress.getLoopbackAddress(), to);
                  synchronized (sockets) {
                    sockets.add(in);
                    sockets.add(out);
                  }
                  pump(in, out);
                  pump(out, in);
                } catch (IOException e) {
                  // closed, or the target refused: the client sees its connection fail
                }
              }
            },
            "forward-" + server.getLocalPort() + "-" + to);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Listens on 127.0.0.1:{@code from}; fails, saying so, if that port is taken. */
  public static PortForward open(int from, int to) throws IOException {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    try {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), from));
    } catch (BindException e) {
      server.close();
      throw new IOException(
          "port "
              + from
              + " (recorded in the savepoint) is taken: it cannot be forwarded to "
              + to
              + "; run again once it is free",
          e);
    }
    return new PortForward(server, to);
  }

  /** The port of a {@code host:port} or of a URL's authority. */
  public static int portOf(String address) {
    String s = address.replaceFirst("^[a-z]+://", "").replaceFirst("/.*$", "");
    return Integer.parseInt(s.substring(s.lastIndexOf(':') + 1));
  }

  private static void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
              } catch (IOException e) {
                // one side closed
              } finally {
                try {
                  to.shutdownOutput();
                } catch (IOException ignored) {
                  // already closed
                }
              }
            });
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    synchronized (sockets) {
      for (Socket s : sockets) {
        s.close();
      }
    }
  }
}
