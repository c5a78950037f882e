package io.clickstream.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.hadoop.hbase.HConstants;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.CheckAndMutate;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptor;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptorBuilder;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;

/**
 * The HBase layout of the {@code events} table (docs/data-model.md).
 *
 * <p>Row key: {@code [salt][user_id UTF-8][0x00][event_id UTF-8]}, where salt is one byte derived
 * from the user id. The salt spreads writes over {@link #SALT_BUCKETS} pre-split regions; keeping
 * the user id right after it makes one user's history a single prefix scan; ending with the event
 * id makes a re-sent event land in its own row, as a second version of it.
 *
 * <p>The family keeps every version of a row: a row's first write is its event, and every later one
 * a rewrite that is dead-lettered (docs/data-model.md, "The rule"). With one version, HBase would
 * drop the first write at the next flush, and which copy counts would depend on when it was read.
 */
public final class EventTable {

  public static final TableName NAME = TableName.valueOf("events");
  public static final byte[] FAMILY = bytes("e");

  /** The event exactly as the application sent it. */
  public static final byte[] JSON = bytes("j");

  public static final int SALT_BUCKETS = 16;

  private EventTable() {}

  public static int saltOf(String userId) {
    // A fixed, documented hash (not String.hashCode) so any client in any language can compute it.
    int h = 0x811c9dc5;
    for (byte b : userId.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x01000193;
    }
    return Integer.remainderUnsigned(h, SALT_BUCKETS);
  }

  /** The prefix holding every row of one user: scan it to read the user's history. */
  public static byte[] userPrefix(String userId) {
    byte[] user = userId.getBytes(StandardCharsets.UTF_8);
    byte[] prefix = new byte[user.length + 2];
    prefix[0] = (byte) saltOf(userId);
    System.arraycopy(user, 0, prefix, 1, user.length);
    prefix[prefix.length - 1] = 0;
    return prefix;
  }

  public static byte[] rowKey(String userId, String eventId) {
    byte[] prefix = userPrefix(userId);
    byte[] event = eventId.getBytes(StandardCharsets.UTF_8);
    byte[] key = Arrays.copyOf(prefix, prefix.length + event.length);
    System.arraycopy(event, 0, key, prefix.length, event.length);
    return key;
  }

  /** First row key of a salt bucket; bucket {@link #SALT_BUCKETS} means "end of table". */
  public static byte[] bucketStart(int bucket) {
    return bucket >= SALT_BUCKETS ? new byte[0] : new byte[] {(byte) bucket};
  }

  /**
   * A put of the raw JSON. No client timestamp is set: the region server stamps the cell at write
   * time, which is the order the unbounded read follows.
   */
  public static Put put(Event event, String rawJson) {
    return new Put(rowKey(event.userId(), event.eventId())).addColumn(FAMILY, JSON, bytes(rawJson));
  }

  /**
   * A {@link #put} that writes only if the event's row is absent: a re-sent event keeps the first
   * copy and, above all, its first write time. A plain put would stamp the row anew, and every
   * later read of history would judge the event by that new write time and set it aside as late.
   */
  public static CheckAndMutate putIfAbsent(Event event, String rawJson) {
    return CheckAndMutate.newBuilder(rowKey(event.userId(), event.eventId()))
        .ifNotExists(FAMILY, JSON)
        .build(put(event, rawJson));
  }

  /**
   * Each region flushes its memstore at 1 MiB (HBase's floor for this setting) instead of 128 MiB.
   * The unbounded read polls by write time, and a time-range scan skips whole HFiles outside the
   * range but walks every row of the memstore: with the default, a poll's cost grew with all writes
   * since the last flush (an idle demo kept walking its history at every poll), and under a live
   * load of 5,000 events/s the region server's scans took 54 % of the JVM's CPU; with 2 MiB, 35 %;
   * with 1 MiB and polls every 200 ms, 28 % (docs/benchmarks.md).
   */
  static final long MEMSTORE_FLUSH_BYTES = 1L << 20;

  private static final ColumnFamilyDescriptor FAMILY_DESCRIPTOR =
      ColumnFamilyDescriptorBuilder.newBuilder(FAMILY)
          .setMaxVersions(HConstants.ALL_VERSIONS)
          .build();

  /**
   * Creates the table pre-split on salt buckets, unless it exists; a table created when the family
   * kept one version is altered to keep them all (versions already dropped stay dropped).
   */
  public static void createIfMissing(Admin admin) throws IOException {
    if (admin.tableExists(NAME)) {
      ColumnFamilyDescriptor existing = admin.getDescriptor(NAME).getColumnFamily(FAMILY);
      if (existing != null && existing.getMaxVersions() != HConstants.ALL_VERSIONS) {
        admin.modifyColumnFamily(
            NAME,
            ColumnFamilyDescriptorBuilder.newBuilder(existing)
                .setMaxVersions(HConstants.ALL_VERSIONS)
                .build());
      }
      return;
    }
    byte[][] splits = new byte[SALT_BUCKETS - 1][];
    for (int b = 1; b < SALT_BUCKETS; b++) {
      splits[b - 1] = bucketStart(b);
    }
    admin.createTable(
        TableDescriptorBuilder.newBuilder(NAME)
            .setMemStoreFlushSize(MEMSTORE_FLUSH_BYTES)
            .setColumnFamily(FAMILY_DESCRIPTOR)
            .build(),
        splits);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
