/**
 * A least-recently-used map bounded by the total weight of its entries (bytes, say) as well
 * as by their number: a few huge entries cannot hold more memory than many small ones. A
 * string key weighs what it holds (2 bytes a character, at most) on top of its value's
 * weight: keys made of what clients send (documents, queries) are memory too.
 */
export class Lru<K, V> {
  private readonly entries = new Map<K, { value: V; weight: number }>();
  private weight = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxWeight: number,
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Keeps `value` unless it alone weighs more than the whole budget. */
  set(key: K, value: V, valueWeight: number): void {
    this.delete(key);
    const weight = valueWeight + (typeof key === 'string' ? key.length * 2 : 0);
    if (weight > this.maxWeight) return;
    this.entries.set(key, { value, weight });
    this.weight += weight;
    while (this.entries.size > this.maxEntries || this.weight > this.maxWeight)
      this.delete(this.entries.keys().next().value!);
  }

  clear(): void {
    this.entries.clear();
    this.weight = 0;
  }

  private delete(key: K): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.weight -= entry.weight;
  }
}
