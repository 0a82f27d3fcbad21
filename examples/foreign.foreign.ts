// The foreign functions of foreign.fl: plain TypeScript, exported by name.

/** FNV-1a over the key's UTF-16 code units, reduced to a shard number in 0..shards-1. */
export function shardOf(key: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}
