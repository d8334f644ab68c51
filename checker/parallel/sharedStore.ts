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

/** What `sharedInsert` did: fingerprints it inserted, and those it left to the coordinator. */
export interface InsertReport {
  readonly inserted: number;
  readonly deferred: number[];
}

/**
 * The inserts of one partition of a BFS level's candidates, run by one worker
 * while the others run theirs (search.ts, two-phase levels). `lists` hold the
 * candidates' fingerprints in the sequential order, `stride` words each, the
 * high word first and the low word next (the chunks' `hashes`, 3 lanes);
 * candidate i is the i-th over the lists, one after the other. This call
 * takes those of [from, to) whose partition — the top bits of hi,
 * `floor(hi · parts / 2^32)` — is `part`, in order, inserts them into `table`
 * and writes `out[i]`: 1 when new (the first occurrence of the fingerprint in
 * the order, not already stored), 0 when not, 2 when left to the coordinator
 * (hi = 0: the store's (0, 0) → (0, 1) entries, claimed by their low word,
 * which this protocol does not do).
 *
 * A fingerprint has one partition, so one thread decides all its
 * occurrences, in order: `out` is the same for every number of workers and
 * every interleaving. A partition's home slots are a contiguous range of the
 * table; only a probe running past its end meets another thread's inserts,
 * so a slot is claimed with `Atomics.compareExchange` on its high word
 * (0 → hi) and its low word written after. A thread never needs another
 * partition's low word: an entry whose high word is not its own fingerprint's
 * high word is just occupied. No thread reads the table for anything else
 * while the inserts run (the level's expansions are over). The table must
 * have room for every candidate (FingerprintStore.room).
 */
export function sharedInsert(table: Uint32Array, lists: readonly Uint32Array[], stride: number, from: number, to: number, part: number, parts: number, out: Uint8Array): InsertReport {
  const cap = table.length >>> 1;
  const scale = cap / 4294967296;
  const pscale = parts / 4294967296;
  let inserted = 0;
  const deferred: number[] = [];
  let sink = 0;
  let base = 0; // index of the list's first candidate
  for (const fps of lists) {
    const n = (fps.length / stride) | 0;
    const i0 = Math.max(from, base);
    const i1 = Math.min(to, base + n);
    for (let i = i0; i < i1; i++) {
      const at = (i - base) * stride;
      if ((i - i0) % TOUCH_BLOCK === 0) {
        // Touch the slots of the next block first, so that their cache misses overlap.
        const end = (Math.min(i1, i + TOUCH_BLOCK) - base) * stride;
        for (let q = at; q < end; q += stride) {
          const h = fps[q];
          if (floor(h * pscale) === part) sink ^= table[floor(h * scale) << 1];
        }
      }
      const hi = fps[at];
      if (floor(hi * pscale) !== part) continue;
      if (hi === 0) {
        out[i] = 2;
        deferred.push(i);
        continue;
      }
      const lo = fps[at + 1];
      let s = floor(hi * scale);
      for (;;) {
        const j = s << 1;
        const a = table[j];
        if (a === 0) {
          if (table[j + 1] === 0) {
            if (Atomics.compareExchange(table, j, 0, hi) === 0) {
              table[j + 1] = lo;
              out[i] = 1;
              inserted++;
              break;
            }
            continue; // another partition's thread took the slot: look at it again
          }
        } else if (a === hi && table[j + 1] === lo) {
          out[i] = 0;
          break;
        }
        if (++s === cap) s = 0;
      }
    }
    base += n;
    if (base >= to) break;
  }
  touchedSlots = sink;
  return { inserted, deferred };
}

/** Candidates whose slots `sharedInsert` touches before inserting them. */
const TOUCH_BLOCK = 256;
/** Keeps the touches observable. */
export let touchedSlots = 0;
