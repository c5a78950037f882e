package io.clickstream.storm.topology;

import java.io.Serializable;
import java.util.Arrays;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.KV;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.tuple.Values;

/**
 * How one PCollection travels on a Storm stream: each element, with its timestamp, windows and
 * pane, encoded by the PCollection's own coder into a byte array, beside the hash of its encoded
 * key (for KV elements) on which a downstream GroupByKey's fields grouping partitions. Hashing the
 * encoded key, not the key object, is what Beam's GroupByKey means by equal keys; a byte array
 * itself would hash by identity in Storm's grouping.
 */
public final class WireFormat implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String KEY_FIELD = "key";
  public static final Fields DATA_FIELDS = new Fields(KEY_FIELD, "value");
  public static final String WATERMARK_STREAM = "watermark";
  public static final Fields WATERMARK_FIELDS = new Fields("watermark");

  private final Coder<WindowedValue<Object>> coder;
  private final Coder<Object> keyCoder;

  @SuppressWarnings("unchecked")
  public WireFormat(Coder<?> elementCoder, Coder<?> windowCoder) {
    this.coder =
        (Coder<WindowedValue<Object>>)
            (Coder<?>)
                WindowedValue.getFullCoder(
                    elementCoder,
                    (Coder<org.apache.beam.sdk.transforms.windowing.BoundedWindow>) windowCoder);
    this.keyCoder =
        elementCoder instanceof KvCoder
            ? (Coder<Object>) ((KvCoder<?, ?>) elementCoder).getKeyCoder()
            : null;
  }

  @SuppressWarnings("unchecked")
  public Values encode(WindowedValue<?> element) throws CoderException {
    int keyHash = 0;
    if (keyCoder != null) {
      Object key = ((KV<Object, ?>) element.getValue()).getKey();
      keyHash = Arrays.hashCode(CoderUtils.encodeToByteArray(keyCoder, key));
    }
    return new Values(
        keyHash, CoderUtils.encodeToByteArray(coder, (WindowedValue<Object>) element));
  }

  public WindowedValue<Object> decode(Tuple tuple) throws CoderException {
    return CoderUtils.decodeFromByteArray(coder, tuple.getBinary(1));
  }
}
