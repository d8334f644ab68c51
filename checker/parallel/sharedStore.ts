/**
 * The fingerprint visited set in shared memory, for the parallel search.
 *
 * It is `FingerprintStore` (store.ts) on a `SharedArrayBuffer`: the same
 * 64-bit fingerprints (h1, h2), the same slots, probing, capacity schedule and
 * load limits, so it holds exactly the same states, reports the same size and
 * bytes, and a search gives the same counts with either.
 *
 * One thread (the coordinator) inserts; worker threads look fingerprints up
 * without locks while it does. A slot is written low word first and then its
 * high word with `Atomics.store`, and read high word first with `Atomics.load`,
 * so a reader that sees a non-zero high word sees the whole entry. A reader
 * only ever answers "present" for an entry with a non-zero high word, and an
 * entry it finds was inserted before: "present" is always true, "absent" may
 * be stale (the coordinator's insert then decides). Growing allocates a new
 * buffer; readers keep using the old one (a subset) until they are sent the
 * new one.
 *
 * @module
 */
import { H } from '../hash';
import { fingerprintBound } from '../store';
import type { VisitedStore } from '../store';

const floor = Math.floor;

function nextCapacity(cap: number): number {
  const p = 2 ** Math.floor(Math.log2(cap));
  return cap === p ? p + p / 2 : 2 * p;
}

/** 64-bit fingerprints in a SharedArrayBuffer; one writer, lock-free readers. */
export class SharedFingerprintStore implements VisitedStore {
  readonly full = false;
  size = 0;
  private cap = 1 << 16;
  private scale = this.cap / 4294967296;
  private limit = Math.floor(this.cap * 0.8);
  table = new Uint32Array(new SharedArrayBuffer(this.cap * 2 * 4));
  get description(): string {
    return 'fingerprint (64-bit)';
  }
  sink = 0;
  touch(h0: number): void {
    this.sink ^= this.table[floor(h0 * this.scale) << 1];
  }
  insert(): boolean {
    const hi = H[0];
    const lo = H[1] === 0 && hi === 0 ? 1 : H[1];
    const t = this.table;
    const cap = this.cap;
    let s = floor(hi * this.scale);
    for (;;) {
      const j = s << 1;
      const a = t[j];
      const b = t[j + 1];
      if (a === 0 && b === 0) {
        t[j + 1] = lo;
        Atomics.store(t, j, hi);
        if (++this.size > this.limit) this.grow();
        return true;
      }
      if (a === hi && b === lo) return false;
      if (++s === cap) s = 0;
    }
  }
  private grow(): void {
    const old = this.table;
    const oldCap = this.cap;
    this.cap = nextCapacity(this.cap);
    this.scale = this.cap / 4294967296;
    this.limit = Math.floor(this.cap * 0.8);
    const t = (this.table = new Uint32Array(new SharedArrayBuffer(this.cap * 2 * 4)));
    for (let i = 0; i < oldCap; i++) {
      const hi = old[2 * i];
      const lo = old[2 * i + 1];
      if (hi === 0 && lo === 0) continue;
      let s = floor(hi * this.scale);
      while (t[2 * s] !== 0 || t[2 * s + 1] !== 0) if (++s === this.cap) s = 0;
      t[2 * s + 1] = lo;
      Atomics.store(t, 2 * s, hi);
    }
  }
  bytes(): number {
    return this.table.byteLength;
  }
  omissionProbability(): number {
    // The same bound as FingerprintStore (store.ts): evaluated at size+1, a test at --max-omission.
    return fingerprintBound(this.size + 1);
  }
}

/**
 * A reader's lookup: true only when the fingerprint (hi, lo) is certainly in
 * `table` (a table of `SharedFingerprintStore`, possibly an older one).
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
