package io.clickstream.storm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The TCP sockets listening on this machine and in this JVM, as /proc/net shows them. */
final class ListeningSockets {
  private static final Pattern SOCKET = Pattern.compile("socket:\\[(\\d+)]");

  private ListeningSockets() {}

  private record Listening(String local, int port, String inode) {}

  /** Whether a socket listens on 127.0.0.1 at {@code port}. */
  static boolean onLoopback(int port) throws IOException {
    return listeningLines().stream()
        .anyMatch(line -> isLoopback(line.local()) && line.port() == port);
  }

  /** The ports this JVM listens on for every interface (0.0.0.0 or ::). */
  static Set<Integer> ofThisProcessOnEveryInterface() throws IOException {
    Set<String> ours = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      fds.forEach(
          fd -> {
            try {
              Matcher socket = SOCKET.matcher(Files.readSymbolicLink(fd).toString());
              if (socket.matches()) {
                ours.add(socket.group(1));
              }
            } catch (IOException gone) {
              // closed while listed
            }
          });
    }
    Set<Integer> ports = new HashSet<>();
    for (Listening l : listeningLines()) {
      if (ours.contains(l.inode()) && l.local().chars().allMatch(c -> c == '0')) {
        ports.add(l.port());
      }
    }
    return ports;
  }

  /**
   * 127.0.0.1 as /proc/net shows it: IPv4, or IPv4-mapped in IPv6 (a Java socket is dual-stack).
   */
  private static boolean isLoopback(String local) {
    return local.equals("0100007F") || local.equals("0000000000000000FFFF00000100007F");
  }

  /** Listening TCP sockets (state 0A) of the machine, from /proc/net/tcp and tcp6. */
  private static List<Listening> listeningLines() throws IOException {
    return Stream.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"))
        .flatMap(
            file -> {
              try {
                return Files.readAllLines(file).stream().skip(1);
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            })
        .map(line -> line.trim().split("\\s+"))
        .filter(f -> f[3].equals("0A"))
        .map(
            f -> {
              String[] address = f[1].split(":");
              return new Listening(address[0], Integer.parseInt(address[1], 16), f[9]);
            })
        .toList();
  }
}
