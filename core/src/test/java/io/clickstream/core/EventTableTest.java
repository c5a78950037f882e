package io.clickstream.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventTableTest {

  @Test
  void theSameEventIdOfTheSameUserAlwaysMapsToTheSameRow() {
    assertThat(EventTable.rowKey("user-1", "ev-9")).isEqualTo(EventTable.rowKey("user-1", "ev-9"));
  }

  @Test
  void everyRowOfAUserStartsWithTheUsersPrefix() {
    byte[] prefix = EventTable.userPrefix("user-1");
    byte[] row = EventTable.rowKey("user-1", "anything");
    assertThat(Arrays.copyOf(row, prefix.length)).isEqualTo(prefix);
    // "user-10" must not fall inside "user-1"'s prefix scan.
    byte[] other = EventTable.rowKey("user-10", "anything");
    assertThat(Arrays.equals(Arrays.copyOf(other, prefix.length), prefix)).isFalse();
  }

  @Test
  void usersSpreadOverEverySaltBucket() {
    Set<Integer> buckets = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      buckets.add(EventTable.saltOf("user-" + i));
    }
    assertThat(buckets).hasSize(EventTable.SALT_BUCKETS);
  }
}
