/**
 * Sets `key` to `value` as the newest entry of `map` (a `Map` keeps insertion order), first
 * dropping the oldest entry when the map already holds `max`: a per-process table that
 * hostile traffic cannot grow without bound.
 *
 * @example
 * setWithin(buckets, connectionId, { tokens, updatedAt }, 10_000);
 */
export function setWithin<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  if (map.size >= max) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, value);
}
