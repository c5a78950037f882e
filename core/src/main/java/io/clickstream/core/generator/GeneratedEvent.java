package io.clickstream.core.generator;

import io.clickstream.core.Event;
import java.time.Instant;

/**
 * One line the generator sends: the event, its JSON exactly as it goes on the wire, and when it is
 * meant to be written. {@code writeAt} trails the event's own timestamp by up to a few seconds and
 * arrivals are ordered by it, so event time is slightly out of order on the wire, as with real
 * clients.
 *
 * @param duplicate true when this is a re-send of a line already sent (same JSON, same event id)
 */
public record GeneratedEvent(Instant writeAt, String json, Event event, boolean duplicate) {}
