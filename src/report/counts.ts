/** Small sums the merge of shards' figures shares (merge.ts, mergeLogs.ts). */

/** Counts keyed alike (conditions, attempts, receive counts), added key by key. */
export function addCounts<K extends string>(records: Partial<Record<K, number>>[]): Partial<Record<K, number>> {
  const result: Partial<Record<K, number>> = {};
  for (const record of records) for (const [key, count] of Object.entries(record) as [K, number][]) result[key] = (result[key] ?? 0) + count;
  return result;
}

export function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
