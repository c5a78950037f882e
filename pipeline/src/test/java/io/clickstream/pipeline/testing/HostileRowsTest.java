package io.clickstream.pipeline.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.EventParser;
import io.clickstream.pipeline.io.EventRow;
import io.clickstream.pipeline.oracle.BatchOracle;
import io.clickstream.pipeline.testing.HostileRows.Row;
import io.clickstream.pipeline.testing.HostileRows.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The generator's verdicts are the rules' verdicts, checked row by row in milliseconds, so that
 * when the live pipeline disagrees with one the fault is the pipeline's, not the generator's.
 */
class HostileRowsTest {

  private static final long LATENESS_MILLIS = 10 * 60_000L;

  @Test
  void everyRowIsJudgedByTheOracleAsItsVerdictSaysAndARefusalNamesWhatIsWrong() {
    Instant now = Instant.now();
    HostileRows generator = new HostileRows(5);
    List<Row> rows = new ArrayList<>(generator.next(2_000, now));
    rows.addAll(generator.rewrites(now));

    Map<String, Row> originals = new HashMap<>();
    rows.stream()
        .filter(r -> r.kind() == HostileRows.Kind.ORIGINAL)
        .forEach(r -> originals.put(HexFormat.of().formatHex(r.rowKey()), r));
    for (Row row : rows) {
      String json = new String(row.value(), StandardCharsets.UTF_8);
      List<EventRow> cells = new ArrayList<>();
      Row original =
          row.kind() == HostileRows.Kind.DUPLICATE_WITH_OTHER_CONTENT
              ? originals.get(HexFormat.of().formatHex(row.rowKey()))
              : null;
      if (original != null) {
        cells.add(
            new EventRow(
                row.rowKey(),
                now.toEpochMilli() - 1,
                new String(original.value(), StandardCharsets.UTF_8)));
      }
      cells.add(new EventRow(row.rowKey(), now.toEpochMilli(), json));
      BatchOracle.Expected judged = new BatchOracle(10_000, LATENESS_MILLIS, 1_000).compute(cells);
      Verdict verdict =
          judged.rewritten() == 1
              ? Verdict.REWRITTEN
              : judged.invalid() == 1
                  ? Verdict.INVALID
                  : judged.future() == 1
                      ? Verdict.FUTURE
                      : judged.late() == 1 ? Verdict.LATE : Verdict.COUNTED;
      assertThat(verdict)
          .as("%s (%s): %s", row.kind(), EventParser.parse(json).error(), shown(json))
          .isEqualTo(row.verdict());
      if (row.verdict() == Verdict.INVALID) {
        assertThat(EventParser.parse(json).error())
            .as("%s: %s", row.kind(), shown(json))
            .isNotBlank()
            .doesNotStartWith("unreadable")
            .contains(row.reasonContains());
      }
    }
  }

  @Test
  void aSeedGivesTheSameRowsAndEnoughOfEveryKindAndVerdict() {
    Instant now = Instant.now();
    HostileRows a = new HostileRows(9);
    HostileRows b = new HostileRows(9);
    List<Row> first = a.next(1_000, now);
    List<Row> second = b.next(1_000, now);
    assertThat(first).hasSize(1_000);
    for (int i = 0; i < first.size(); i++) {
      assertThat(second.get(i).value()).isEqualTo(first.get(i).value());
      assertThat(second.get(i).rowKey()).isEqualTo(first.get(i).rowKey());
    }
    List<Row> all = new ArrayList<>(first);
    all.addAll(a.rewrites(now));
    Set<HostileRows.Kind> kinds = EnumSet.noneOf(HostileRows.Kind.class);
    Set<Verdict> verdicts = EnumSet.noneOf(Verdict.class);
    all.forEach(
        r -> {
          kinds.add(r.kind());
          verdicts.add(r.verdict());
        });
    assertThat(kinds).containsExactlyInAnyOrder(HostileRows.Kind.values());
    assertThat(verdicts).containsExactlyInAnyOrder(Verdict.values());
    assertThat(all.stream().filter(Row::hostile)).hasSize(1_000);
  }

  private static String shown(String json) {
    return json.length() > 300 ? json.substring(0, 300) + "..." : json;
  }
}
