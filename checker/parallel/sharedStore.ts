/**
 * The reader's side of the fingerprint visited set in shared memory, for the
 * parallel search. The writer's side is `FingerprintStore` (store.ts) built
 * with `shared`: one copy of the slots, probing, capacity schedule, load
 * limits and omission bound for both engines. One thread (the coordinator)
 * inserts; worker threads look fingerprints up here without locks while it
 * does. A reader only ever answers "present" for an entry with a non-zero
 * high word, and an entry it finds was inserted before: "present" is always
 * true, "absent" may be stale (the coordinator's insert then decides).
 *
 * @module
 */

const floor = Math.floor;

/**
 * A reader's lookup: true only when the fingerprint (hi, lo) is certainly in
 * `table` (the `table` of a shared `FingerprintStore`, possibly an older one).
 */
export function sharedContains(table: Uint32Array, hi: number, lo: number): boolean {
  if (hi === 0) return false; // (0, x) entries are left to the coordinator
  const cap = table.length >>> 1;
  const scale = cap / 4294967296;
  let s = floor(hi * scale);
  for (let probes = 0; probes < cap; probes++) {
    const j = s << 1;
    const a = Atomics.load(table, j);
    if (a === 0) {
      if (table[j + 1] === 0) return false;
    } else if (a === hi && table[j + 1] === lo) return true;
    if (++s === cap) s = 0;
  }
  return false;
}
