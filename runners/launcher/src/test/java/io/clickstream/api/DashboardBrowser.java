package io.clickstream.api;

import java.util.Map;

/**
 * One of the dashboard's browser tests ({@code web/e2e/*.test.mjs}) running, for the launcher's
 * tests, which drive a real demo's dashboard: in this package because {@link BrowserTests}
 * (query-api's test-jar) is package-private.
 */
public final class DashboardBrowser {

  private final BrowserTests.Run run;

  private DashboardBrowser(BrowserTests.Run run) {
    this.run = run;
  }

  /**
   * Starts {@code testFile} (from the checkout's root) with {@code env}, in the background; fails
   * at once when Chromium, node or playwright-core is missing.
   */
  public static DashboardBrowser start(String testFile, Map<String, String> env) throws Exception {
    BrowserTests.requireTools();
    return new DashboardBrowser(BrowserTests.start(testFile, env));
  }

  /** Waits for it; fails unless node ran it and every test passed. */
  public void await() throws InterruptedException {
    run.await();
  }
}
