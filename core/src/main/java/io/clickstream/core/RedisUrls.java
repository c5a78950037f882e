package io.clickstream.core;

/**
 * Redis URLs as they may be shown: {@code redis://user:pw@host:6379} carries its password, and
 * banners, logs and error messages are read by more people than the operator who chose it.
 */
public final class RedisUrls {

  private static final String MASK = "***";

  private RedisUrls() {}

  /**
   * The URL with its password replaced by {@code ***} ({@code redis://user:***@host:6379}, {@code
   * redis://:***@host}); a URL without one as it is. Works on any text, also one that is no valid
   * URL (the error saying so shows it): what lies between {@code ://} and the last {@code @} is
   * taken for the user and password, so a password with an unescaped {@code @} or {@code /} is
   * masked too, at worst with some of the host.
   */
  public static String masked(String url) {
    if (url == null) {
      return null;
    }
    int start = url.indexOf("://");
    int at = url.lastIndexOf('@');
    if (start < 0 || at < start + 3) {
      return url;
    }
    String userInfo = url.substring(start + 3, at);
    int colon = userInfo.indexOf(':');
    // "redis://secret@host": Jedis reads no user without a colon, so the whole of it is the secret.
    String user = colon < 0 ? "" : userInfo.substring(0, colon + 1);
    return url.substring(0, start + 3) + user + MASK + url.substring(at);
  }
}
