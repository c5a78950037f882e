package io.clickstream.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedisUrlsTest {

  @ParameterizedTest(name = "{0} is shown as {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      redis://:s3cret@127.0.0.1:6379               | redis://:***@127.0.0.1:6379
      redis://alice:s3cret@redis.example:6379/2    | redis://alice:***@redis.example:6379/2
      rediss://alice:s3cret@redis.example:6380     | rediss://alice:***@redis.example:6380
      redis://s3cret@127.0.0.1:6379                | redis://***@127.0.0.1:6379
      redis://:p@ss/w:rd@127.0.0.1:6379            | redis://:***@127.0.0.1:6379
      redis://alice:bad host@127.0.0.1             | redis://alice:***@127.0.0.1
      """)
  void aPasswordInARedisUrlIsMasked(String url, String shown) {
    assertThat(RedisUrls.masked(url)).isEqualTo(shown).doesNotContain("s3cret", "p@ss", "bad host");
  }

  @ParameterizedTest(name = "{0} is shown as it is")
  @CsvSource({
    "redis://127.0.0.1:6379",
    "rediss://redis.example:6380/3",
    "redis://127.0.0.1:6379/0",
    "not a url at all",
    "''"
  })
  void aUrlWithoutAPasswordIsShownAsItIs(String url) {
    assertThat(RedisUrls.masked(url)).isEqualTo(url);
  }
}
