package io.clickstream.api;

import java.util.Map;

/**
 * The dashboard's browser tests ({@code web/e2e/*.test.mjs}) for the launcher's tests, which drive
 * a real demo's dashboard: in this package because {@link BrowserTests} (query-api's test-jar) is
 * package-private.
 */
public final class DashboardBrowser {

  private DashboardBrowser() {}

  /**
   * Runs {@code testFile} (from the checkout's root) with {@code env}; fails unless node ran it and
   * every test passed, or when Chromium, node or playwright-core is missing.
   */
  public static void test(String testFile, Map<String, String> env) throws Exception {
    BrowserTests.requireTools();
    BrowserTests.start(testFile, env).await();
  }
}
