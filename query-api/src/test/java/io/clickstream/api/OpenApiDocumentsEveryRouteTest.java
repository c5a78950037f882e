package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OpenApiDocumentsEveryRouteTest {

  // With a read token, to show the document is open like health.
  @RegisterExtension static final ApiFixture API = ApiFixture.withReadToken("read-token-42");

  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "patch", "head", "options");

  @Test
  void everyInstalledRouteIsDocumentedAndEveryDocumentedRouteIsInstalled() throws Exception {
    JsonNode document = new ObjectMapper().readTree(OpenApiController.load());
    Set<String> documented = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields();
        paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      path.getValue()
          .fieldNames()
          .forEachRemaining(
              method -> {
                if (METHODS.contains(method)) {
                  documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
              });
    }
    Set<String> installed = new TreeSet<>(API.routes());

    assertThat(installed).as("routes installed but not in openapi.json").isSubsetOf(documented);
    assertThat(documented).as("routes in openapi.json but not installed").isSubsetOf(installed);
  }

  @Test
  void everyPathParameterIsDeclaredAndEveryReferenceResolves() throws Exception {
    String text = OpenApiController.load();
    JsonNode document = new ObjectMapper().readTree(text);
    assertThat(document.get("openapi").asText()).isEqualTo("3.1.0");
    for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields();
        paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      Matcher names = Pattern.compile("\\{([^}]+)}").matcher(path.getKey());
      while (names.find()) {
        String name = names.group(1);
        // Declared once for the path: a shared parameter by reference, or one of its own.
        assertThat(path.getValue().path("parameters"))
            .as("the parameters of %s", path.getKey())
            .anyMatch(
                p ->
                    p.path("$ref").asText().equals("#/components/parameters/" + name)
                        || (p.path("name").asText().equals(name)
                            && p.path("in").asText().equals("path")));
      }
    }
    Matcher refs = Pattern.compile("\"\\$ref\"\\s*:\\s*\"#/([^\"]+)\"").matcher(text);
    while (refs.find()) {
      assertThat(document.at("/" + refs.group(1)).isMissingNode())
          .as("$ref #/%s", refs.group(1))
          .isFalse();
    }
  }

  @Test
  void theDocumentIsServedAsJsonWithoutTheReadToken() {
    ApiFixture.Reply reply = API.get(Routes.OPENAPI);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.contentType()).startsWith("application/json");
    assertThat(reply.json().get("paths").has(Routes.OPENAPI)).isTrue();
    assertThat(API.get("/api/dimensions").status()).isEqualTo(401);
  }
}
