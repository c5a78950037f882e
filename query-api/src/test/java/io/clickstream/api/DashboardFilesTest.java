package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DashboardFilesTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  @Test
  void theDashboardIsServedAtTheRootWithItsBundledD3() {
    ApiFixture.Reply page = api.get("/");
    ApiFixture.Reply d3 = api.get("/vendor/d3.min.js");

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.contentType()).startsWith("text/html");
    assertThat(page.text()).contains("/vendor/d3.min.js").doesNotContain("https://", "http://");
    assertThat(d3.status()).isEqualTo(200);
    assertThat(d3.text()).contains("https://d3js.org v7.9.2");
  }

  @Test
  void theFunnelPageIsServedWithD3AndTheBundledD3Sankey() {
    ApiFixture.Reply page = api.get("/funnel.html");
    ApiFixture.Reply sankey = api.get("/vendor/d3-sankey.min.js");

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.text())
        .contains("/vendor/d3.min.js", "/vendor/d3-sankey.min.js", "/funnel.js")
        .doesNotContain("https://", "http://");
    // d3-sankey's UMD bundle extends the global d3, so the full d3 bundle must come first.
    assertThat(page.text().indexOf("/vendor/d3.min.js"))
        .isLessThan(page.text().indexOf("/vendor/d3-sankey.min.js"));
    assertThat(sankey.status()).isEqualTo(200);
    assertThat(sankey.text()).contains("d3-sankey v0.12.3");
  }

  @Test
  void aFileTheDashboardDoesNotHaveIsAJsonNotFoundAndNoFileIsServedUnderApi() {
    ApiFixture.Reply missing = api.get("/no-such-file.js");
    ApiFixture.Reply underApi = api.get("/api/index.html");

    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().get("error").asText()).isEqualTo("no route GET /no-such-file.js");
    assertThat(underApi.status()).isEqualTo(404);
    assertThat(underApi.json().get("error").asText()).isEqualTo("no route GET /api/index.html");
  }
}
